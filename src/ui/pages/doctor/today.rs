//! Today: the doctor's day as a live timeline (visits, free stretches, the current time, the
//! next patient), who is waiting, and "running late". It reloads itself whenever something
//! on the day changes, from any screen.

use super::queue::Queue;
use super::walk_in_form::WalkInDraft;
use crate::api::booking::ChangeAppointmentStatus;
use crate::api::clinic_day::{agenda_for_day, desk_doctors, BookWalkIn, SetRunningLate};
use crate::domain::clinic_day::{DayAgenda, Entry, MAX_RUNNING_LATE};
use crate::domain::models::{Appointment, Doctor};
use crate::domain::{Role, TimeRange};
use crate::error::AppError;
use crate::ui::components::{
    day_text, parse_day, use_auth, use_live, use_notices, AppointmentActions, AppointmentHistory,
    EmptyState, InBrowser, LiveFeed, LiveIndicator, OutboxPanel, PageMeta, RequireRole,
    StatusBadge, BUTTON, BUTTON_SECONDARY, INPUT, LABEL,
};
use crate::ui::offline::{use_offline, EntryState, OutboxEntry, QueuedAction, Sent};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn TodayPage() -> impl IntoView {
    view! {
        <PageMeta title="Today"/>
        <RequireRole role=Role::Doctor also=&[Role::Staff, Role::Admin]>
            <InBrowser><Today/></InBrowser>
        </RequireRole>
    }
}

