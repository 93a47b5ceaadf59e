//! The doctor's appointments: pending requests first, filters by status and date, paging.

use crate::api::doctor::load_dashboard;
use crate::domain::models::{Appointment, AppointmentFilter, Dashboard};
use crate::domain::{AppointmentStatus, Role};
use crate::ui::components::{
    focus, local_day_bounds, parse_day, use_live, AppointmentActions, EmptyState, LiveIndicator,
    LocalDate, LocalTime, OutboxPanel, PageMeta, RequireRole, StatusBadge, BUTTON_SECONDARY, INPUT,
    LABEL,
};
use chrono::{Local, NaiveDate};
use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <PageMeta title="Appointments"/>
        <RequireRole role=Role::Doctor>
            <DoctorDashboard/>
        </RequireRole>
    }
}

/// The filter as the doctor sees it: whole days in their own time zone.
#[derive(Clone, Debug, Default, PartialEq)]
struct Query {
    status: Option<AppointmentStatus>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    page: Option<u32>,
}

fn today() -> Option<NaiveDate> {
    Some(Local::now().date_naive())
}

impl Query {
    /// The instants the server filters on: from the start of the first day to the end of
    /// the last, in the browser's zone.
    fn to_filter(&self) -> AppointmentFilter {
        AppointmentFilter {
            status: self.status,
            from: self.from.map(|day| local_day_bounds(day).0),
            to: self.to.map(|day| local_day_bounds(day).1),
            page: self.page,
        }
    }
}

