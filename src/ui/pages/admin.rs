//! Admins create accounts of any role (doctors join this way or from the command line), and
//! attach front-desk staff to the doctors they work for.

use crate::api::admin::{CreateUser, SetStaffDoctors};
use crate::api::clinic_day::desk_doctors;
use crate::api::directory::doctors;
use crate::domain::Role;
use crate::error::AppError;
use crate::ui::components::{
    use_notices, FieldAria, FieldMessage, PageMeta, Panel, RequireRole, BUTTON, INPUT, LABEL,
};
use leptos::prelude::*;

#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <PageMeta title="Accounts"/>
        <RequireRole role=Role::Admin>
            <h1 class="mb-4 text-2xl font-bold">"Accounts and profiles"</h1>
            <div class="grid gap-6 lg:grid-cols-2">
                <CreateAccount/>
                <DoctorProfiles/>
                <super::admin_messages::MessageQueuePanel/>
            </div>
        </RequireRole>
    }
}

/// Admins edit any doctor's public profile and booking rules.
#[component]
fn DoctorProfiles() -> impl IntoView {
    let listed = Resource::new(|| (), |_| doctors(Default::default()));
    view! {
        <Panel title="Doctor profiles">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = listed.await.unwrap_or_default();
                    view! {
                        <ul class="divide-y divide-slate-200" data-testid="admin-doctors">
                            {list.into_iter().map(|card| view! {
                                <li class="flex items-center justify-between py-2 text-sm">
                                    <span>{card.doctor.name.clone()} <span class="text-slate-500">" · " {card.specialty.clone()}</span></span>
                                    <a class="inline-flex min-h-touch items-center underline" href=format!("/doctor/profile?doctor={}", card.doctor.id)>"Edit profile"</a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
        </Panel>
    }
}

#[component]
fn CreateAccount() -> impl IntoView {
    let notices = use_notices();
    let create = ServerAction::<CreateUser>::new();
    let role = RwSignal::new(Role::Doctor);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let zone = RwSignal::new("Europe/Berlin".to_string());
    let error = RwSignal::new(None::<AppError>);
    // Staff work for the doctors ticked here, attached once the account exists.
    let chosen = RwSignal::new(Vec::<i64>::new());
    let attach = ServerAction::<SetStaffDoctors>::new();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(user)) => {
            if user.role == Role::Staff {
                attach.dispatch(SetStaffDoctors {
                    staff_id: user.id,
                    doctor_ids: chosen.get_untracked(),
                });
            }
            notices.success(format!(
                "Created {} account for {}.",
                user.role.as_str(),
                user.email
            ));
            error.set(None);
            name.set(String::new());
            email.set(String::new());
            password.set(String::new());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| match attach.value().get() {
        Some(Ok(doctors)) => notices.success(format!(
            "The new staff member works for {}.",
            if doctors.is_empty() {
                "no doctor yet".to_string()
            } else {
                doctors
                    .into_iter()
                    .map(|d| d.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        )),
        Some(Err(e)) => notices.error(&e),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateUser {
            role: role.get(),
            name: name.get(),
            email: email.get(),
            password: password.get(),
            time_zone: zone.get(),
        });
    };
    let error_signal: Signal<Option<AppError>> = error.into();
    let aria = FieldAria(error_signal);
    view! {
        <div class="mx-auto max-w-lg">
            <Panel title="Create an account">
                <form on:submit=submit class="space-y-3" novalidate>
                    <div>
                        <label class=LABEL for="role">"Role"</label>
                        <select id="role" class=INPUT on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::Doctor))>
                            {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=r == Role::Doctor>{r.as_str()}</option> }).collect_view()}
                        </select>
                    </div>
                    {move || (role.get() == Role::Staff).then(|| view! { <StaffDoctors chosen/> })}
                    <div>
                        <label class=LABEL for="name">"Full name"</label>
                        <input id="name" class=INPUT aria-invalid=aria.invalid("name") aria-describedby=aria.described("name") prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                        <FieldMessage error=error_signal field="name"/>
                    </div>
                    <div>
                        <label class=LABEL for="email">"Email"</label>
                        <input id="email" type="email" class=INPUT aria-invalid=aria.invalid("email") aria-describedby=aria.described("email") prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                        <FieldMessage error=error_signal field="email"/>
                    </div>
                    <div>
                        <label class=LABEL for="password">"Initial password"</label>
                        <input id="password" type="password" autocomplete="new-password" class=INPUT aria-invalid=aria.invalid("password") aria-describedby=aria.described("password") prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                        <FieldMessage error=error_signal field="password"/>
                    </div>
                    <div>
                        <label class=LABEL for="zone">"Time zone (IANA)"</label>
                        <input id="zone" class=INPUT aria-invalid=aria.invalid("time_zone") aria-describedby=aria.described("time_zone") prop:value=zone on:input=move |ev| zone.set(event_target_value(&ev))/>
                        <FieldMessage error=error_signal field="time_zone"/>
                    </div>
                    {move || error.get().filter(|e| e.field().is_none()).map(|e| view! { <p class="text-sm text-rose-700" role="alert">{e.to_string()}</p> })}
                    <button type="submit" class=BUTTON disabled=move || create.pending().get()>"Create account"</button>
                </form>
            </Panel>
        </div>
    }
}

/// Checkboxes for the doctors a new staff member will work for.
#[component]
fn StaffDoctors(chosen: RwSignal<Vec<i64>>) -> impl IntoView {
    let listed = Resource::new(|| (), |_| desk_doctors());
    view! {
        <fieldset class="rounded-lg border border-slate-200 p-3" data-testid="staff-doctors">
            <legend class="px-1 text-sm font-medium text-slate-700">"Works for"</legend>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    listed.await.unwrap_or_default().into_iter().map(|doctor| {
                        let id = doctor.id;
                        view! {
                            <label class="flex min-h-touch items-center gap-3 text-sm">
                                <input type="checkbox" class="h-6 w-6" value=id.to_string()
                                    prop:checked=move || chosen.with(|c| c.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| { c.retain(|d| *d != id); if on { c.push(id) } });
                                    }/>
                                {doctor.name}
                            </label>
                        }
                    }).collect_view()
                })}
            </Transition>
        </fieldset>
    }
}