/// The clock the page marks "now" with, moved on every half minute in the browser.
fn ticking_now() -> ReadSignal<DateTime<Utc>> {
    let (now, set_now) = signal(Utc::now());
    #[cfg(feature = "hydrate")]
    {
        if let Ok(handle) = set_interval_with_handle(
            move || set_now.set(Utc::now()),
            std::time::Duration::from_secs(30),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_now;
    now
}

/// The doctors the user works for, and the chosen one's day (the first doctor's unless the
/// address names one); `None` when the user works for no doctor yet.
async fn load(
    doctor: Option<i64>,
    date: Option<NaiveDate>,
) -> Result<Option<(Vec<Doctor>, DayAgenda)>, AppError> {
    let desks = desk_doctors().await?;
    let Some(doctor) = doctor.or_else(|| desks.first().map(|d| d.id)) else {
        return Ok(None);
    };
    Ok(Some((desks, agenda_for_day(Some(doctor), date).await?)))
}

/// `/doctor/today` with the day and doctor kept in the address.
fn today_path(doctor: Option<i64>, date: Option<NaiveDate>) -> String {
    let mut query = Vec::new();
    if let Some(doctor) = doctor {
        query.push(format!("doctor={doctor}"));
    }
    if let Some(date) = date {
        query.push(format!("date={date}"));
    }
    if query.is_empty() {
        "/doctor/today".into()
    } else {
        format!("/doctor/today?{}", query.join("&"))
    }
}

#[component]
fn Today() -> impl IntoView {
    let query = use_query_map();
    let date = Memo::new(move |_| query.with(|q| q.get("date").and_then(|d| parse_day(&d))));
    let doctor = Memo::new(move |_| query.with(|q| q.get("doctor").and_then(|d| d.parse().ok())));
    let live = use_live("/api/live".into());
    let changed = RwSignal::new(0u32);
    WalkInDraft::provide();
    // When the outbox empties or shrinks, what it sent is on the server: reload.
    let offline = use_offline();
    let synced = Memo::new(move |_| offline.entries.with(Vec::len));
    let agenda = LocalResource::new(move || {
        let (doctor, date) = (doctor.get(), date.get());
        live.changes.track();
        changed.track();
        synced.track();
        load(doctor, date)
    });
    let now = ticking_now();
    let auth = use_auth();
    view! {
        <div class="space-y-5">
            <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    // Staff and admins get the actions their role allows (the server checks
                    // them again).
                    let role = auth.user.await.ok().flatten().map_or(Role::Doctor, |user| user.role);
                    match agenda.await {
                        Ok(Some((desks, day))) => view! { <Day desks day role now changed live/> }.into_any(),
                        Ok(None) => view! {
                            <EmptyState title="No doctor to work for yet">
                                "An admin attaches front-desk accounts to the doctors they work for."
                            </EmptyState>
                        }.into_any(),
                        Err(e) => view! { <p class="text-rose-700" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Day(
    desks: Vec<Doctor>,
    day: DayAgenda,
    role: Role,
    now: ReadSignal<DateTime<Utc>>,
    changed: RwSignal<u32>,
    live: LiveFeed,
) -> impl IntoView {
    let offline = use_offline();
    let draft = use_context::<WalkInDraft>();
    let is_today = day.contains(Utc::now());
    let others: Vec<i64> = desks.iter().map(|d| d.id).collect();
    let (doctor, date) = (day.doctor_id, day.date);
    Effect::new(move |_| {
        if is_today && offline.online.get_untracked() {
            store_next_days(doctor, date, &others);
        }
    });
    let day = StoredValue::new(day);
    let title = day.with_value(|d| {
        let today = d.contains(Utc::now());
        format!(
            "{}{}",
            if today { "Today · " } else { "" },
            day_text(d.date)
        )
    });
    view! {
        <div class="flex flex-wrap items-center justify-between gap-3">
            <div>
                <h1 class="text-2xl font-bold" data-testid="day-title">{title}</h1>
                <p class="text-sm text-slate-600">{day.with_value(|d| format!("{} · times on the doctor's clock, {}.", d.doctor_name, d.time_zone))}</p>
            </div>
            <LiveIndicator feed=live/>
        </div>
        {(desks.len() > 1).then(|| view! { <DoctorSwitch desks chosen=day.with_value(|d| d.doctor_id) date=day.with_value(|d| d.date)/> })}
        <DayPicker doctor=day.with_value(|d| d.doctor_id) date=day.with_value(|d| d.date)/>
        <RunningLate day=day.get_value() changed/>
        <OutboxPanel choose_time=Callback::new(move |refused| another_time(draft, refused))/>
        <div class="grid gap-5 lg:grid-cols-[minmax(0,1fr)_18rem]">
            <section aria-label="Timeline">
                // A change to the outbox can reach this just as a newer day replaces it:
                // the replaced one draws nothing.
                {move || {
                    let (now, outbox) = (now.get(), offline.entries.get());
                    day.try_with_value(|day| timeline(day, now, role, changed, &outbox))
                }}
            </section>
            <Queue day now changed/>
        </div>
    }
}

/// Tabs for the doctors a front desk works for.
#[component]
fn DoctorSwitch(desks: Vec<Doctor>, chosen: i64, date: NaiveDate) -> impl IntoView {
    view! {
        <nav class="flex flex-wrap gap-2" aria-label="Doctor" data-testid="doctor-switch">
            {desks.into_iter().map(|doctor| {
                let current = doctor.id == chosen;
                view! {
                    <a href=today_path(Some(doctor.id), Some(date))
                        aria-current=current.then_some("page")
                        class="inline-flex min-h-touch items-center rounded-full border px-4 text-sm font-medium"
                        class=("bg-brand-600", current) class=("text-white", current) class=("border-brand-600", current)
                        class=("bg-white", !current) class=("border-slate-300", !current)>
                        {doctor.name}
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}

#[component]
fn DayPicker(doctor: i64, date: NaiveDate) -> impl IntoView {
    let navigate = use_navigate();
    let go = move |day: NaiveDate| {
        navigate(&today_path(Some(doctor), Some(day)), Default::default());
    };
    let (previous, next) = (date - Duration::days(1), date + Duration::days(1));
    let go_previous = go.clone();
    let go_next = go.clone();
    let go_today = use_navigate();
    view! {
        <nav class="flex flex-wrap items-end gap-2" aria-label="Day">
            <button class=BUTTON_SECONDARY on:click=move |_| go_previous(previous) aria-label="Previous day">"←"</button>
            <label class="sr-only" for="day">"Day"</label>
            <input id="day" type="date" class=format!("{INPUT} !mt-0 !w-auto") prop:value=date.to_string()
                on:change=move |ev| if let Some(day) = parse_day(&event_target_value(&ev)) { go(day) }/>
            <button class=BUTTON_SECONDARY on:click=move |_| go_next(next) aria-label="Next day">"→"</button>
            <button class=BUTTON_SECONDARY on:click=move |_| go_today(&today_path(Some(doctor), None), Default::default())>"Today"</button>
        </nav>
    }
}

fn clock(day: &DayAgenda, at: DateTime<Utc>) -> String {
    day.local_time(at).format("%H:%M").to_string()
}

/// A walk-in booking refused at sync (its time was taken) goes back into the walk-in form.
fn another_time(draft: Option<WalkInDraft>, refused: OutboxEntry) {
    let (Some(draft), Some(call)) = (draft, refused.call_of::<BookWalkIn>()) else {
        return;
    };
    draft.choose_another_time(&call, refused.patient);
    #[cfg(feature = "hydrate")]
    if let Some(form) = document().get_element_by_id("walk-in-form") {
        form.scroll_into_view();
    }
}

/// Fetches what the day's screens read on the next days and for the other doctors, and the
/// walk-in form's services and free times, so the service worker stores them for offline
/// use. Answers are not needed here.
fn store_next_days(doctor: i64, date: NaiveDate, desks: &[i64]) {
    #[cfg(feature = "hydrate")]
    {
        use crate::api::booking::doctor_services;
        use crate::api::clinic_day::walk_in_times;
        // A practice-wide admin would fetch every doctor's day: only a desk's few.
        const MAX_OTHER_DOCTORS: usize = 8;
        // How many days after today the device keeps for offline use.
        const NEXT_DAYS: i64 = 2;
        let others: Vec<i64> = desks
            .iter()
            .copied()
            .filter(|id| *id != doctor)
            .take(MAX_OTHER_DOCTORS)
            .collect();
        leptos::task::spawn_local(async move {
            let _ = agenda_for_day(Some(doctor), None).await;
            for ahead in 0..=NEXT_DAYS {
                let _ = agenda_for_day(Some(doctor), Some(date + Duration::days(ahead))).await;
            }
            for other in others {
                let _ = agenda_for_day(Some(other), Some(date)).await;
            }
            for service in doctor_services(doctor).await.unwrap_or_default() {
                let _ = walk_in_times(service.id, Some(doctor)).await;
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (doctor, date, desks);
}

/// The appointment as it will be once the changes waiting in the outbox are applied, and
/// whether any are waiting.
fn with_outbox(appointment: &Appointment, entries: &[OutboxEntry]) -> (Appointment, bool) {
    let mut projected = appointment.clone();
    let mut waiting = false;
    for entry in entries.iter().filter(|e| e.state != EntryState::Conflict) {
        let Some(call) = entry.call_of::<ChangeAppointmentStatus>() else {
            continue;
        };
        if call.appointment_id == appointment.id {
            waiting = true;
            if let Some(next) = projected.status.apply(call.action) {
                projected.status = next;
            }
        }
    }
    (projected, waiting)
}

fn timeline(
    day: &DayAgenda,
    now: DateTime<Utc>,
    role: Role,
    changed: RwSignal<u32>,
    outbox: &[OutboxEntry],
) -> AnyView {
    if day.appointments.is_empty() {
        return view! {
            <EmptyState title="No appointments on this day">
                "Patients book the times you offer: "
                <a class="text-brand-600 underline" href="/doctor/availability">"check your hours"</a> "."
            </EmptyState>
        }
        .into_any();
    }
    let entries = day
        .timeline(now)
        .into_iter()
        .map(|entry| match entry {
            Entry::Visit { appointment, next } => {
                let times = format!(
                    "{}–{}",
                    clock(day, appointment.starts_at),
                    clock(day, appointment.ends_at)
                );
                let (appointment, waiting) = with_outbox(appointment, outbox);
                view! { <Visit appointment times next role changed waiting/> }.into_any()
            }
            Entry::Gap(range) => gap_row(day, range).into_any(),
            Entry::Now(at) => view! {
                <li class="flex items-center gap-2 text-sm font-semibold text-rose-700" data-testid="now-line">
                    <span>{format!("Now {}", clock(day, at))}</span>
                    <span class="h-0.5 flex-1 bg-rose-500" aria-hidden="true"></span>
                </li>
            }
            .into_any(),
        })
        .collect_view();
    view! { <ol class="space-y-2" data-testid="timeline">{entries}</ol> }.into_any()
}

fn gap_row(day: &DayAgenda, range: TimeRange) -> impl IntoView {
    view! {
        <li class="rounded-lg border border-dashed border-slate-300 px-4 py-2 text-sm text-slate-500" data-testid="gap">
            {format!("Free {}–{} · {} min", clock(day, range.start()), clock(day, range.end()), range.minutes())}
        </li>
    }
}

#[component]
fn Visit(
    appointment: Appointment,
    times: String,
    next: bool,
    role: Role,
    changed: RwSignal<u32>,
    /// A change to it waits in the outbox (shown as already made, marked as not synced).
    waiting: bool,
) -> impl IntoView {
    let a = appointment.clone();
    let muted = !a.status.is_active() && a.status != crate::domain::AppointmentStatus::Completed;
    view! {
        <li class="flex flex-col gap-3 rounded-xl border bg-white p-4 shadow-sm md:flex-row md:items-center"
            class=("border-brand-500", next) class=("ring-2", next) class=("ring-brand-200", next)
            class=("border-slate-200", !next) class=("opacity-70", muted)
            data-testid="visit" data-id=a.id.to_string() data-status=a.status.as_str()>
            <div class="w-28 shrink-0 text-lg font-semibold tabular-nums">{times}</div>
            <div class="flex-1">
                <div class="flex flex-wrap items-center gap-2">
                    <span class="font-medium">{a.patient_name.clone()}</span>
                    <StatusBadge status=a.status/>
                    {waiting.then(|| view! {
                        <span class="rounded-full bg-sky-100 px-2 py-0.5 text-xs font-semibold text-sky-900" data-testid="waiting-to-sync">"Waiting to sync"</span>
                    })}
                    {next.then(|| view! { <span class="rounded-full bg-brand-600 px-2 py-0.5 text-xs font-semibold text-white">"Next"</span> })}
                </div>
                <div class="text-sm text-slate-600">{a.service_name.clone()}</div>
                {(!a.notes.is_empty()).then(|| view! { <div class="text-sm text-slate-500">"Notes: " {a.notes.clone()}</div> })}
                <AppointmentHistory appointment_id=a.id/>
            </div>
            <AppointmentActions appointment role changed/>
        </li>
    }
}

/// "Running N minutes late" for the day: patients still to come see it.
#[component]
fn RunningLate(day: DayAgenda, changed: RwSignal<u32>) -> impl IntoView {
    let notices = use_notices();
    let set = QueuedAction::<SetRunningLate>::new(move |outcome| match outcome {
        Ok(Sent::Queued) => {
            notices.success("Saved on this device. Patients are told when the connection is back.")
        }
        Ok(Sent::Applied(day)) => {
            notices.success(match day.running_late_minutes {
                Some(m) => {
                    format!("Patients still to come see that you are running {m} minutes late.")
                }
                None => "You are shown as on time again.".into(),
            });
            changed.update(|n| *n += 1);
        }
        Err(e) => notices.error(e),
    });
    let minutes = RwSignal::new(day.running_late_minutes.unwrap_or(15).to_string());
    let (date, doctor) = (day.date, day.doctor_id);
    let send = move |value: u32| {
        let label = match value {
            0 => "Back on time".to_string(),
            m => format!("Running {m} minutes late"),
        };
        let call = SetRunningLate {
            minutes: value,
            doctor: Some(doctor),
            date: Some(date),
        };
        set.dispatch(call, label);
    };
    let current = day.running_late_minutes;
    view! {
        <form class="flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-4"
            data-testid="running-late"
            on:submit=move |ev| {
                ev.prevent_default();
                match minutes.get_untracked().trim().parse::<u32>() {
                    Ok(value) => send(value),
                    Err(_) => notices.error(&AppError::invalid("minutes", "Enter the minutes as a whole number.")),
                }
            }>
            <p class="w-full text-sm" data-testid="running-late-state">
                {match current {
                    Some(m) => view! { <span class="font-semibold text-amber-800">{format!("Running {m} minutes late")}</span> }.into_any(),
                    None => view! { <span class="text-slate-600">"On time"</span> }.into_any(),
                }}
            </p>
            <div>
                <label class=LABEL for="late-minutes">"Running late (minutes)"</label>
                <input id="late-minutes" type="number" min="1" max=MAX_RUNNING_LATE.to_string() step="5"
                    class=format!("{INPUT} !w-32") prop:value=minutes
                    on:input=move |ev| minutes.set(event_target_value(&ev))/>
            </div>
            <button type="submit" class=BUTTON disabled=move || set.pending().get()>"Tell patients"</button>
            {current.map(|_| view! {
                <button type="button" class=BUTTON_SECONDARY disabled=move || set.pending().get()
                    on:click=move |_| send(0)>"Back on time"</button>
            })}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AppointmentStatus;

    fn waiting(body: &str, state: &str) -> OutboxEntry {
        let json = serde_json::json!({
            "seq": 1, "path": "/api/appointment_status", "body": body, "label": "",
            "madeAt": "2026-11-27T09:41:00Z", "state": state,
        });
        serde_json::from_value(json).unwrap()
    }

    fn confirmed(id: i64) -> Appointment {
        let at = Utc::now();
        Appointment {
            id,
            doctor_id: 1,
            doctor_name: "Dr. A".into(),
            patient_id: 2,
            patient_name: "Pat".into(),
            service_id: 3,
            service_name: "Consultation".into(),
            starts_at: at,
            ends_at: at + Duration::minutes(30),
            status: AppointmentStatus::Confirmed,
            notes: String::new(),
            created_at: at,
            updated_at: at,
            change_notice_hours: 24,
            video: false,
            meeting_url: None,
            arrived_at: None,
            called_at: None,
            running_late_minutes: None,
            practice_phone: String::new(),
        }
    }

    #[test]
    fn a_visit_shows_the_changes_waiting_for_it_and_only_those() {
        let check_in = waiting(
            r#"{"appointment_id":5,"action":"check_in","reason":""}"#,
            "waiting",
        );
        let other = waiting(
            r#"{"appointment_id":6,"action":"no_show","reason":""}"#,
            "waiting",
        );
        let (shown, marked) = with_outbox(&confirmed(5), &[check_in.clone(), other]);
        assert_eq!(shown.status, AppointmentStatus::Arrived);
        assert!(marked);
        let (untouched, unmarked) = with_outbox(&confirmed(7), &[check_in]);
        assert_eq!(untouched.status, AppointmentStatus::Confirmed);
        assert!(!unmarked);
    }

    #[test]
    fn a_refused_change_is_not_shown_as_made() {
        let refused = waiting(
            r#"{"appointment_id":5,"action":"check_in","reason":""}"#,
            "conflict",
        );
        let (shown, marked) = with_outbox(&confirmed(5), &[refused]);
        assert_eq!(shown.status, AppointmentStatus::Confirmed);
        assert!(!marked);
    }
}
