//! Times on pages: rendered by the server in UTC (labelled, so a page without script is never
//! ambiguous), then written by the page's script (`page.js`) in the browser's time zone and the
//! page's language — relative ("2 hours ago") where that reads better.

use leptos::prelude::*;
use pforte_shared::time::{format_iso_utc, format_utc};

/// A `<time>`: `at` (UNIX seconds) in UTC from the server, in the browser's zone once the page's
/// script has run; `relative` for recent moments ("5 minutes ago", up to a week back).
#[component]
pub fn LocalTime(at: i64, #[prop(optional)] relative: bool) -> impl IntoView {
    let utc = format_utc(at);
    let title = utc.clone();
    view! {
        <time datetime=format_iso_utc(at) title=title data-local="" data-relative=relative.then_some("")>
            {utc}
        </time>
    }
}

/// A text with a `{time}` placeholder, the time shown by [`LocalTime`].
pub fn text_with_time(text: &str, at: i64) -> impl IntoView + use<> {
    let (before, after) = text.split_once("{time}").unwrap_or((text, ""));
    let (before, after) = (before.to_owned(), after.to_owned());
    view! { {before} <LocalTime at /> {after} }
}
