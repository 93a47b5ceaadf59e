//! The doctor directory (search, filters, next free time) and public profiles, where
//! patients book on the month calendar. Both are rendered with their data on the server:
//! they are what search engines index and what a phone shows before the app has loaded.

mod profile;

pub use profile::ProfilePage;

use crate::api::directory::{doctors, specialties};
use crate::domain::profile::{DoctorCard, DoctorSearch};
use crate::ui::components::{
    keep_last, EmptyState, ErrorNotice, LocalDate, LocalTime, PageMeta, BUTTON, INPUT, LABEL,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DirectoryPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || {
        query.with(|q| DoctorSearch {
            text: q.get("q").unwrap_or_default(),
            specialty: q.get("specialty").unwrap_or_default(),
        })
    };
    // Blocking: the list is in the page the server sends (it works without JavaScript).
    let found = Resource::new_blocking(search, doctors);
    let specialties = Resource::new_blocking(|| (), |_| specialties());
    let last = RwSignal::new(None::<Vec<DoctorCard>>);
    view! {
        <PageMeta title="Find a doctor"
            description="Find a doctor or therapist by name, specialty or service, see their next free time and book online."/>
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
                    // A failed search keeps the last list on screen, under the error.
                    let (list, error) = keep_last(last, found.await);
                    view! {
                        {error.map(|error| view! { <ErrorNotice error retry=Callback::new(move |_| found.refetch())/> })}
                        {list.map(|list| if list.is_empty() {
                            view! {
                                <EmptyState title="No doctors match">"Try another name or specialty, or clear the filters."</EmptyState>
                            }.into_any()
                        } else {
                            view! {
                                <ul class="grid gap-4 md:grid-cols-2" data-testid="doctors">
                                    {list.into_iter().map(|card| view! { <DoctorResult card/> }).collect_view()}
                                </ul>
                            }.into_any()
                        })}
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
pub(super) fn Avatar(
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
                <a href=href.clone() class="inline-flex min-h-touch items-center text-lg font-semibold hover:underline">{card.doctor.name.clone()}</a>
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
