//! What every page declares about itself: its title and description (in the `<head>` the
//! server sends, for tabs, bookmarks and search engines), and what needs JavaScript.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// The page's `<title>` ("Find a doctor · Appointments") and, for public pages, the
/// description search engines show under it.
#[component]
pub fn PageMeta(
    #[prop(into)] title: String,
    #[prop(optional, into)] description: Option<String>,
) -> impl IntoView {
    view! {
        <Title text=format!("{title} · Appointments")/>
        {description.map(|content| view! { <Meta name="description" content/> })}
    }
}

/// A note shown only when JavaScript is off. Set as inner HTML: the app never hydrates a
/// `<noscript>` (with JavaScript on, browsers keep its content as text, not elements).
#[component]
pub fn NoScript(text: &'static str) -> impl IntoView {
    let html = format!(
        "<noscript><p class=\"rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950\">{text}</p></noscript>"
    );
    view! { <div inner_html=html></div> }
}
