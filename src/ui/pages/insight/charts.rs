//! Insight's charts, drawn as plain SVG (no chart library in the WASM): bars over time,
//! the busiest hours of the week, and how far ahead patients book. Each chart has a text
//! alternative for screen readers.

use crate::domain::insight::{Insight, Tally, LEAD_BUCKET_DAYS};
use chrono::NaiveDate;
use leptos::prelude::*;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// One bar: its label, what was kept, and what was cancelled or rejected.
struct Bar {
    label: String,
    kept: i64,
    dropped: i64,
}

/// Appointments per day (per week over ranges longer than nine weeks): kept ones in the
/// brand colour, cancelled and rejected ones stacked on top.
#[component]
pub fn VolumeChart(insight: Insight) -> impl IntoView {
    let weekly = insight.days.len() > 63;
    let bar = |date: NaiveDate, tally: &Tally| Bar {
        label: date.format("%-d %b").to_string(),
        kept: tally.kept(),
        dropped: tally.cancelled + tally.rejected,
    };
    let bars: Vec<Bar> = if weekly {
        insight
            .weeks()
            .iter()
            .map(|(date, tally, _)| bar(*date, tally))
            .collect()
    } else {
        insight.days.iter().map(|d| bar(d.date, &d.tally)).collect()
    };
    let most = bars
        .iter()
        .map(|b| b.kept + b.dropped)
        .max()
        .unwrap_or(0)
        .max(1);
    let (width, height) = (720.0, 220.0);
    let plot = height - 24.0;
    let step = width / bars.len().max(1) as f64;
    let every = (bars.len() / 8).max(1);
    let summary = format!(
        "{} appointments in {} {}; the most on one {}: {most}.",
        insight.totals.booked,
        bars.len(),
        if weekly { "weeks" } else { "days" },
        if weekly { "week" } else { "day" },
    );
    let scale = move |n: i64| n as f64 / most as f64 * (plot - 8.0);
    view! {
        <figure>
            <figcaption class="mb-2 text-sm font-semibold text-slate-700">
                {if weekly { "Appointments per week" } else { "Appointments per day" }}
            </figcaption>
            // Scrolls sideways on a phone rather than shrinking its labels out of sight; a tab
            // stop, so the keyboard can scroll it too.
            <div class="overflow-x-auto" tabindex="0" role="region" aria-label="Appointments chart, scrolls sideways">
            <svg viewBox=format!("0 0 {width} {height}") class="h-auto w-full min-w-[36rem]" role="img" aria-label=summary.clone()
                data-testid="volume-chart">
                <line x1="0" x2=width y1=plot y2=plot class="stroke-slate-300"/>
                <text x="0" y="10" class="fill-slate-500 text-[10px]">{most.to_string()}</text>
                {bars.iter().enumerate().map(|(i, b)| {
                    let x = i as f64 * step + step * 0.15;
                    let w = (step * 0.7).max(1.0);
                    let (kept, dropped) = (scale(b.kept), scale(b.dropped));
                    view! {
                        <g>
                            <title>{format!("{}: {} kept, {} cancelled or rejected", b.label, b.kept, b.dropped)}</title>
                            <rect x=x y=plot - kept width=w height=kept class="fill-brand-500"/>
                            <rect x=x y=plot - kept - dropped width=w height=dropped class="fill-rose-300"/>
                            {(i % every == 0).then(|| view! {
                                <text x=x y=height - 6.0 class="fill-slate-500 text-[10px]">{b.label.clone()}</text>
                            })}
                        </g>
                    }
                }).collect_view()}
            </svg>
            </div>
            <p class="mt-1 flex gap-4 text-xs text-slate-600">
                <span><span class="mr-1 inline-block h-2 w-3 bg-brand-500"></span>"Kept"</span>
                <span><span class="mr-1 inline-block h-2 w-3 bg-rose-300"></span>"Cancelled or rejected"</span>
            </p>
        </figure>
    }
    .into_any()
}

