//! Insight: a doctor's (or, for an admin, the practice's) appointments over a date range:
//! rates, utilisation, lead time, busiest hours, charts, and a CSV download.

mod charts;

use crate::api::clinic_day::desk_doctors;
use crate::api::insight::load_insight;
use crate::domain::insight::{Insight, Tally};
use crate::domain::models::Doctor;
use crate::domain::Role;
use crate::ui::components::{
    day_text, parse_day, use_auth, InBrowser, PageMeta, RequireRole, BUTTON_SECONDARY, INPUT, LABEL,
};
use charts::{BusiestHours, LeadTimes, VolumeChart};
use chrono::{Duration, NaiveDate, Utc};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn InsightPage() -> impl IntoView {
    view! {
        <PageMeta title="Insight"/>
        <RequireRole role=Role::Doctor also=&[Role::Admin]>
            <InBrowser><Report/></InBrowser>
        </RequireRole>
    }
}

/// What the address asks for: a range (the last 30 days by default) and, for an admin, a
/// doctor (every doctor when none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Wanted {
    from: NaiveDate,
    to: NaiveDate,
    doctor: Option<i64>,
}

impl Wanted {
    fn path(&self) -> String {
        let doctor = self
            .doctor
            .map(|d| format!("&doctor={d}"))
            .unwrap_or_default();
        format!("/insight?from={}&to={}{doctor}", self.from, self.to)
    }

    fn csv(&self) -> String {
        let doctor = self
            .doctor
            .map(|d| format!("&doctor={d}"))
            .unwrap_or_default();
        format!("/api/insight.csv?from={}&to={}{doctor}", self.from, self.to)
    }
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

#[component]
fn Report() -> impl IntoView {
    let query = use_query_map();
    let wanted = Memo::new(move |_| {
        query.with(|q| {
            let to = q
                .get("to")
                .and_then(|d| parse_day(&d))
                .unwrap_or_else(today);
            let from = q
                .get("from")
                .and_then(|d| parse_day(&d))
                .unwrap_or(to - Duration::days(29));
            Wanted {
                from,
                to,
                doctor: q.get("doctor").and_then(|d| d.parse().ok()),
            }
        })
    });
    let auth = use_auth();
    let report = LocalResource::new(move || {
        let w = wanted.get();
        load_insight(w.from, w.to, w.doctor)
    });
    let doctors = LocalResource::new(|| async { desk_doctors().await.unwrap_or_default() });
    view! {
        <div class="space-y-5">
            <div>
                <h1 class="text-2xl font-bold">"Insight"</h1>
                <p class="text-sm text-slate-600">"Appointments by the day of the visit, on the doctor's clock."</p>
            </div>
            <RangePicker wanted/>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let admin = auth.user.await.ok().flatten().is_some_and(|u| u.role == Role::Admin);
                    let list = doctors.await;
                    admin.then(|| view! { <DoctorChoice doctors=list wanted/> })
                })}
            </Transition>
            <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok(insight) => view! { <Figures insight wanted=wanted.get_untracked()/> }.into_any(),
                        Err(e) => view! { <p class="text-rose-700" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// Two dates and quick ranges; every change goes into the address.
#[component]
fn RangePicker(wanted: Memo<Wanted>) -> impl IntoView {
    let navigate = use_navigate();
    let go = StoredValue::new(move |w: Wanted| navigate(&w.path(), Default::default()));
    let set_day = move |which: &'static str, text: String| {
        if let Some(day) = parse_day(&text) {
            let mut w = wanted.get_untracked();
            if which == "from" {
                w.from = day
            } else {
                w.to = day
            }
            go.with_value(|go| go(w));
        }
    };
    let presets: [(&str, i64, i64); 5] = [
        ("Last 7 days", -6, 0),
        ("Last 30 days", -29, 0),
        ("Last 90 days", -89, 0),
        ("Next 30 days", 0, 29),
        ("Last 12 months", -364, 0),
    ];
    view! {
        <div class="flex flex-wrap items-end gap-3" data-testid="range-picker">
            <div>
                <label class=LABEL for="insight-from">"From"</label>
                <input id="insight-from" type="date" class=format!("{INPUT} !w-auto") prop:value=move || wanted.get().from.to_string()
                    on:change=move |ev| set_day("from", event_target_value(&ev))/>
            </div>
            <div>
                <label class=LABEL for="insight-to">"To"</label>
                <input id="insight-to" type="date" class=format!("{INPUT} !w-auto") prop:value=move || wanted.get().to.to_string()
                    on:change=move |ev| set_day("to", event_target_value(&ev))/>
            </div>
            <div class="flex flex-wrap gap-2">
                {presets.into_iter().map(|(label, back, ahead)| view! {
                    <button type="button" class=BUTTON_SECONDARY on:click=move |_| {
                        let mut w = wanted.get_untracked();
                        w.from = today() + Duration::days(back);
                        w.to = today() + Duration::days(ahead);
                        go.with_value(|go| go(w));
                    }>{label}</button>
                }).collect_view()}
            </div>
        </div>
    }
}

