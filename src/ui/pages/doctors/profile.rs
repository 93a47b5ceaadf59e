//! A doctor's public profile: who they are, their next free times as plain links (in the
//! page the server sends), and the month calendar, built once the app runs in the browser.

use super::Avatar;
use crate::api::directory::{load_profile, next_free_times};
use crate::domain::profile::{change_policy_text, DoctorProfile, FreeTime, FreeTimes};
use crate::ui::components::{
    day_text, iso, service_summary, use_hydrated, BookingCalendar, EmptyState, ErrorNotice,
    NoScript, PageMeta,
};
use chrono::Timelike;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    // Blocking: the page's status (404 for an unknown doctor), its title and the free times
    // are known before the first byte, so the page works without JavaScript.
    let profile = Resource::new_blocking(id, |id| async move {
        match id {
            Some(id) => load_profile(id).await,
            None => Err(crate::error::AppError::not_found("That doctor")),
        }
    });
    let free = Resource::new_blocking(id, |id| async move {
        match id {
            Some(id) => next_free_times(id).await,
            None => Ok(Vec::new()),
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    // The free times are a shortcut: the calendar shows them anyway.
                    Ok(profile) => view! { <Profile profile free=free.await.unwrap_or_default()/> }.into_any(),
                    Err(e) => {
                        crate::ui::components::set_page_status(e.status());
                        view! {
                            <PageMeta title="Doctor not found"/>
                            <h1 class="text-2xl font-bold">"Doctor not found"</h1>
                            <ErrorNotice error=e retry=Callback::new(move |_| profile.refetch())/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// "Book an appointment with Dr. Ada Lovelace, general practice, in Europe/Berlin."
fn description(profile: &DoctorProfile) -> String {
    let mut text = format!("Book an appointment with {}", profile.doctor.name);
    if !profile.specialty.is_empty() {
        text.push_str(&format!(", {}", profile.specialty.to_lowercase()));
    }
    let services: Vec<&str> = profile.services.iter().map(|s| s.name.as_str()).collect();
    if !services.is_empty() {
        text.push_str(&format!(": {}", services.join(", ")));
    }
    text.push('.');
    text
}

#[component]
fn Profile(profile: DoctorProfile, free: Vec<FreeTimes>) -> impl IntoView {
    let hydrated = use_hydrated();
    let query = use_query_map();
    let reschedule = query.with_untracked(|q| q.get("reschedule").and_then(|v| v.parse().ok()));
    let heading = if reschedule.is_some() {
        "Choose a new time"
    } else {
        "Book an appointment"
    };
    let title = match profile.specialty.as_str() {
        "" => profile.doctor.name.clone(),
        specialty => format!("{}, {specialty}", profile.doctor.name),
    };
    let calendar_profile = profile.clone();
    let calendar_free = free.clone();
    let bookable = !profile.services.is_empty();
    view! {
        <PageMeta title description=description(&profile)/>
        // One column on a phone: who, then booking, then the details; two on a wide screen.
        <div class="grid gap-6 lg:grid-cols-[20rem_1fr] lg:grid-rows-[auto_1fr]">
            <div class="flex items-center gap-4 lg:col-start-1 lg:row-start-1 lg:self-start">
                <Avatar name=profile.doctor.name.clone() photo_url=profile.photo_url.clone() size="h-20 w-20"/>
                <div class="min-w-0 flex-1">
                    <h1 class="text-xl font-bold">{profile.doctor.name.clone()}</h1>
                    <p class="text-sm text-slate-600">{profile.specialty.clone()}</p>
                </div>
            </div>
            <section id="book" class="scroll-mt-4 space-y-3 lg:col-start-2 lg:row-span-2 lg:row-start-1" aria-labelledby="book-title">
                <h2 id="book-title" class="text-lg font-semibold">{heading}</h2>
                {if bookable {
                    // The calendar needs the browser's zone and clock: built once the app runs.
                    view! {
                        // Until then the free-time links below stand in (no "Loading…",
                        // which would stay for good with JavaScript off).
                        <Show when=move || hydrated.get() fallback=|| view! {
                            <NoScript text="Booking on the calendar needs JavaScript. Turn it on to book one of the times below, or call the practice."/>
                        }>
                            <BookingCalendar profile=calendar_profile.clone() free=calendar_free.clone() reschedule/>
                        </Show>
                    }.into_any()
                } else {
                    view! { <EmptyState title="No services yet">"This doctor does not offer bookable services at the moment."</EmptyState> }.into_any()
                }}
                {(bookable && reschedule.is_none()).then(|| view! { <NextFreeTimes profile=profile.clone() free/> })}
            </section>
            <Details profile/>
        </div>
    }
}

/// Biography, qualifications, languages, services and the change policy.
#[component]
fn Details(profile: DoctorProfile) -> impl IntoView {
    view! {
        <aside class="space-y-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm lg:col-start-1 lg:row-start-2 lg:self-start" aria-label="About the doctor">
            {(!profile.bio.is_empty()).then(|| view! { <p class="text-sm text-slate-700">{profile.bio.clone()}</p> })}
            <dl class="space-y-2 text-sm">
                {(!profile.qualifications.is_empty()).then(|| view! {
                    <div><dt class="font-medium text-slate-600">"Qualifications"</dt><dd>{profile.qualifications.clone()}</dd></div>
                })}
                {(!profile.languages.is_empty()).then(|| view! {
                    <div><dt class="font-medium text-slate-600">"Languages"</dt><dd>{profile.languages.clone()}</dd></div>
                })}
                {(!profile.phone.is_empty()).then(|| view! {
                    <div><dt class="font-medium text-slate-600">"Phone"</dt>
                        <dd><a class="inline-flex min-h-touch items-center text-brand-700 underline" href=format!("tel:{}", profile.phone.replace(' ', ""))>{profile.phone.clone()}</a></dd></div>
                })}
                <div><dt class="font-medium text-slate-600">"Time zone"</dt><dd>{profile.doctor.time_zone.clone()}</dd></div>
            </dl>
            <div>
                <h2 class="mb-1 text-sm font-medium text-slate-600">"Services"</h2>
                <ul class="space-y-1 text-sm" data-testid="services">
                    {profile.services.iter().map(|s| view! { <li>{service_summary(s)}</li> }).collect_view()}
                </ul>
            </div>
            <p class="text-xs text-slate-600">{change_policy_text(profile.change_notice_hours)}</p>
        </aside>
    }
}

/// "Mon 30 Nov 09:00" on the doctor's clock.
fn free_time_text(time: &FreeTime) -> String {
    let day = day_text(time.local.date());
    // Without the year: these are the coming weeks.
    let day = day.rsplit_once(' ').map_or(day.as_str(), |(rest, _)| rest);
    format!("{day} {:02}:{:02}", time.local.hour(), time.local.minute())
}

/// Each service's next free times as links: they open the calendar on that time (and its
/// confirmation), and they are in the page before the app loads.
#[component]
fn NextFreeTimes(profile: DoctorProfile, free: Vec<FreeTimes>) -> impl IntoView {
    let doctor_id = profile.doctor.id;
    let zone = profile.doctor.time_zone.clone();
    let groups = profile
        .services
        .iter()
        .map(|service| {
            let times = free
                .iter()
                .find(|f| f.service_id == service.id)
                .map(|f| f.times.clone())
                .unwrap_or_default();
            (service.clone(), times)
        })
        .collect::<Vec<_>>();
    view! {
        <section class="space-y-3 rounded-xl border border-slate-200 bg-white p-4" aria-labelledby="next-free-title" data-testid="next-free-times">
            <h3 id="next-free-title" class="font-semibold">"Next free times"</h3>
            <p class="text-xs text-slate-600">{format!("Times in {zone}, the doctor's time zone.")}</p>
            {groups.into_iter().map(|(service, times)| view! {
                <div>
                    <h4 class="text-sm font-medium">{service_summary(&service)}</h4>
                    {if times.is_empty() {
                        view! { <p class="text-sm text-slate-600">"No free times in the coming weeks."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="mt-1 flex flex-wrap gap-2">
                                {times.into_iter().map(|time| view! {
                                    <li>
                                        <a class="inline-flex min-h-touch items-center rounded-lg border border-slate-400 bg-white px-3 text-sm font-medium hover:border-brand-600"
                                            href=format!("/doctors/{doctor_id}?service={}&start={}#book", service.id, iso(time.starts_at))
                                            data-free-start=iso(time.starts_at)>
                                            {free_time_text(&time)}
                                        </a>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </div>
            }).collect_view()}
        </section>
    }
}
