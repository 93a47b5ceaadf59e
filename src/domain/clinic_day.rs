//! One doctor's day at the practice: the agenda in time order with its gaps, the current
//! time, the next patient, and who is waiting. Pure, so the server and the live screen in
//! the browser order and mark the day the same way.

use super::models::Appointment;
use super::walk_in::{WalkIn, WalkInStatus};
use super::{AppointmentStatus, TimeRange};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// A free stretch between visits shorter than this is not worth showing.
pub const MIN_GAP_MINUTES: i64 = 10;
/// The most a doctor can be running late, in minutes.
pub const MAX_RUNNING_LATE: u32 = 240;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayAgenda {
    pub doctor_id: i64,
    pub doctor_name: String,
    /// The doctor's IANA zone: the day and its times are the doctor's wall clock.
    pub time_zone: String,
    pub date: NaiveDate,
    /// The day's bounds as instants (local midnight to the next).
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    /// The zone's offset from UTC at midday, for showing wall-clock times in the browser.
    pub utc_offset_minutes: i32,
    pub running_late_minutes: Option<u32>,
    /// Every appointment starting that day, in time order, whatever its status.
    pub appointments: Vec<Appointment>,
    /// The day's walk-ins, by token, whatever their status.
    pub walk_ins: Vec<WalkIn>,
}

/// Someone at the practice: checked in for an appointment, or walked in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Visitor<'a> {
    Booked(&'a Appointment),
    WalkIn(&'a WalkIn),
}

impl Visitor<'_> {
    pub fn name(&self) -> &str {
        match self {
            Visitor::Booked(a) => &a.patient_name,
            Visitor::WalkIn(w) => &w.name,
        }
    }

    pub fn arrived_at(&self) -> DateTime<Utc> {
        match self {
            Visitor::Booked(a) => a.arrived_at.unwrap_or(a.starts_at),
            Visitor::WalkIn(w) => w.arrived_at,
        }
    }

    /// Whole minutes since arrival.
    pub fn waited(&self, now: DateTime<Utc>) -> i64 {
        (now - self.arrived_at()).num_minutes().max(0)
    }

    /// A stable key for lists: kind and id.
    pub fn key(&self) -> (bool, i64) {
        match self {
            Visitor::Booked(a) => (false, a.id),
            Visitor::WalkIn(w) => (true, w.id),
        }
    }
}

/// A booked patient may be called in this long before their time.
pub const CALL_AHEAD_MINUTES: i64 = 5;

/// One line of the day's timeline.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry<'a> {
    Visit {
        appointment: &'a Appointment,
        /// The patient the doctor should see next.
        next: bool,
    },
    Gap(TimeRange),
    Now(DateTime<Utc>),
}

/// Statuses that take up the doctor's time on the day (so they are not gaps).
fn occupies(status: AppointmentStatus) -> bool {
    !matches!(
        status,
        AppointmentStatus::Cancelled | AppointmentStatus::Rejected
    )
}

/// An instant on a wall clock `offset_minutes` ahead of UTC (a day's offset, as the agenda
/// carries it).
pub fn wall_clock(offset_minutes: i32, at: DateTime<Utc>) -> NaiveTime {
    (at + Duration::minutes(i64::from(offset_minutes))).time()
}

