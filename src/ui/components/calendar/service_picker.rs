//! The services as radio cards: the whole name, length and price readable on a phone (a
//! select cut them off), and the one chosen always visible.

use super::{service_summary, Calendar};
use crate::domain::models::Service;
use leptos::prelude::*;

#[component]
pub(super) fn ServicePicker(services: Vec<Service>, calendar: Calendar) -> impl IntoView {
    let list = StoredValue::new(services.clone());
    let choose = move |id: i64| {
        if let Some(service) = list.with_value(|l| l.iter().find(|s| s.id == id).cloned()) {
            calendar.choose_service(service);
        }
    };
    view! {
        <fieldset>
            <legend class="text-sm font-medium text-slate-700">"Service"</legend>
            <div class="mt-1 grid gap-2 sm:grid-cols-2">
                {services.into_iter().map(|s| {
                    let id = s.id;
                    let checked = move || calendar.service.with(|c| c.as_ref().map(|c| c.id) == Some(id));
                    view! {
                        <label class="flex min-h-touch cursor-pointer items-center gap-3 rounded-lg border border-slate-400 bg-white px-3 py-2 text-sm has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500">
                            <input type="radio" name="calendar-service" class="h-5 w-5 shrink-0 accent-brand-600"
                                value=id.to_string() prop:checked=checked on:change=move |_| choose(id)/>
                            <span>{service_summary(&s)}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
    .into_any()
}
