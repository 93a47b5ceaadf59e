//! Repeat rules (RRULE) of the busy-time reader: which occurrences a rule gives, in order,
//! within the bounds that keep a crafted feed from costing the server more than a moment.
//! What is understood is listed on [`Rule::is_supported`].

use chrono::{Datelike, Days, Duration, Months, NaiveDate, NaiveDateTime, Weekday};
use chrono_tz::Tz;

use super::{parse_moment, resolve, Length, Moment, Point, Zones, MAX_OCCURRENCES};
use crate::domain::TimeRange;

/// Repetition periods examined per event at most: a rule whose periods never yield an
/// occurrence (daily every 7 days, but only on Tuesdays, from a Monday) must still stop.
const MAX_PERIODS: u64 = 100_000;

/// A rule that falls on no day for this many periods in a row never will (the rarest real
/// one, 29 February, waits 47 months): stop rather than walk to [`MAX_PERIODS`].
const MAX_EMPTY_PERIODS: u32 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Freq {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// One BYDAY entry: a weekday and, for MONTHLY and YEARLY, optionally which one of the month
/// it is (`2TU` the second Tuesday, `-1FR` the last Friday; RFC 5545 3.3.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ByDay {
    pub(super) nth: Option<i32>,
    pub(super) weekday: Weekday,
}

impl ByDay {
    /// Orders entries so that repeated ones sit together and are dropped.
    fn sort_key(&self) -> (Option<i32>, u32) {
        (self.nth, self.weekday.num_days_from_monday())
    }

    /// The days of the month beginning on `month` this entry names: every such weekday, or
    /// only the nth; none when the month has no nth (a fifth Monday in a month with four).
    fn days_in(&self, month: NaiveDate) -> Vec<NaiveDate> {
        let first = month.checked_add_days(Days::new(days_after(month.weekday(), self.weekday)));
        let every: Vec<NaiveDate> = first
            .into_iter()
            .flat_map(|day| day.iter_weeks().take(5))
            .take_while(|day| day.month() == month.month())
            .collect();
        match self.nth {
            None => every,
            Some(n) => nth(&every, n).into_iter().collect(),
        }
    }
}

/// The supported part of an RRULE (see [`Rule::is_supported`]). `by_day` filters DAILY, picks
/// the days of WEEKLY, and picks the days of each month for MONTHLY and YEARLY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rule {
    freq: Freq,
    interval: u32,
    count: Option<u32>,
    until: Option<Point>,
    by_day: Vec<ByDay>,
    /// Days of the month, counted from its end when negative (-1 = the last day).
    by_month_day: Vec<i32>,
    /// Months of the year, 1 to 12.
    by_month: Vec<u32>,
    /// BYSETPOS: which of each period's days to keep, counted from the end when negative.
    by_set_pos: Vec<i32>,
    week_start: Weekday,
}

impl Rule {
    /// `None` when the rule asks for more than is supported; the event then counts once.
    pub(super) fn parse(value: &str, zones: Zones) -> Option<Rule> {
        let mut freq = None;
        let mut rule = Rule {
            freq: Freq::Daily,
            interval: 1,
            count: None,
            until: None,
            by_day: Vec::new(),
            by_month_day: Vec::new(),
            by_month: Vec::new(),
            by_set_pos: Vec::new(),
            week_start: Weekday::Mon,
        };
        for part in value.split(';') {
            let Some((key, text)) = part.split_once('=') else {
                continue;
            };
            let text = text.trim();
            match key.trim().to_ascii_uppercase().as_str() {
                "FREQ" => freq = Some(parse_freq(text)?),
                "INTERVAL" => rule.interval = text.parse::<u32>().ok()?.max(1),
                "COUNT" => rule.count = Some(text.parse::<u32>().ok().filter(|n| *n > 0)?),
                "UNTIL" => rule.until = Some(parse_moment(text, None, zones)?.point()),
                "BYDAY" => rule.by_day = parse_list(text, parse_by_day, ByDay::sort_key)?,
                "BYMONTHDAY" => {
                    let day = |item: &str| parse_ordinal(item, 31);
                    rule.by_month_day = parse_list(text, day, |n: &i32| *n)?;
                }
                "BYMONTH" => rule.by_month = parse_list(text, parse_month, |m: &u32| *m)?,
                "BYSETPOS" => {
                    let position = |item: &str| parse_ordinal(item, 366);
                    rule.by_set_pos = parse_list(text, position, |n: &i32| *n)?;
                }
                "WKST" => rule.week_start = parse_weekday(text)?,
                other if other.starts_with("BY") => return None,
                _ => {}
            }
        }
        rule.freq = freq?;
        rule.is_supported().then_some(rule)
    }

