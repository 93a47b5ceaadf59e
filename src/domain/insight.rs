//! Insight: what a doctor's (or the whole practice's) appointments say over a date range.
//! The server sums stored day rows; everything derived from the sums (rates, weeks,
//! utilisation, the CSV) is computed here, the same on the server and in the browser.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// The longest range one report covers, in days.
pub const MAX_RANGE_DAYS: i64 = 366;

/// Upper bounds (in days) of the lead-time buckets; the last bucket is open-ended.
pub const LEAD_BUCKET_DAYS: [u32; 5] = [1, 3, 7, 14, 30];

/// Sums over some appointments, by visit date (the doctor's local date of the start).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Every appointment, whatever its status.
    pub booked: i64,
    pub pending: i64,
    pub confirmed: i64,
    pub arrived: i64,
    pub rejected: i64,
    pub cancelled: i64,
    pub completed: i64,
    pub no_show: i64,
    /// Minutes of the appointments neither rejected nor cancelled (buffers not included).
    pub kept_minutes: i64,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.booked += other.booked;
        self.pending += other.pending;
        self.confirmed += other.confirmed;
        self.arrived += other.arrived;
        self.rejected += other.rejected;
        self.cancelled += other.cancelled;
        self.completed += other.completed;
        self.no_show += other.no_show;
        self.kept_minutes += other.kept_minutes;
    }

    /// Appointments neither rejected nor cancelled.
    pub fn kept(&self) -> i64 {
        self.booked - self.rejected - self.cancelled
    }

    /// Of the requests the doctor answered (and nobody cancelled), the share accepted.
    pub fn confirmation_rate(&self) -> Option<f64> {
        let accepted = self.confirmed + self.arrived + self.completed + self.no_show;
        share(accepted, accepted + self.rejected)
    }

    /// Of all appointments, the share cancelled (by anyone).
    pub fn cancellation_rate(&self) -> Option<f64> {
        share(self.cancelled, self.booked)
    }

    /// Of the visits that were due and settled (arrived, completed or no-show), the share
    /// where the patient did not come.
    pub fn no_show_rate(&self) -> Option<f64> {
        share(self.no_show, self.no_show + self.completed + self.arrived)
    }
}

/// `part / whole`, or `None` when there is nothing to divide.
fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// One day of the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsightDay {
    pub date: NaiveDate,
    pub tally: Tally,
    /// The doctor's (or doctors') working minutes that day: weekly hours, overrides and
    /// extra hours.
    pub working_minutes: i64,
}

/// One doctor's sums over the range (in a practice-wide report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorInsight {
    pub doctor_id: i64,
    pub doctor_name: String,
    pub tally: Tally,
    pub working_minutes: i64,
}

/// Rates over the whole range; `None` where there is nothing to divide.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    pub confirmation: Option<f64>,
    pub cancellation: Option<f64>,
    pub no_show: Option<f64>,
    /// Kept minutes over working minutes.
    pub utilisation: Option<f64>,
    /// Mean time from request to visit, in days.
    pub average_lead_days: Option<f64>,
}

/// The report: a doctor's (`doctor_id` set) or every doctor's, from `from` to `to`
/// (local dates, both included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Insight {
    pub doctor_id: Option<i64>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every day of the range, in order, days without appointments included.
    pub days: Vec<InsightDay>,
    pub totals: Tally,
    pub working_minutes: i64,
    pub rates: Rates,
    /// How far ahead appointments were requested: fewer than 1, 3, 7, 14, 30 days, and
    /// 30 days or more.
    pub lead_buckets: [i64; 6],
    /// Kept appointments by local starting hour: `[weekday][hour]`, Monday first.
    pub busiest: Vec<[i64; 24]>,
    /// Per doctor, by name (one entry for a single doctor's report).
    pub doctors: Vec<DoctorInsight>,
}

/// One stored day's sums as the server reads them.
#[derive(Debug, Clone, Copy, Default)]
pub struct DaySums {
    pub tally: Tally,
    pub lead_minutes: i64,
    pub lead_buckets: [i64; 6],
    pub hours: [i64; 24],
}