impl DayAgenda {
    /// An instant on the doctor's wall clock.
    pub fn local_time(&self, at: DateTime<Utc>) -> NaiveTime {
        wall_clock(self.utc_offset_minutes, at)
    }

    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.starts <= at && at < self.ends
    }

    /// The next patient to see: whoever is checked in (and not yet called in) for the
    /// earliest time, else the first confirmed visit not yet over.
    pub fn next_patient(&self, now: DateTime<Utc>) -> Option<i64> {
        let arrived = self
            .appointments
            .iter()
            .filter(|a| a.status == AppointmentStatus::Arrived && a.called_at.is_none())
            .min_by_key(|a| (a.starts_at, a.id));
        let expected = || {
            self.appointments
                .iter()
                .find(|a| a.status == AppointmentStatus::Confirmed && a.ends_at > now)
        };
        arrived.or_else(expected).map(|a| a.id)
    }

    /// Who is waiting to be seen, booked and walk-in, in the order they arrived.
    pub fn waiting(&self) -> Vec<Visitor<'_>> {
        self.visitors(false)
    }

    /// Who is with the doctor now (called in, not yet finished).
    pub fn with_doctor(&self) -> Vec<Visitor<'_>> {
        self.visitors(true)
    }

    fn visitors(&self, called: bool) -> Vec<Visitor<'_>> {
        let booked = self
            .appointments
            .iter()
            .filter(|a| a.status == AppointmentStatus::Arrived && a.called_at.is_some() == called)
            .map(Visitor::Booked);
        let wanted = if called {
            WalkInStatus::Called
        } else {
            WalkInStatus::Waiting
        };
        let walked = self
            .walk_ins
            .iter()
            .filter(|w| w.status == wanted)
            .map(Visitor::WalkIn);
        let mut all: Vec<Visitor> = booked.chain(walked).collect();
        all.sort_by_key(|v| (v.arrived_at(), v.key()));
        all
    }

    /// Whom the doctor calls next: a booked patient whose time has come (the earliest
    /// appointment first), otherwise whoever has waited longest.
    pub fn next_to_call(&self, now: DateTime<Utc>) -> Option<Visitor<'_>> {
        let waiting = self.waiting();
        let due = waiting
            .iter()
            .filter_map(|v| match v {
                Visitor::Booked(a)
                    if a.starts_at <= now + Duration::minutes(CALL_AHEAD_MINUTES) =>
                {
                    Some((a.starts_at, *v))
                }
                _ => None,
            })
            .min_by_key(|(start, v)| (*start, v.key()))
            .map(|(_, v)| v);
        due.or_else(|| waiting.first().copied())
    }

    /// The timeline: visits in time order, the free stretches between them, and the
    /// current time where it falls (when the day is today).
    pub fn timeline(&self, now: DateTime<Utc>) -> Vec<Entry<'_>> {
        let next = self.next_patient(now);
        let mut entries = Vec::with_capacity(self.appointments.len() * 2 + 1);
        let mut busy_until: Option<DateTime<Utc>> = None;
        let mut now_shown = !self.contains(now);
        for appointment in &self.appointments {
            if occupies(appointment.status) {
                if let Some(gap) = busy_until.and_then(|end| gap(end, appointment.starts_at)) {
                    if !now_shown && now < gap.start() {
                        entries.push(Entry::Now(now));
                        now_shown = true;
                    }
                    entries.push(Entry::Gap(gap));
                }
                busy_until = Some(
                    busy_until.map_or(appointment.ends_at, |end| end.max(appointment.ends_at)),
                );
            }
            if !now_shown && now < appointment.starts_at {
                entries.push(Entry::Now(now));
                now_shown = true;
            }
            entries.push(Entry::Visit {
                appointment,
                next: Some(appointment.id) == next,
            });
        }
        if !now_shown {
            entries.push(Entry::Now(now));
        }
        entries
    }
}