    /// What is expanded, by frequency. DAILY and WEEKLY: plain BYDAY only (RFC 5545 gives
    /// ordinals there no meaning; BYMONTHDAY, BYMONTH and BYSETPOS are not worth the code).
    /// MONTHLY: BYDAY with or without ordinals (counted within the month), BYMONTHDAY,
    /// BYMONTH (which months) and BYSETPOS. YEARLY: BYMONTH, BYMONTHDAY, BYSETPOS, and BYDAY
    /// only together with BYMONTH, its ordinals then counted within each month (`BYMONTH=11;
    /// BYDAY=4TH`). YEARLY BYDAY without BYMONTH counts through the whole year (`20MO`, the
    /// year's 20th Monday), which personal calendars hardly use: such a rule counts once.
    /// BYYEARDAY, BYWEEKNO, BYHOUR, BYMINUTE and BYSECOND make any rule count once.
    fn is_supported(&self) -> bool {
        match self.freq {
            Freq::Daily | Freq::Weekly => {
                self.by_day.iter().all(|day| day.nth.is_none())
                    && self.by_month_day.is_empty()
                    && self.by_month.is_empty()
                    && self.by_set_pos.is_empty()
            }
            Freq::Monthly => true,
            Freq::Yearly => self.by_day.is_empty() || !self.by_month.is_empty(),
        }
    }

    /// Local start times of the occurrences in order, DTSTART first (it always counts, RFC
    /// 5545 3.8.5.3, even where the rule would not produce it), ending before `window` does.
    /// Days of the rule before DTSTART are not occurrences. Stepping the wall clock keeps a
    /// weekly 09:00 meeting at 09:00 across daylight-saving changes.
    pub(super) fn starts(
        &self,
        first: &Moment,
        length: Length,
        window: &TimeRange,
    ) -> Vec<NaiveDateTime> {
        let zone = first.zone;
        let start_day = first.local.date();
        let last_day = window.end().with_timezone(&zone).date_naive();
        // With COUNT every earlier occurrence must be counted, so no skipping ahead.
        let from = match self.count {
            None => self.periods_before(start_day, lead_in_day(window, length, zone)),
            Some(_) => 0,
        };
        let mut starts = vec![first.local];
        let mut empty = 0;
        for period in from..from.saturating_add(MAX_PERIODS) {
            let Some((anchor, days)) = self.period(start_day, period) else {
                break;
            };
            if anchor > last_day {
                break;
            }
            empty = if days.is_empty() { empty + 1 } else { 0 };
            if empty > MAX_EMPTY_PERIODS {
                break;
            }
            for day in days {
                let local = day.and_time(first.local.time());
                if local <= first.local {
                    continue;
                }
                if self.is_full(starts.len()) || self.ended(local, zone) {
                    return starts;
                }
                if resolve(zone, local) >= window.end() {
                    return starts;
                }
                starts.push(local);
            }
        }
        starts
    }

    fn is_full(&self, produced: usize) -> bool {
        let counted_out = self
            .count
            .is_some_and(|count| produced >= usize::try_from(count).unwrap_or(usize::MAX));
        counted_out || produced >= MAX_OCCURRENCES
    }

