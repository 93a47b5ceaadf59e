//! Slot arithmetic: which start times a service can be booked at.

use super::TimeRange;
use chrono::{DateTime, Duration, Utc};

/// Start times of `minutes`-long slots inside `spans`, stepping by the service length from each
/// span's start, that overlap none of `busy`, start after `not_before` and lie in `window`.
pub fn free_slots(
    spans: &[TimeRange],
    busy: &[TimeRange],
    minutes: u32,
    not_before: DateTime<Utc>,
    window: &TimeRange,
) -> Vec<TimeRange> {
    if minutes == 0 {
        return Vec::new();
    }
    let step = Duration::minutes(i64::from(minutes));
    let mut slots = Vec::new();
    for span in spans {
        let mut start = span.start();
        while start + step <= span.end() {
            let slot = TimeRange::starting_at(start, minutes).expect("positive length");
            let open = slot.start() >= not_before
                && window.contains(&slot)
                && !busy.iter().any(|b| b.overlaps(&slot));
            if open {
                slots.push(slot);
            }
            start += step;
        }
    }
    slots.sort_by_key(|slot| slot.start());
    slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 1, 7, hour, minute, 0).unwrap()
    }

    fn range(h1: u32, m1: u32, h2: u32, m2: u32) -> TimeRange {
        TimeRange::new(at(h1, m1), at(h2, m2)).unwrap()
    }

    fn starts(slots: &[TimeRange]) -> Vec<String> {
        slots
            .iter()
            .map(|s| s.start().format("%H:%M").to_string())
            .collect()
    }

    #[test]
    fn steps_through_a_span_by_the_service_length() {
        let slots = free_slots(
            &[range(9, 0, 11, 0)],
            &[],
            30,
            at(0, 0),
            &range(0, 0, 23, 59),
        );
        assert_eq!(starts(&slots), ["09:00", "09:30", "10:00", "10:30"]);
    }

    #[test]
    fn a_slot_never_runs_past_the_end_of_its_span() {
        let slots = free_slots(
            &[range(9, 0, 10, 50)],
            &[],
            45,
            at(0, 0),
            &range(0, 0, 23, 59),
        );
        assert_eq!(starts(&slots), ["09:00", "09:45"]);
    }

    #[test]
    fn busy_times_remove_every_overlapping_slot() {
        let busy = [range(9, 30, 10, 15)];
        let slots = free_slots(
            &[range(9, 0, 11, 0)],
            &busy,
            30,
            at(0, 0),
            &range(0, 0, 23, 59),
        );
        assert_eq!(starts(&slots), ["09:00", "10:30"]);
    }

    #[test]
    fn past_times_and_times_outside_the_window_are_not_offered() {
        let slots = free_slots(
            &[range(9, 0, 12, 0)],
            &[],
            60,
            at(9, 30),
            &range(0, 0, 11, 0),
        );
        assert_eq!(starts(&slots), ["10:00"]);
    }

    #[test]
    fn zero_length_services_offer_nothing() {
        assert!(
            free_slots(&[range(9, 0, 12, 0)], &[], 0, at(0, 0), &range(0, 0, 23, 0)).is_empty()
        );
    }

    #[test]
    fn slots_of_several_spans_come_out_in_time_order() {
        let spans = [range(14, 0, 15, 0), range(9, 0, 10, 0)];
        let slots = free_slots(&spans, &[], 60, at(0, 0), &range(0, 0, 23, 59));
        assert_eq!(starts(&slots), ["09:00", "14:00"]);
    }
}