fn gap(from: DateTime<Utc>, to: DateTime<Utc>) -> Option<TimeRange> {
    if (to - from).num_minutes() < MIN_GAP_MINUTES {
        return None;
    }
    TimeRange::new(from, to).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 6, 3, hour, minute, 0).unwrap()
    }

    fn visit(id: i64, hour: u32, minute: u32, status: AppointmentStatus) -> Appointment {
        Appointment {
            id,
            doctor_id: 1,
            doctor_name: "Dr A".into(),
            patient_id: 10 + id,
            patient_name: format!("Patient {id}"),
            service_id: 1,
            service_name: "Check-up".into(),
            starts_at: at(hour, minute),
            ends_at: at(hour, minute) + Duration::minutes(30),
            status,
            notes: String::new(),
            created_at: at(0, 0),
            updated_at: at(0, 0),
            change_notice_hours: 24,
            video: false,
            meeting_url: None,
            arrived_at: (status == AppointmentStatus::Arrived).then(|| at(hour, minute)),
            called_at: None,
            running_late_minutes: None,
            practice_phone: String::new(),
        }
    }

    #[test]
    fn cancelled_rejected_and_finished_visits_are_not_upcoming() {
        let now = at(8, 0);
        assert!(visit(1, 9, 0, AppointmentStatus::Pending).is_upcoming(now));
        assert!(visit(2, 7, 45, AppointmentStatus::Arrived).is_upcoming(now));
        assert!(!visit(3, 9, 0, AppointmentStatus::Cancelled).is_upcoming(now));
        assert!(!visit(4, 9, 0, AppointmentStatus::Rejected).is_upcoming(now));
        assert!(!visit(5, 7, 0, AppointmentStatus::Confirmed).is_upcoming(now));
    }

    fn day(appointments: Vec<Appointment>) -> DayAgenda {
        DayAgenda {
            doctor_id: 1,
            doctor_name: "Dr A".into(),
            time_zone: "Europe/Berlin".into(),
            date: NaiveDate::from_ymd_opt(2030, 6, 3).unwrap(),
            starts: at(0, 0) - Duration::hours(2),
            ends: at(22, 0),
            utc_offset_minutes: 120,
            running_late_minutes: None,
            appointments,
            walk_ins: Vec::new(),
        }
    }

    fn walk_in(id: i64, token: u32, arrived: DateTime<Utc>, status: WalkInStatus) -> WalkIn {
        WalkIn {
            id,
            doctor_id: 1,
            token,
            name: format!("Walk-in {token}"),
            patient_id: None,
            notes: String::new(),
            status,
            arrived_at: arrived,
            called_at: None,
            finished_at: None,
        }
    }

    fn describe(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .map(|entry| match entry {
                Entry::Visit { appointment, next } => {
                    format!("{}{}", appointment.id, if *next { "*" } else { "" })
                }
                Entry::Gap(range) => format!("gap {}m", range.minutes()),
                Entry::Now(_) => "now".into(),
            })
            .collect()
    }

    use AppointmentStatus::*;

    #[test]
    fn the_timeline_shows_gaps_the_time_and_the_next_patient() {
        let agenda = day(vec![
            visit(1, 8, 0, Completed),
            visit(2, 8, 30, Confirmed),
            visit(3, 10, 0, Confirmed),
            visit(4, 10, 30, Cancelled),
            visit(5, 11, 0, Pending),
        ]);
        let timeline = describe(&agenda.timeline(at(9, 15)));
        assert_eq!(
            timeline,
            ["1", "2", "gap 60m", "now", "3*", "4", "gap 30m", "5"]
        );
    }

    #[test]
    fn a_checked_in_patient_comes_next_and_waits_in_arrival_order() {
        let mut early = visit(2, 9, 30, Arrived);
        early.arrived_at = Some(at(9, 5));
        let mut first = visit(3, 9, 0, Arrived);
        first.arrived_at = Some(at(9, 10));
        let mut agenda = day(vec![visit(1, 8, 30, Confirmed), first, early]);
        agenda.walk_ins = vec![
            walk_in(7, 1, at(8, 50), WalkInStatus::Waiting),
            walk_in(8, 2, at(8, 55), WalkInStatus::Left),
        ];
        // Visit 3 is booked earliest among those who are here.
        assert_eq!(agenda.next_patient(at(9, 20)), Some(3));
        let now = at(9, 20);
        let waiting: Vec<(String, i64)> = agenda
            .waiting()
            .into_iter()
            .map(|v| (v.name().to_string(), v.waited(now)))
            .collect();
        assert_eq!(
            waiting,
            [
                ("Walk-in 1".to_string(), 30),
                ("Patient 2".to_string(), 15),
                ("Patient 3".to_string(), 10)
            ]
        );
        // Booked patients whose time has come go first, earliest appointment first...
        assert_eq!(agenda.next_to_call(now).map(|v| v.key()), Some((false, 3)));
        // ...and before that, whoever has waited longest.
        assert_eq!(
            agenda.next_to_call(at(8, 0)).map(|v| v.key()),
            Some((true, 7))
        );
        assert!(agenda.with_doctor().is_empty());
    }

    #[test]
    fn another_day_has_no_now_line_and_overlaps_are_not_gaps() {
        let mut long = visit(1, 8, 0, Confirmed);
        long.ends_at = at(9, 30);
        let agenda = day(vec![
            long,
            visit(2, 8, 30, Confirmed),
            visit(3, 9, 30, Confirmed),
        ]);
        let timeline = describe(&agenda.timeline(at(23, 30)));
        assert_eq!(timeline, ["1", "2", "3"]);
        assert_eq!(agenda.local_time(at(8, 0)).to_string(), "10:00:00");
    }
}
