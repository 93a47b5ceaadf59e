//! The doctor directory (search, filters, next free time) and public profiles, where
//! patients book on the month calendar.

use crate::api::directory::{doctors, load_profile, specialties};
use crate::domain::profile::{change_policy_text, DoctorCard, DoctorProfile, DoctorSearch};
use crate::ui::components::{
    service_summary, use_hydrated, BookingCalendar, EmptyState, LocalDate, LocalTime, BUTTON,
    INPUT, LABEL,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn DirectoryPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || {
        query.with(|q| DoctorSearch {
            text: q.get("q").unwrap_or_default(),
            specialty: q.get("specialty").unwrap_or_default(),
        })
    };
    let found = Resource::new(search, doctors);
    let specialties = Resource::new(|| (), |_| specialties());
    view! {
        <div class="space-y-6">
            <h1 class="text-2xl font-bold">"Find a doctor"</h1>
            // A plain GET form: searching works before the app has loaded, and links can be shared.
            <form method="get" action="/doctors" class="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-[1fr_14rem_auto] sm:items-end" role="search">
                <div>
                    <label class=LABEL for="q">"Name, specialty or service"</label>
                    <input id="q" name="q" type="search" class=INPUT placeholder="e.g. physiotherapy"
                        value=move || search().text/>
                </div>
                <div>
                    <label class=LABEL for="specialty">"Specialty"</label>
                    <Suspense fallback=|| view! { <select id="specialty" name="specialty" class=INPUT><option value="">"Any"</option></select> }>
                        {move || Suspend::new(async move {
                            let names = specialties.await.unwrap_or_default();
                            let current = search().specialty;
                            view! {
                                <select id="specialty" name="specialty" class=INPUT>
                                    <option value="">"Any"</option>
                                    {names.into_iter().map(|name| {
                                        let selected = name.eq_ignore_ascii_case(&current);
                                        view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            }
                        })}
                    </Suspense>
                </div>
                <button type="submit" class=BUTTON>"Search"</button>
            </form>
            <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match found.await {
                        Ok(list) if list.is_empty() => view! {
                            <EmptyState title="No doctors match">"Try another name or specialty, or clear the filters."</EmptyState>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="grid gap-4 md:grid-cols-2" data-testid="doctors">
                                {list.into_iter().map(|card| view! { <DoctorResult card/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="text-rose-700">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Avatar(
    name: String,
    photo_url: Option<String>,
    #[prop(default = "h-16 w-16")] size: &'static str,
) -> impl IntoView {
    let initials: String = name
        .split_whitespace()
        .filter(|w| !w.ends_with('.'))
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    match photo_url {
        Some(url) => view! {
            <img src=url alt=format!("Photo of {name}") class=format!("{size} shrink-0 rounded-full object-cover")/>
        }.into_any(),
        None => view! {
            <span aria-hidden="true" class=format!("{size} flex shrink-0 items-center justify-center rounded-full bg-brand-100 text-lg font-semibold text-brand-700")>{initials}</span>
        }.into_any(),
    }
}

#[component]
fn DoctorResult(card: DoctorCard) -> impl IntoView {
    let href = format!("/doctors/{}", card.doctor.id);
    view! {
        <li class="flex gap-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="doctor-card">
            <Avatar name=card.doctor.name.clone() photo_url=card.photo_url.clone()/>
            <div class="min-w-0 flex-1 space-y-1">
                <a href=href.clone() class="text-lg font-semibold hover:underline">{card.doctor.name.clone()}</a>
                <p class="text-sm text-slate-600">{card.specialty.clone()}
                    {(!card.languages.is_empty()).then(|| format!(" · Speaks {}", card.languages))}</p>
                <p class="text-sm text-slate-500">{card.services.join(" · ")}</p>
                <p class="text-sm" data-testid="next-free">
                    {match card.next_free {
                        Some(at) => view! { <span class="text-green-800">"Next free: " <LocalDate at/> " " <LocalTime at/></span> }.into_any(),
                        None => view! { <span class="text-slate-500">"No free times at the moment"</span> }.into_any(),
                    }}
                </p>
            </div>
            <a href=href class=format!("{BUTTON} self-center")>"Book"</a>
        </li>
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    // Blocking: the page's status (404 for an unknown doctor) is known before the first byte.
    let profile = Resource::new_blocking(id, |id| async move {
        match id {
            Some(id) => load_profile(id).await,
            None => Err(crate::error::AppError::not_found("That doctor")),
        }
    });
    let number =
        move |name: &str| query.with_untracked(|q| q.get(name).and_then(|v| v.parse::<i64>().ok()));
    view! {
        <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(profile) => view! {
                        <Profile profile service_id=number("service") reschedule=number("reschedule")/>
                    }.into_any(),
                    Err(e) => {
                        crate::ui::components::set_page_status(e.status());
                        view! { <p class="text-rose-700">{e.to_string()}</p> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn Profile(
    profile: DoctorProfile,
    service_id: Option<i64>,
    reschedule: Option<i64>,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let calendar_profile = profile.clone();
    let heading = if reschedule.is_some() {
        "Choose a new time"
    } else {
        "Book an appointment"
    };
    view! {
        <div class="grid gap-6 lg:grid-cols-[20rem_1fr]">
            <aside class="space-y-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
                <div class="flex items-center gap-4">
                    <Avatar name=profile.doctor.name.clone() photo_url=profile.photo_url.clone() size="h-20 w-20"/>
                    <div>
                        <h1 class="text-xl font-bold">{profile.doctor.name.clone()}</h1>
                        <p class="text-sm text-slate-600">{profile.specialty.clone()}</p>
                    </div>
                </div>
                {(!profile.bio.is_empty()).then(|| view! { <p class="text-sm text-slate-700">{profile.bio.clone()}</p> })}
                <dl class="space-y-2 text-sm">
                    {(!profile.qualifications.is_empty()).then(|| view! {
                        <div><dt class="font-medium text-slate-500">"Qualifications"</dt><dd>{profile.qualifications.clone()}</dd></div>
                    })}
                    {(!profile.languages.is_empty()).then(|| view! {
                        <div><dt class="font-medium text-slate-500">"Languages"</dt><dd>{profile.languages.clone()}</dd></div>
                    })}
                    <div><dt class="font-medium text-slate-500">"Time zone"</dt><dd>{profile.doctor.time_zone.clone()}</dd></div>
                </dl>
                <div>
                    <h2 class="mb-1 text-sm font-medium text-slate-500">"Services"</h2>
                    <ul class="space-y-1 text-sm" data-testid="services">
                        {profile.services.iter().map(|s| view! { <li>{service_summary(s)}</li> }).collect_view()}
                    </ul>
                </div>
                <p class="text-xs text-slate-500">{change_policy_text(profile.change_notice_hours)}</p>
            </aside>
            <section class="space-y-3">
                <h2 class="text-lg font-semibold">{heading}</h2>
                {if profile.services.is_empty() {
                    view! { <EmptyState title="No services yet">"This doctor does not offer bookable services at the moment."</EmptyState> }.into_any()
                } else {
                    // The calendar needs the browser's zone and clock: built once the app runs.
                    view! {
                        <Show when=move || hydrated.get() fallback=|| view! { <p class="text-slate-500">"Loading the calendar…"</p> }>
                            <BookingCalendar profile=calendar_profile.clone() service_id reschedule/>
                        </Show>
                    }.into_any()
                }}
            </section>
        </div>
    }
}