impl Insight {
    /// Builds the report from the stored day sums (`sums`, any order, dates within the
    /// range), each day's working minutes, and the per-doctor sums.
    pub fn build(
        doctor_id: Option<i64>,
        (from, to): (NaiveDate, NaiveDate),
        sums: &[(NaiveDate, DaySums)],
        working: impl Fn(NaiveDate) -> i64,
        doctors: Vec<DoctorInsight>,
    ) -> Insight {
        let mut days: Vec<InsightDay> = dates(from, to)
            .map(|date| InsightDay {
                date,
                tally: Tally::default(),
                working_minutes: working(date),
            })
            .collect();
        let (mut lead_minutes, mut lead_buckets) = (0, [0; 6]);
        let mut busiest = vec![[0; 24]; 7];
        for (date, day) in sums {
            let Some(slot) = days.get_mut(offset(from, *date)) else {
                continue;
            };
            slot.tally.add(&day.tally);
            lead_minutes += day.lead_minutes;
            add_into(&mut lead_buckets, &day.lead_buckets);
            let weekday = date.weekday().num_days_from_monday() as usize;
            add_into(&mut busiest[weekday], &day.hours);
        }
        let mut totals = Tally::default();
        days.iter().for_each(|d| totals.add(&d.tally));
        let working_minutes = days.iter().map(|d| d.working_minutes).sum();
        let rates = Rates {
            confirmation: totals.confirmation_rate(),
            cancellation: totals.cancellation_rate(),
            no_show: totals.no_show_rate(),
            utilisation: share(totals.kept_minutes, working_minutes),
            average_lead_days: share(lead_minutes, totals.booked * 1440),
        };
        Insight {
            doctor_id,
            from,
            to,
            days,
            totals,
            working_minutes,
            rates,
            lead_buckets,
            busiest,
            doctors,
        }
    }

    /// The range by week (Monday to Sunday, cut at the range's ends): each week's first
    /// day in the range and its sums.
    pub fn weeks(&self) -> Vec<(NaiveDate, Tally, i64)> {
        let mut weeks: Vec<(NaiveDate, Tally, i64)> = Vec::new();
        for day in &self.days {
            match weeks.last_mut() {
                Some((_, tally, working)) if day.date.weekday() != Weekday::Mon => {
                    tally.add(&day.tally);
                    *working += day.working_minutes;
                }
                _ => weeks.push((day.date, day.tally, day.working_minutes)),
            }
        }
        weeks
    }

    /// The busiest hour of the week: (weekday, hour, kept appointments), if any.
    pub fn peak(&self) -> Option<(Weekday, u32, i64)> {
        let mut best = None;
        for (d, hours) in self.busiest.iter().enumerate() {
            for (h, &count) in hours.iter().enumerate() {
                if count > best.map_or(0, |(_, _, c)| c) {
                    best = Some((weekday(d), h as u32, count));
                }
            }
        }
        best
    }

    /// One line per day, with a header: what spreadsheet users ask for.
    pub fn csv(&self) -> String {
        let mut out = String::from(
            "date,booked,pending,confirmed,arrived,rejected,cancelled,completed,no_show,\
             booked_minutes,working_minutes\r\n",
        );
        for d in &self.days {
            let t = &d.tally;
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{}\r\n",
                d.date,
                t.booked,
                t.pending,
                t.confirmed,
                t.arrived,
                t.rejected,
                t.cancelled,
                t.completed,
                t.no_show,
                t.kept_minutes,
                d.working_minutes
            ));
        }
        out
    }
}

fn add_into<const N: usize>(sum: &mut [i64; N], more: &[i64; N]) {
    sum.iter_mut().zip(more).for_each(|(s, m)| *s += m);
}

fn offset(from: NaiveDate, date: NaiveDate) -> usize {
    usize::try_from((date - from).num_days()).unwrap_or(usize::MAX)
}

fn weekday(monday_based: usize) -> Weekday {
    (0..monday_based).fold(Weekday::Mon, |day, _| day.succ())
}

/// The dates from `from` to `to`, both included.
pub fn dates(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

/// A local date as stored with appointments: days since 1970-01-01.
pub fn day_number(date: NaiveDate) -> i64 {
    (date - NaiveDate::default()).num_days()
}

pub fn from_day_number(number: i64) -> Option<NaiveDate> {
    NaiveDate::default().checked_add_signed(Duration::try_days(number)?)
}

/// Where an appointment starting `at` falls on the doctor's clock, as stored with it:
/// the local date's day number and the local hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalStart {
    pub day: i64,
    pub hour: i32,
}

impl LocalStart {
    pub fn of<Tz: TimeZone>(zone: &Tz, at: DateTime<Utc>) -> LocalStart {
        let local = at.with_timezone(zone).naive_local();
        LocalStart {
            day: day_number(local.date()),
            hour: local.hour() as i32,
        }
    }
}

