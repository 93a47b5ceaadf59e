//! Editing a doctor's public profile, booking rules and photo. Doctors edit their own;
//! admins open `/doctor/profile?doctor=<id>` for anyone's.

use crate::api::auth::me;
use crate::api::directory::{load_profile, SaveProfile};
use crate::domain::profile::{photo_too_large, DoctorProfile, ProfileInput, MAX_PHOTO_BYTES};
use crate::domain::Role;
use crate::error::AppError;
use crate::ui::components::{
    use_notices, ErrorNotice, FieldAria, FieldMessage, PageMeta, Panel, BUTTON, INPUT, LABEL,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ProfileEditorPage() -> impl IntoView {
    let query = use_query_map();
    let requested = move || query.with(|q| q.get("doctor").and_then(|v| v.parse::<i64>().ok()));
    let profile = Resource::new(requested, |requested| async move {
        let user = me().await?.ok_or(AppError::Unauthenticated)?;
        let (doctor_id, by_admin) = match (user.role, requested) {
            (Role::Admin, Some(id)) => (id, true),
            (Role::Doctor, _) => (user.id, false),
            _ => return Err(AppError::Forbidden),
        };
        load_profile(doctor_id).await.map(|p| (p, by_admin))
    });
    view! {
        <PageMeta title="Profile"/>
        <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok((profile, by_admin)) => view! { <Editor profile by_admin/> }.into_any(),
                    Err(e) => view! {
                        <h1 class="text-2xl font-bold">"Profile"</h1>
                        <ErrorNotice error=e retry=Callback::new(move |_| profile.refetch())/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Editor(profile: DoctorProfile, by_admin: bool) -> impl IntoView {
    let doctor_id = profile.doctor.id;
    view! {
        <div class="space-y-6">
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h1 class="text-2xl font-bold">{if by_admin { format!("Profile of {}", profile.doctor.name) } else { "Your profile".into() }}</h1>
                <a class="text-sm underline" href=format!("/doctors/{doctor_id}")>"View public profile"</a>
            </div>
            <div class="grid gap-6 lg:grid-cols-[1fr_20rem]">
                <ProfileForm profile=profile.clone() by_admin/>
                <PhotoForm profile/>
            </div>
        </div>
    }
}

#[component]
fn ProfileForm(profile: DoctorProfile, by_admin: bool) -> impl IntoView {
    let notices = use_notices();
    let save = ServerAction::<SaveProfile>::new();
    let text = |value: &str| RwSignal::new(value.to_string());
    let specialty = text(&profile.specialty);
    let qualifications = text(&profile.qualifications);
    let languages = text(&profile.languages);
    let bio = text(&profile.bio);
    let phone = text(&profile.phone);
    let notice_minutes = text(&profile.rules.min_notice_minutes.to_string());
    let horizon = text(&profile.rules.horizon_days.to_string());
    let cap = text(
        &profile
            .rules
            .daily_cap
            .map(|c| c.to_string())
            .unwrap_or_default(),
    );
    let change_hours = text(&profile.change_notice_hours.to_string());
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            notices.success("Profile saved.");
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let doctor_id = profile.doctor.id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Unparseable numbers become out-of-range ones, so the server names the field.
        let number = |signal: RwSignal<String>| signal.get().trim().parse::<i64>().unwrap_or(-1);
        let cap_text = cap.get();
        let input = ProfileInput {
            doctor_id: by_admin.then_some(doctor_id),
            specialty: specialty.get(),
            qualifications: qualifications.get(),
            languages: languages.get(),
            bio: bio.get(),
            phone: phone.get(),
            min_notice_minutes: number(notice_minutes),
            horizon_days: number(horizon),
            daily_cap: (!cap_text.trim().is_empty()).then(|| number(cap)),
            change_notice_hours: number(change_hours),
        };
        save.dispatch(SaveProfile { profile: input });
    };
    let errors: Signal<Option<AppError>> = error.into();
    let aria = FieldAria(errors);
    let field = move |id: &'static str,
                      label: &'static str,
                      value: RwSignal<String>,
                      kind: &'static str| {
        view! {
            <div>
                <label class=LABEL for=id>{label}</label>
                <input id=id type=kind class=INPUT prop:value=value on:input=move |ev| value.set(event_target_value(&ev))
                    aria-invalid=aria.invalid(id) aria-describedby=aria.described(id)/>
                <FieldMessage error=errors field=id/>
            </div>
        }
    };
    view! {
        <Panel title="Public profile and booking rules">
            <form on:submit=submit class="space-y-3" data-testid="profile-form" novalidate>
                {field("specialty", "Specialty", specialty, "text")}
                {field("qualifications", "Qualifications", qualifications, "text")}
                {field("languages", "Languages (comma-separated)", languages, "text")}
                {field("phone", "Practice phone (for changes patients can no longer make online)", phone, "tel")}
                <div>
                    <label class=LABEL for="bio">"Short bio"</label>
                    <textarea id="bio" rows="4" class=INPUT maxlength="2000" prop:value=bio
                        aria-invalid=aria.invalid("bio") aria-describedby=aria.described("bio") on:input=move |ev| bio.set(event_target_value(&ev))></textarea>
                    <FieldMessage error=errors field="bio"/>
                </div>
                <div class="grid gap-3 sm:grid-cols-2">
                    {field("min_notice_minutes", "Minimum notice (minutes)", notice_minutes, "number")}
                    {field("horizon_days", "Book up to (days ahead)", horizon, "number")}
                    {field("daily_cap", "Most appointments per day (blank: no limit)", cap, "number")}
                    {field("change_notice_hours", "Patients may cancel or move until (hours before)", change_hours, "number")}
                </div>
                {move || error.get().filter(|e| e.field().is_none()).map(|e| view! { <p class="text-sm text-rose-700" role="alert">{e.to_string()}</p> })}
                <button type="submit" class=BUTTON disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save profile" }}
                </button>
            </form>
        </Panel>
    }
}

/// A plain multipart form: the browser uploads the file, the server resizes it and sends
/// the browser back here with the outcome in the query.
#[component]
fn PhotoForm(profile: DoctorProfile) -> impl IntoView {
    let query = use_query_map();
    let saved = move || query.with(|q| q.get("photo").is_some());
    let too_big = RwSignal::new(None::<String>);
    let failed = move || {
        too_big
            .get()
            .or_else(|| query.with(|q| q.get("photo_error")))
    };
    let file = NodeRef::<leptos::html::Input>::new();
    // Checked here first: the server refuses an oversized upload too, but the browser may
    // not show its answer before it has sent the whole file.
    let check = move |ev: leptos::ev::SubmitEvent| {
        let size = file.get_untracked().and_then(|input| chosen_size(&input));
        if size.is_some_and(|size| size > MAX_PHOTO_BYTES as f64) {
            ev.prevent_default();
            too_big.set(Some(photo_too_large()));
        } else {
            too_big.set(None);
        }
    };
    // The server sends admins back with `?doctor=` added.
    let return_to = "/doctor/profile";
    let action = format!("/api/doctors/{}/photo", profile.doctor.id);
    view! {
        <Panel title="Photo">
            <form method="post" enctype="multipart/form-data" action=action class="space-y-3" data-testid="photo-form" on:submit=check>
                {profile.photo_url.clone().map(|url| view! {
                    <img src=url alt="Your current photo" class="h-32 w-32 rounded-full object-cover"/>
                })}
                <input type="hidden" name="return_to" value=return_to/>
                <div>
                    <label class=LABEL for="photo">"JPEG or PNG, up to 8 MB"</label>
                    <input id="photo" name="photo" type="file" accept="image/jpeg,image/png" required class="mt-1 block w-full text-sm" node_ref=file
                        aria-describedby=move || failed().map(|_| "photo-error")/>
                </div>
                {move || saved().then(|| view! { <p class="text-sm text-green-800" role="status">"Photo saved."</p> })}
                {move || failed().map(|message| view! { <p id="photo-error" class="text-sm text-rose-700" role="alert">{message}</p> })}
                <button type="submit" class=BUTTON>"Upload photo"</button>
            </form>
        </Panel>
    }
}

/// The size in bytes of the file chosen in `input`, if any.
fn chosen_size(input: &leptos::web_sys::HtmlInputElement) -> Option<f64> {
    #[cfg(feature = "hydrate")]
    return input
        .files()
        .and_then(|files| files.get(0))
        .map(|file| file.size());
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = input;
        None
    }
}