/// Kept appointments by weekday and local starting hour: darker is busier.
#[component]
pub fn BusiestHours(insight: Insight) -> impl IntoView {
    let used: Vec<usize> = (0..24)
        .filter(|&h| insight.busiest.iter().any(|day| day[h] > 0))
        .collect();
    let (first, last) = match (used.first(), used.last()) {
        (Some(&f), Some(&l)) => (f.min(8), l.max(17)),
        _ => (8, 17),
    };
    let most = insight
        .busiest
        .iter()
        .flat_map(|d| d.iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let cell = 26.0;
    let columns = last - first + 1;
    let (width, height) = (40.0 + cell * columns as f64, 20.0 + cell * 7.0);
    let peak = insight.peak().map_or(
        "No appointments in this range.".to_string(),
        |(day, hour, n)| format!("Busiest: {day} at {hour:02}:00, {n} appointments."),
    );
    view! {
        <figure>
            <figcaption class="mb-2 text-sm font-semibold text-slate-700">"Busiest hours (doctor's clock)"</figcaption>
            <svg viewBox=format!("0 0 {width} {height}") class="h-auto w-full max-w-xl" role="img" aria-label=peak.clone()
                data-testid="busiest-hours">
                {(first..=last).map(|h| view! {
                    <text x=40.0 + (h - first) as f64 * cell + 4.0 y="12" class="fill-slate-500 text-[9px]">{format!("{h:02}")}</text>
                }).collect_view()}
                {WEEKDAYS.iter().enumerate().map(|(d, name)| {
                    let y = 20.0 + d as f64 * cell;
                    view! {
                        <text x="0" y=y + 17.0 class="fill-slate-600 text-[10px]">{*name}</text>
                        {(first..=last).map(|h| {
                            let n = insight.busiest[d][h];
                            let shade = 0.08 + 0.92 * n as f64 / most as f64;
                            view! {
                                <rect x=40.0 + (h - first) as f64 * cell y=y width=cell - 2.0 height=cell - 2.0 rx="3"
                                    class={if n > 0 { "fill-brand-600" } else { "fill-slate-100" }}
                                    fill-opacity={if n > 0 { shade } else { 1.0 }}>
                                    <title>{format!("{name} {h:02}:00: {n}")}</title>
                                </rect>
                            }
                        }).collect_view()}
                    }
                }).collect_view()}
            </svg>
            <p class="mt-1 text-sm text-slate-600">{peak}</p>
        </figure>
    }
    .into_any()
}

/// How far ahead appointments were requested, as horizontal bars.
#[component]
pub fn LeadTimes(insight: Insight) -> impl IntoView {
    let labels = lead_labels();
    let most = insight
        .lead_buckets
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    view! {
        <figure>
            <figcaption class="mb-2 text-sm font-semibold text-slate-700">"Booked how far ahead"</figcaption>
            <dl class="space-y-1 text-sm" data-testid="lead-times">
                {labels.into_iter().zip(insight.lead_buckets).map(|(label, n)| view! {
                    <div class="grid grid-cols-[7rem_1fr_3rem] items-center gap-2">
                        <dt class="text-slate-600">{label}</dt>
                        // An SVG bar: the CSP allows no inline styles.
                        <dd aria-hidden="true">
                            <svg viewBox="0 0 100 6" preserveAspectRatio="none" class="h-3 w-full">
                                <rect width="100" height="6" rx="1" class="fill-slate-100"/>
                                <rect width=(n * 100 / most).to_string() height="6" rx="1" class="fill-brand-500"/>
                            </svg>
                        </dd>
                        <dd class="text-right tabular-nums">{n}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </figure>
    }
    .into_any()
}

/// "Under 1 day", "1–3 days", ..., "30+ days".
fn lead_labels() -> Vec<String> {
    let mut labels = vec![format!("Under {} day", LEAD_BUCKET_DAYS[0])];
    labels.extend(
        LEAD_BUCKET_DAYS
            .windows(2)
            .map(|w| format!("{}–{} days", w[0], w[1])),
    );
    labels.push(format!(
        "{}+ days",
        LEAD_BUCKET_DAYS[LEAD_BUCKET_DAYS.len() - 1]
    ));
    labels
}
