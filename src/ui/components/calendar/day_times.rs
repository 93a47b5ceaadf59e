//! The chosen day's free times, by part of the day. A time inside the doctor's change
//! window (online changes close N hours before the start) says so before it is booked.

use super::{day_label, focus_time, local_day_and_hour, Calendar, PARTS};
use crate::domain::models::Slot;
use crate::ui::components::{format_time, iso};
use chrono::{Duration, Utc};
use leptos::prelude::*;

fn part_of_day(hour: u32) -> usize {
    match hour {
        0..=11 => 0,
        12..=16 => 1,
        _ => 2,
    }
}

/// Brings the day's times into view on a phone, where they are below the month.
fn show_times() {
    #[cfg(feature = "hydrate")]
    request_animation_frame(|| {
        let Some(times) = document().get_element_by_id("day-times") else {
            return;
        };
        let below = times.get_bounding_client_rect().top()
            > window()
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0)
                - 120.0;
        if below {
            times.scroll_into_view_with_bool(false);
        }
    });
}

/// The time button that has the keyboard focus, if any (its `data-start`).
fn focused_time() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        document()
            .active_element()
            .and_then(|e| e.get_attribute("data-start"))
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

#[component]
pub(super) fn DayTimes(calendar: Calendar) -> impl IntoView {
    Effect::new(move |seen: Option<Option<chrono::NaiveDate>>| {
        let day = calendar.selected.get();
        if seen.is_some() && day.is_some() {
            show_times();
        }
        day
    });
    move || {
        let Some(day) = calendar.selected.get() else {
            return view! {
                <p class="rounded-xl border border-dashed border-slate-400 p-6 text-center text-sm text-slate-600">
                    "Choose a day with free times to see them."
                </p>
            }.into_any();
        };
        let slots = calendar
            .days()
            .and_then(|days| days.get(&day).cloned())
            .unwrap_or_default();
        // Any change to the month (a live update, someone's booking) rebuilds the list: the
        // keyboard stays on the same time, or on its day once that time is gone.
        if let Some(start) = focused_time() {
            focus_time(&start, day);
        }
        if slots.is_empty() {
            return view! {
                <p id="day-times" class="rounded-xl border border-slate-200 p-6 text-sm text-slate-600">
                    "No free times left on " {day_label(day)} ". Choose another day."
                </p>
            }
            .into_any();
        }
        let mut parts: [Vec<Slot>; 3] = Default::default();
        for slot in slots {
            parts[part_of_day(local_day_and_hour(slot.starts_at).1)].push(slot);
        }
        let closes = calendar.change_closes();
        let any_final = parts.iter().flatten().any(|slot| slot.starts_at < closes);
        view! {
            <section id="day-times" class="scroll-mt-4 space-y-3" aria-label=format!("Free times on {}", day_label(day)) data-testid="day-times">
                <h3 class="font-semibold">{day_label(day)}</h3>
                {any_final.then(|| view! {
                    <p class="text-xs text-amber-900" data-testid="final-note">
                        {format!("Times marked \"final\" are less than {} away: once booked, they can't be cancelled or moved online.", calendar.change_window_text())}
                    </p>
                })}
                {parts.into_iter().zip(PARTS).filter(|(slots, _)| !slots.is_empty()).map(|(slots, name)| view! {
                    <div>
                        <h4 class="mb-1 text-xs font-medium uppercase tracking-wide text-slate-600">{name}</h4>
                        <ul class="grid grid-cols-3 gap-2 sm:grid-cols-4">
                            {slots.into_iter().map(|slot| {
                                let last_minute = slot.starts_at < closes;
                                let label = if last_minute {
                                    format!("{}, final: can't be changed online", format_time(slot.starts_at))
                                } else {
                                    format_time(slot.starts_at)
                                };
                                view! {
                                    <li>
                                        <button type="button" data-start=iso(slot.starts_at) aria-label=label
                                            class="flex w-full min-h-touch flex-col items-center justify-center rounded-lg border border-slate-400 bg-white px-2 py-1 text-sm font-medium hover:border-brand-600 focus-visible:ring-2 focus-visible:ring-brand-500"
                                            class=("border-amber-500", last_minute)
                                            on:click=move |_| calendar.open(slot)>
                                            <span>{format_time(slot.starts_at)}</span>
                                            {last_minute.then(|| view! { <span class="text-[10px] font-normal leading-none text-amber-900">"final"</span> })}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                }).collect_view()}
            </section>
        }.into_any()
    }
}

impl Calendar {
    /// Times starting before this can no longer be changed online once booked.
    pub(super) fn change_closes(self) -> chrono::DateTime<Utc> {
        Utc::now() + Duration::hours(i64::from(self.change_notice_hours))
    }

    /// "24 hours", "1 hour".
    pub(super) fn change_window_text(self) -> String {
        crate::domain::schedule::notice_text(self.change_notice_hours * 60)
    }
}