    fn ended(&self, local: NaiveDateTime, zone: Tz) -> bool {
        match self.until {
            None => false,
            Some(Point::Day(last)) => local.date() > last,
            Some(Point::At(last)) => resolve(zone, local) > last,
        }
    }

    /// The first day of period `n` (a day, week, month or year, times INTERVAL) and the days
    /// in it the event falls on, ascending; `None` past the calendar's range. A year's period
    /// begins on 1 January, so that months listed before DTSTART's are not cut off.
    fn period(&self, start: NaiveDate, n: u64) -> Option<(NaiveDate, Vec<NaiveDate>)> {
        let step = n.checked_mul(u64::from(self.interval))?;
        match self.freq {
            Freq::Daily => {
                let day = start.checked_add_days(Days::new(step))?;
                let wanted = self.by_day.is_empty()
                    || self.by_day.iter().any(|by| by.weekday == day.weekday());
                Some((day, if wanted { vec![day] } else { Vec::new() }))
            }
            Freq::Weekly => {
                let weeks = Days::new(step.checked_mul(7)?);
                let week = week_start(start, self.week_start).checked_add_days(weeks)?;
                let days = self
                    .week_offsets(start)
                    .into_iter()
                    .filter_map(|offset| week.checked_add_days(Days::new(offset)))
                    .collect();
                Some((week, days))
            }
            Freq::Monthly => {
                let months = Months::new(u32::try_from(step).ok()?);
                let month = start.with_day(1)?.checked_add_months(months)?;
                let listed = self.by_month.is_empty() || self.by_month.contains(&month.month());
                let days = if listed {
                    self.month_days(month, start)
                } else {
                    Vec::new()
                };
                Some((month, self.set_positions(days)))
            }
            Freq::Yearly => {
                let year = start.year().checked_add(i32::try_from(step).ok()?)?;
                let days: Vec<NaiveDate> = self
                    .year_months(start)
                    .into_iter()
                    .filter_map(|month| NaiveDate::from_ymd_opt(year, month, 1))
                    .flat_map(|month| self.month_days(month, start))
                    .collect();
                let new_year = NaiveDate::from_ymd_opt(year, 1, 1)?;
                Some((new_year, self.set_positions(days)))
            }
        }
    }

    /// Offsets from the week's first day of the weekdays the rule repeats on (DTSTART's own
    /// when BYDAY names none), in order.
    fn week_offsets(&self, start: NaiveDate) -> Vec<u64> {
        let days: Vec<Weekday> = if self.by_day.is_empty() {
            vec![start.weekday()]
        } else {
            self.by_day.iter().map(|by| by.weekday).collect()
        };
        let mut offsets: Vec<u64> = days
            .into_iter()
            .map(|day| days_after(self.week_start, day))
            .collect();
        offsets.sort_unstable();
        offsets.dedup();
        offsets
    }

    /// The months of a year the rule visits, ascending: BYMONTH's; every month when only
    /// BYMONTHDAY is given (RFC 5545 expands it over the whole year, so `FREQ=YEARLY;
    /// BYMONTHDAY=1` is every first of the month, as other calendar programs show it); else
    /// DTSTART's month.
    fn year_months(&self, start: NaiveDate) -> Vec<u32> {
        if !self.by_month.is_empty() {
            self.by_month.clone()
        } else if !self.by_month_day.is_empty() {
            (1..=12).collect()
        } else {
            vec![start.month()]
        }
    }

