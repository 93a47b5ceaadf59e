use crate::api::booking::my_appointments;
use crate::domain::models::Appointment;
use crate::domain::Role;
use crate::ui::components::{
    keep_last, use_live, AppointmentActions, EmptyState, ErrorNotice, LiveIndicator, LocalDate,
    LocalTime, OutboxPanel, PageMeta, RequireRole, StatusBadge, BUTTON,
};
use chrono::Utc;
use leptos::prelude::*;

#[component]
pub fn MyAppointmentsPage() -> impl IntoView {
    view! {
        <PageMeta title="My appointments"/>
        <RequireRole role=Role::Patient>
            <MyAppointments/>
        </RequireRole>
    }
}

#[component]
fn MyAppointments() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let live = use_live("/api/live".into());
    let list = Resource::new(
        move || (changed.get(), live.changes.get()),
        |_| my_appointments(),
    );
    // A failed reload keeps the last list on screen, under the error.
    let last = RwSignal::new(None::<Vec<Appointment>>);
    view! {
        <div class="space-y-6">
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h1 class="text-2xl font-bold">"My appointments"</h1>
                <div class="flex flex-wrap items-center gap-3">
                    <LiveIndicator feed=live/>
                    <a class=BUTTON href="/doctors">"Book an appointment"</a>
                </div>
            </div>
            // Changes made while offline, until the server has them (or refused them).
            <OutboxPanel/>
            <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let (all, error) = keep_last(last, list.await);
                    let now = Utc::now();
                    view! {
                        {error.map(|error| view! { <ErrorNotice error retry=Callback::new(move |_| list.refetch())/> })}
                        {all.map(|all| {
                            // Cancelled, rejected and finished visits are not "upcoming".
                            let (mut upcoming, past): (Vec<_>, Vec<_>) = all.into_iter().partition(|a| a.is_upcoming(now));
                            upcoming.reverse();
                            view! {
                                <Section title="Upcoming" items=upcoming changed
                                    empty="No upcoming appointments. Book one to see it here."/>
                                <Section title="Past and cancelled" items=past changed empty="No past appointments yet."/>
                            }
                        })}
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Section(
    title: &'static str,
    items: Vec<Appointment>,
    changed: RwSignal<u32>,
    empty: &'static str,
) -> impl IntoView {
    // "upcoming", "past": the hooks tests find the sections by.
    let testid = title.split(' ').next().unwrap_or(title).to_lowercase();
    view! {
        <section class="space-y-3" data-testid=testid>
            <h2 class="text-lg font-semibold">{title}</h2>
            {if items.is_empty() {
                view! { <EmptyState title=empty>""</EmptyState> }.into_any()
            } else {
                view! {
                    <ul class="space-y-3">
                        {items.into_iter().map(|a| view! { <AppointmentCard appointment=a changed/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn AppointmentCard(appointment: Appointment, changed: RwSignal<u32>) -> impl IntoView {
    let a = appointment.clone();
    view! {
        <li class="flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:flex-row sm:items-center"
            data-testid="appointment" data-id=a.id.to_string()>
            <div class="flex-1">
                <div class="flex items-center gap-2">
                    <span class="font-medium">{a.service_name.clone()}</span>
                    <StatusBadge status=a.status/>
                </div>
                <p class="text-sm text-slate-600">
                    {a.doctor_name.clone()} " · " <LocalDate at=a.starts_at/> " · "
                    <LocalTime at=a.starts_at/> "–" <LocalTime at=a.ends_at/>
                </p>
                {(!a.notes.is_empty()).then(|| view! { <p class="text-sm text-slate-500">"Your notes: " {a.notes.clone()}</p> })}
                {a.running_late_minutes.filter(|_| a.is_upcoming(Utc::now())).map(|m| view! {
                    <p class="mt-1 inline-block rounded-md bg-amber-50 px-2 py-1 text-sm font-medium text-amber-900 ring-1 ring-amber-300"
                        data-testid="running-late">
                        {format!("The doctor is running about {m} minutes late today.")}
                    </p>
                })}
            </div>
            {card_actions(appointment, changed)}
        </li>
    }
}

/// "Add to calendar" and the appointment's actions; type-erased, which keeps the card's view
/// type shallow enough for the compiler's query depth.
fn card_actions(appointment: Appointment, changed: RwSignal<u32>) -> AnyView {
    let a = appointment.clone();
    view! {
        <div class="flex flex-wrap items-center gap-2">
            // A file download: the app's router must not take it for a page. Only for visits
            // still ahead (a cancelled one has nothing to add).
            {a.is_upcoming(Utc::now()).then(|| view! {
                <a class="inline-flex min-h-touch items-center text-sm text-brand-700 underline" rel="external" download
                    href=format!("/appointments/{}/calendar.ics", a.id)>"Add to calendar"</a>
            })}
            <AppointmentActions appointment role=Role::Patient changed/>
        </div>
    }
    .into_any()
}