/// Why a date range cannot be reported on.
pub fn check_range(from: NaiveDate, to: NaiveDate) -> Result<(), String> {
    if !(2000..=2100).contains(&from.year()) || !(2000..=2100).contains(&to.year()) {
        return Err("That date is out of range.".into());
    }
    if to < from {
        return Err("The last day must not be before the first day.".into());
    }
    if (to - from).num_days() >= MAX_RANGE_DAYS {
        return Err(format!("A report covers at most {MAX_RANGE_DAYS} days."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn sums(booked: i64, cancelled: i64, no_show: i64, completed: i64, minutes: i64) -> DaySums {
        let tally = Tally {
            booked,
            cancelled,
            no_show,
            completed,
            kept_minutes: minutes,
            ..Tally::default()
        };
        let mut hours = [0; 24];
        hours[9] = booked - cancelled;
        DaySums {
            tally,
            lead_minutes: booked * 2 * 1440,
            lead_buckets: [0, booked, 0, 0, 0, 0],
            hours,
        }
    }

    #[test]
    fn days_without_appointments_are_zero_and_out_of_range_sums_are_ignored() {
        let (from, to) = (date("2026-11-30"), date("2026-12-06"));
        let stored = [
            (date("2026-12-01"), sums(4, 1, 1, 2, 90)),
            (date("2026-12-09"), sums(9, 0, 0, 9, 270)),
        ];
        let report = Insight::build(None, (from, to), &stored, |_| 480, vec![]);
        assert_eq!(report.days.len(), 7);
        assert_eq!(report.days[0].tally, Tally::default());
        assert_eq!(report.days[1].tally.booked, 4);
        assert_eq!(report.totals.booked, 4);
        assert_eq!(report.working_minutes, 7 * 480);
        assert_eq!(report.rates.cancellation, Some(0.25));
        assert_eq!(report.rates.no_show, Some(1.0 / 3.0));
        assert_eq!(report.rates.utilisation, Some(90.0 / 3360.0));
        assert_eq!(report.rates.average_lead_days, Some(2.0));
        assert_eq!(report.lead_buckets, [0, 4, 0, 0, 0, 0]);
        // 2026-12-01 is a Tuesday.
        assert_eq!(report.busiest[1][9], 3);
        assert_eq!(report.peak(), Some((Weekday::Tue, 9, 3)));
    }

    #[test]
    fn rates_are_none_without_anything_to_divide() {
        let report = Insight::build(
            Some(1),
            (date("2026-12-05"), date("2026-12-06")),
            &[],
            |_| 0,
            vec![],
        );
        assert_eq!(report.rates.confirmation, None);
        assert_eq!(report.rates.utilisation, None);
        assert_eq!(report.peak(), None);
    }

    #[test]
    fn confirmation_counts_answered_requests_only() {
        let tally = Tally {
            booked: 10,
            pending: 2,
            confirmed: 3,
            completed: 2,
            rejected: 1,
            cancelled: 2,
            ..Tally::default()
        };
        assert_eq!(tally.confirmation_rate(), Some(5.0 / 6.0));
        assert_eq!(tally.kept(), 7);
    }

    #[test]
    fn weeks_start_on_monday_and_are_cut_at_the_range() {
        // Saturday 2026-11-28 to Wednesday 2026-12-09.
        let (from, to) = (date("2026-11-28"), date("2026-12-09"));
        let stored = [
            (date("2026-11-29"), sums(1, 0, 0, 1, 30)),
            (date("2026-11-30"), sums(2, 0, 0, 2, 60)),
        ];
        let weeks = Insight::build(None, (from, to), &stored, |_| 60, vec![]).weeks();
        let starts: Vec<NaiveDate> = weeks.iter().map(|w| w.0).collect();
        assert_eq!(
            starts,
            [date("2026-11-28"), date("2026-11-30"), date("2026-12-07")]
        );
        assert_eq!(weeks[0].1.booked, 1);
        assert_eq!(weeks[0].2, 120);
        assert_eq!(weeks[1].1.booked, 2);
        assert_eq!(weeks[2].2, 180);
    }

    #[test]
    fn csv_has_a_header_and_one_line_per_day() {
        let (from, to) = (date("2026-12-01"), date("2026-12-02"));
        let stored = [(date("2026-12-02"), sums(3, 1, 0, 2, 60))];
        let csv = Insight::build(None, (from, to), &stored, |_| 480, vec![]).csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("date,booked,"));
        assert_eq!(lines[1], "2026-12-01,0,0,0,0,0,0,0,0,0,480");
        assert_eq!(lines[2], "2026-12-02,3,0,0,0,0,1,2,0,60,480");
    }

    #[test]
    fn ranges_are_ordered_bounded_and_day_numbers_round_trip() {
        assert!(check_range(date("2026-01-01"), date("2026-12-31")).is_ok());
        assert!(check_range(date("2026-12-02"), date("2026-12-01")).is_err());
        assert!(check_range(date("2026-01-01"), date("2027-01-02")).is_err());
        assert!(check_range(date("1999-12-31"), date("2000-01-01")).is_err());
        assert_eq!(day_number(date("1970-01-02")), 1);
        assert_eq!(from_day_number(20_000), Some(date("2024-10-04")));
    }
}