#[component]
fn DoctorDashboard() -> impl IntoView {
    let filter = RwSignal::new(Query {
        from: today(),
        ..Default::default()
    });
    let changed = RwSignal::new(0u32);
    // Set by the tabs' arrow keys: the next list's tab takes the focus (the old one is gone).
    let tab_keys = StoredValue::new(false);
    let live = use_live("/api/live".into());
    let data = Resource::new(
        move || (filter.get(), changed.get(), live.changes.get()),
        |(query, _, _)| load_dashboard(query.to_filter()),
    );
    view! {
        <div class="space-y-5">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h1 class="text-2xl font-bold">"Appointments"</h1>
                <LiveIndicator feed=live/>
            </div>
            // Changes made while offline, until the server has them (or refused them).
            <OutboxPanel/>
            <Filters filter/>
            <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(dashboard) => view! { <Results dashboard filter changed tab_keys/> }.into_any(),
                        Err(e) => view! { <p class="text-rose-700">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Filters(filter: RwSignal<Query>) -> impl IntoView {
    let day_text = |day: Option<NaiveDate>| day.map(|d| d.to_string()).unwrap_or_default();
    view! {
        <div class="flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-4">
            <div>
                <label class=LABEL for="from">"From"</label>
                <input id="from" type="date" class=INPUT prop:value=move || day_text(filter.get().from)
                    on:change=move |ev| filter.update(|f| { f.from = parse_day(&event_target_value(&ev)); f.page = None; })/>
            </div>
            <div>
                <label class=LABEL for="to">"To"</label>
                <input id="to" type="date" class=INPUT prop:value=move || day_text(filter.get().to)
                    on:change=move |ev| filter.update(|f| { f.to = parse_day(&event_target_value(&ev)); f.page = None; })/>
            </div>
            <button class=BUTTON_SECONDARY on:click=move |_| filter.update(|f| { f.from = None; f.to = None; f.page = None; })>
                "All dates"
            </button>
            <button class=BUTTON_SECONDARY on:click=move |_| filter.update(|f| { f.from = today(); f.to = None; f.page = None; })>
                "Upcoming"
            </button>
        </div>
    }
}

#[component]
fn Results(
    dashboard: Dashboard,
    filter: RwSignal<Query>,
    changed: RwSignal<u32>,
    tab_keys: StoredValue<bool>,
) -> impl IntoView {
    let page = dashboard.appointments;
    let page_count = page.page_count();
    let current = page.page;
    let statuses = StoredValue::new(
        dashboard
            .counts
            .iter()
            .map(|c| c.status)
            .collect::<Vec<_>>(),
    );
    let tab_count = dashboard.counts.len();
    let selected_index = move || {
        let current = filter.with(|f| f.status);
        // `try_`: this list's closures may run once more after a reload replaced it.
        statuses
            .try_with_value(|all| all.iter().position(|s| *s == current))
            .flatten()
            .unwrap_or(0)
    };
    // One tab stop; arrows, Home and End choose the tab (and show its list).
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let current = selected_index();
        if tab_count == 0 {
            return;
        }
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => (current + 1) % tab_count,
            "ArrowLeft" | "ArrowUp" => (current + tab_count - 1) % tab_count,
            "Home" => 0,
            "End" => tab_count - 1,
            _ => return,
        };
        ev.prevent_default();
        let status = statuses
            .try_with_value(|s| s.get(next).copied().flatten())
            .flatten();
        filter.update(|f| {
            f.status = status;
            f.page = None;
        });
        tab_keys.set_value(true);
        focus(format!("#status-tab-{next}"));
    };
    if tab_keys.get_value() {
        tab_keys.set_value(false);
        focus(format!("#status-tab-{}", selected_index()));
    }
    let tabs = dashboard.counts.into_iter().enumerate().map(|(index, count)| {
        let status = count.status;
        let selected = move || filter.get().status == status;
        let label = status.map(AppointmentStatus::label).unwrap_or("All");
        view! {
            <button role="tab" id=format!("status-tab-{index}") aria-controls="status-panel"
                aria-selected=move || selected().to_string()
                tabindex=move || if selected() { "0" } else { "-1" }
                class="rounded-full border px-3 py-1.5 text-sm min-h-touch"
                class=("bg-brand-600", selected) class=("text-white", selected) class=("border-brand-600", selected)
                class=("bg-white", move || !selected()) class=("border-slate-500", move || !selected())
                on:click=move |_| filter.update(|f| { f.status = status; f.page = None; })>
                {label} " " <span class="font-semibold">{count.count}</span>
            </button>
        }
    }).collect_view();
    view! {
        <div role="tablist" aria-label="Status" class="flex flex-wrap gap-2" on:keydown=on_key>{tabs}</div>
        <div role="tabpanel" id="status-panel" aria-labelledby=move || format!("status-tab-{}", selected_index()) class="space-y-3">
        {if page.items.is_empty() {
            view! {
                <EmptyState title="No appointments match">
                    "Try another status or dates. Patients can only book times you offer: "
                    <a class="text-brand-600 underline" href="/doctor/availability">"add availability"</a> "."
                </EmptyState>
            }.into_any()
        } else {
            view! {
                <ul class="space-y-3" data-testid="dashboard-list">
                    {page.items.into_iter().map(|a| view! { <Row appointment=a changed/> }).collect_view()}
                </ul>
            }.into_any()
        }}
        <nav class="flex items-center justify-between" aria-label="Pages">
            <button class=BUTTON_SECONDARY disabled={current <= 1}
                on:click=move |_| filter.update(|f| f.page = Some(current - 1))>"Previous"</button>
            <span class="text-sm text-slate-600">{format!("Page {current} of {page_count} · {} appointments", page.total)}</span>
            <button class=BUTTON_SECONDARY disabled={current >= page_count}
                on:click=move |_| filter.update(|f| f.page = Some(current + 1))>"Next"</button>
        </nav>
        </div>
    }
}

#[component]
fn Row(appointment: Appointment, changed: RwSignal<u32>) -> impl IntoView {
    let a = appointment.clone();
    view! {
        <li class="flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm md:flex-row md:items-center"
            data-testid="appointment" data-id=a.id.to_string()>
            <div class="w-40 shrink-0">
                <div class="font-semibold"><LocalTime at=a.starts_at/> "–" <LocalTime at=a.ends_at/></div>
                <div class="text-sm text-slate-600"><LocalDate at=a.starts_at/></div>
            </div>
            <div class="flex-1">
                <div class="flex items-center gap-2">
                    <span class="font-medium">{a.patient_name.clone()}</span>
                    <StatusBadge status=a.status/>
                </div>
                <div class="text-sm text-slate-600">{a.service_name.clone()}</div>
                {(!a.notes.is_empty()).then(|| view! { <div class="text-sm text-slate-500">"Notes: " {a.notes.clone()}</div> })}
            </div>
            <AppointmentActions appointment role=Role::Doctor changed/>
        </li>
    }
}