    /// The days of the month beginning on `month` the rule falls on, ascending. With both
    /// BYDAY and BYMONTHDAY a day must match both (`BYDAY=FR;BYMONTHDAY=13`); with neither it
    /// is DTSTART's day of the month. Days a month lacks are skipped, not moved (RFC 5545).
    fn month_days(&self, month: NaiveDate, start: NaiveDate) -> Vec<NaiveDate> {
        let by_day = (!self.by_day.is_empty()).then(|| self.by_day_days(month));
        let by_month_day = (!self.by_month_day.is_empty()).then(|| self.by_month_day_days(month));
        match (by_day, by_month_day) {
            (None, None) => month.with_day(start.day()).into_iter().collect(),
            (Some(days), None) | (None, Some(days)) => days,
            (Some(by_day), Some(by_month_day)) => by_month_day
                .into_iter()
                .filter(|day| by_day.contains(day))
                .collect(),
        }
    }

    /// The days of the month BYDAY names, ascending and each once (`MO,1MO` name one twice).
    fn by_day_days(&self, month: NaiveDate) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = self
            .by_day
            .iter()
            .flat_map(|by| by.days_in(month))
            .collect();
        days.sort_unstable();
        days.dedup();
        days
    }

    /// The days of the month BYMONTHDAY names that the month has, ascending and each once
    /// (`30,-1` name one day in April).
    fn by_month_day_days(&self, month: NaiveDate) -> Vec<NaiveDate> {
        let length = days_in_month(month);
        let mut days: Vec<NaiveDate> = self
            .by_month_day
            .iter()
            .filter_map(|wanted| month_day(*wanted, length))
            .filter_map(|day| month.with_day(day))
            .collect();
        days.sort_unstable();
        days.dedup();
        days
    }

    /// BYSETPOS: only the listed positions among a period's days (`-1` its last), as
    /// calendars write "the last weekday of the month" (`BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1`).
    /// Only MONTHLY and YEARLY reach here: for them `days` is the period's whole set.
    fn set_positions(&self, days: Vec<NaiveDate>) -> Vec<NaiveDate> {
        if self.by_set_pos.is_empty() {
            return days;
        }
        let mut kept: Vec<NaiveDate> = self
            .by_set_pos
            .iter()
            .filter_map(|position| nth(&days, *position))
            .collect();
        kept.sort_unstable();
        kept.dedup();
        kept
    }

    /// Whole periods that end before `target`: a daily event started in 2010 is not walked
    /// through from 2010 (which would also hit [`MAX_OCCURRENCES`] before reaching today).
    fn periods_before(&self, start: NaiveDate, target: Option<NaiveDate>) -> u64 {
        let Some(target) = target else {
            return 0;
        };
        let elapsed = match self.freq {
            Freq::Daily => (target - start).num_days(),
            Freq::Weekly => (target - week_start(start, self.week_start)).num_days() / 7,
            Freq::Monthly => months_between(start, target),
            Freq::Yearly => i64::from(target.year()) - i64::from(start.year()),
        };
        u64::try_from(elapsed / i64::from(self.interval)).unwrap_or(0)
    }
}

fn parse_freq(text: &str) -> Option<Freq> {
    match text.to_ascii_uppercase().as_str() {
        "DAILY" => Some(Freq::Daily),
        "WEEKLY" => Some(Freq::Weekly),
        "MONTHLY" => Some(Freq::Monthly),
        "YEARLY" => Some(Freq::Yearly),
        _ => None,
    }
}

/// A comma-separated rule value, `None` unless every item reads. Sorted by `key` and with
/// repeats dropped, so a long list of one value costs no more than the value once.
fn parse_list<T: PartialEq, K: Ord>(
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
    key: impl Fn(&T) -> K,
) -> Option<Vec<T>> {
    let mut items = text.split(',').map(parse).collect::<Option<Vec<T>>>()?;
    items.sort_by_key(key);
    items.dedup();
    Some(items)
}