/// An admin's choice: every doctor, or one.
#[component]
fn DoctorChoice(doctors: Vec<Doctor>, wanted: Memo<Wanted>) -> impl IntoView {
    let navigate = use_navigate();
    view! {
        <div class="max-w-xs">
            <label class=LABEL for="insight-doctor">"Doctor"</label>
            <select id="insight-doctor" class=INPUT on:change=move |ev| {
                let mut w = wanted.get_untracked();
                w.doctor = event_target_value(&ev).parse().ok();
                navigate(&w.path(), Default::default());
            }>
                <option value="" selected=move || wanted.get().doctor.is_none()>"All doctors"</option>
                {doctors.into_iter().map(|d| view! {
                    <option value=d.id.to_string() selected=move || wanted.get().doctor == Some(d.id)>{d.name}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or("–".into(), |r| format!("{:.0}%", r * 100.0))
}

#[component]
fn Figures(insight: Insight, wanted: Wanted) -> impl IntoView {
    let rates = insight.rates;
    let lead = rates
        .average_lead_days
        .map_or("–".into(), |d| format!("{d:.1} days"));
    let cards = [
        (
            "Appointments",
            insight.totals.booked.to_string(),
            "all statuses",
        ),
        (
            "Confirmed",
            percent(rates.confirmation),
            "of answered requests",
        ),
        (
            "Cancelled",
            percent(rates.cancellation),
            "of all appointments",
        ),
        ("No-shows", percent(rates.no_show), "of due visits"),
        (
            "Utilisation",
            percent(rates.utilisation),
            "booked of working time",
        ),
        ("Lead time", lead, "average, request to visit"),
    ];
    let range = format!("{} to {}", day_text(insight.from), day_text(insight.to));
    let per_doctor = (insight.doctors.len() > 1).then(|| insight.doctors.clone());
    view! {
        <div class="flex flex-wrap items-center justify-between gap-2">
            <p class="text-sm text-slate-600" data-testid="insight-range">{range}</p>
            <a class=BUTTON_SECONDARY href=wanted.csv() download="" rel="external" data-testid="insight-csv">"Download CSV"</a>
        </div>
        <dl class="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="insight-cards">
            {cards.into_iter().map(|(title, value, note)| view! {
                <div class="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
                    <dt class="text-sm text-slate-600">{title}</dt>
                    <dd class="text-2xl font-bold tabular-nums">{value}</dd>
                    <dd class="text-xs text-slate-500">{note}</dd>
                </div>
            }).collect_view()}
        </dl>
        <section class="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
            <VolumeChart insight=insight.clone()/>
        </section>
        <div class="grid gap-5 lg:grid-cols-2">
            <section class="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
                <BusiestHours insight=insight.clone()/>
            </section>
            <section class="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
                <LeadTimes insight=insight.clone()/>
                <StatusTable tally=insight.totals/>
            </section>
        </div>
        {per_doctor.map(|doctors| view! { <DoctorTable doctors/> })}
    }
    .into_any()
}

#[component]
fn StatusTable(tally: Tally) -> impl IntoView {
    let rows = [
        ("Pending", tally.pending),
        ("Confirmed", tally.confirmed),
        ("Checked in", tally.arrived),
        ("Completed", tally.completed),
        ("No-show", tally.no_show),
        ("Cancelled", tally.cancelled),
        ("Rejected", tally.rejected),
    ];
    view! {
        <table class="mt-4 w-full text-sm">
            <caption class="mb-1 text-left font-semibold text-slate-700">"By status"</caption>
            <tbody>
                {rows.into_iter().map(|(label, n)| view! {
                    <tr class="border-t border-slate-100"><th scope="row" class="py-1 text-left font-normal text-slate-600">{label}</th><td class="text-right tabular-nums">{n}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn DoctorTable(doctors: Vec<crate::domain::insight::DoctorInsight>) -> impl IntoView {
    view! {
        <section class="overflow-x-auto rounded-xl border border-slate-200 bg-white p-4 shadow-sm" tabindex="0" aria-label="By doctor">
            <table class="w-full text-sm" data-testid="doctor-table">
                <caption class="mb-2 text-left font-semibold text-slate-700">"By doctor"</caption>
                <thead><tr class="text-left text-slate-600">
                    <th scope="col" class="py-1">"Doctor"</th><th scope="col" class="text-right">"Appointments"</th>
                    <th scope="col" class="text-right">"Cancelled"</th><th scope="col" class="text-right">"No-shows"</th>
                    <th scope="col" class="text-right">"Utilisation"</th>
                </tr></thead>
                <tbody>
                    {doctors.into_iter().map(|d| {
                        let utilisation = (d.working_minutes > 0).then(|| d.tally.kept_minutes as f64 / d.working_minutes as f64);
                        view! {
                            <tr class="border-t border-slate-100">
                                <th scope="row" class="py-1 text-left font-medium">{d.doctor_name}</th>
                                <td class="text-right tabular-nums">{d.tally.booked}</td>
                                <td class="text-right tabular-nums">{percent(d.tally.cancellation_rate())}</td>
                                <td class="text-right tabular-nums">{percent(d.tally.no_show_rate())}</td>
                                <td class="text-right tabular-nums">{percent(utilisation)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