/// `TU`, or with an ordinal `2TU`, `+2TU`, `-1FR`. Ordinals run to 53 (weeks in a year); in a
/// month, past the fifth, they never occur.
pub(super) fn parse_by_day(text: &str) -> Option<ByDay> {
    let text = text.trim();
    let (ordinal, day) = text.split_at_checked(text.len().checked_sub(2)?)?;
    let weekday = parse_weekday(day)?;
    let nth = match ordinal.trim() {
        "" => None,
        // Counted within a month (the only way expanded here), so at most the fifth; a
        // larger one (a YEARLY count through the year) makes the rule count once, and
        // bounds the work a crafted list can ask for.
        ordinal => Some(parse_ordinal(ordinal, 5)?),
    };
    Some(ByDay { nth, weekday })
}

fn parse_weekday(text: &str) -> Option<Weekday> {
    match text.trim().to_ascii_uppercase().as_str() {
        "MO" => Some(Weekday::Mon),
        "TU" => Some(Weekday::Tue),
        "WE" => Some(Weekday::Wed),
        "TH" => Some(Weekday::Thu),
        "FR" => Some(Weekday::Fri),
        "SA" => Some(Weekday::Sat),
        "SU" => Some(Weekday::Sun),
        _ => None,
    }
}

/// A whole number from `-max` to `max` other than 0, `+` allowed: BYDAY ordinals, BYMONTHDAY
/// and BYSETPOS count from the end when negative, and 0 names nothing.
fn parse_ordinal(text: &str, max: u32) -> Option<i32> {
    let n = text.trim().parse::<i32>().ok()?;
    (n != 0 && n.unsigned_abs() <= max).then_some(n)
}

fn parse_month(text: &str) -> Option<u32> {
    let month = text.trim().parse::<u32>().ok()?;
    (1..=12).contains(&month).then_some(month)
}

/// The `n`th of `items` counting from 1, or from the end when negative (-1 = the last), as
/// BYDAY ordinals and BYSETPOS count; `None` when there are not that many.
fn nth<T: Copy>(items: &[T], n: i32) -> Option<T> {
    let index = if n > 0 {
        usize::try_from(n - 1).ok()?
    } else {
        items
            .len()
            .checked_sub(usize::try_from(n.unsigned_abs()).ok()?)?
    };
    items.get(index).copied()
}

/// Days from `first` forward to `day` within one week (0 to 6).
fn days_after(first: Weekday, day: Weekday) -> u64 {
    u64::from((day.num_days_from_monday() + 7 - first.num_days_from_monday()) % 7)
}

/// The first day of the week holding `day`, weeks beginning on `first` (WKST).
fn week_start(day: NaiveDate, first: Weekday) -> NaiveDate {
    day.checked_sub_days(Days::new(days_after(first, day.weekday())))
        .unwrap_or(day)
}

fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let index = |day: NaiveDate| i64::from(day.year()) * 12 + i64::from(day.month0());
    index(to) - index(from)
}

/// How many days the month beginning on `month` has.
fn days_in_month(month: NaiveDate) -> u32 {
    (29..=31)
        .rev()
        .find(|day| month.with_day(*day).is_some())
        .unwrap_or(28)
}

/// The day that BYMONTHDAY `wanted` names in a month of `length` days (-1 = the last), if the
/// month has it: the 31st is not moved into April's 30th.
fn month_day(wanted: i32, length: u32) -> Option<u32> {
    let length = i32::try_from(length).ok()?;
    let day = if wanted > 0 {
        wanted
    } else {
        length.checked_add(1)?.checked_add(wanted)?
    };
    if !(1..=length).contains(&day) {
        return None;
    }
    u32::try_from(day).ok()
}

/// The local day from which an occurrence can still reach into `window`: one occurrence's
/// length before the window, plus a day of slack for zone offsets.
fn lead_in_day(window: &TimeRange, length: Length, zone: Tz) -> Option<NaiveDate> {
    let days = Duration::try_days(i64::try_from(length.days).ok()?.checked_add(1)?)?;
    let reach = days.checked_add(&length.exact.max(Duration::zero()))?;
    let from = window.start().checked_sub_signed(reach)?;
    Some(from.with_timezone(&zone).date_naive())
}
