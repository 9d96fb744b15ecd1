//! Times on pages: rendered by the server in UTC (labelled, so a page without script is never
//! ambiguous), then written by their islands in the browser's time zone and language — relative
//! ("2 hours ago") where that reads better.

use leptos::prelude::*;
use pforte_shared::time::{format_iso_utc, format_utc};

/// A `<time>`: `at` (UNIX seconds) in UTC from the server, in the browser's zone once its island
/// is alive; `relative` for recent moments ("5 minutes ago", up to a week back).
/// An island: the page that shows it renders `IslandScripts` too (once).
#[component]
pub fn LocalTime(at: i64, #[prop(optional)] relative: bool) -> impl IntoView {
    view! {
        <LocalTimeIsland at relative />
    }
}

/// `LocalTime` in the browser.
#[island]
fn LocalTimeIsland(at: i64, relative: bool) -> impl IntoView {
    let utc = format_utc(at);
    let label = RwSignal::new(utc.clone());
    #[cfg(feature = "hydrate")]
    Effect::new(move || label.set(browser::label(at, relative, crate::i18n::lang())));
    #[cfg(not(feature = "hydrate"))]
    let _ = relative;
    view! {
        <time datetime=format_iso_utc(at) title=utc>
            {move || label.get()}
        </time>
    }
}

/// A text with a `{time}` placeholder, the time shown by [`LocalTime`].
pub fn text_with_time(text: &str, at: i64) -> impl IntoView + use<> {
    let (before, after) = text.split_once("{time}").unwrap_or((text, ""));
    let (before, after) = (before.to_owned(), after.to_owned());
    view! { {before} <LocalTime at /> {after} }
}

#[cfg(feature = "hydrate")]
mod browser {
    use js_sys::{Array, Date, Intl, Object, Reflect};
    use pforte_shared::Lang;
    use wasm_bindgen::JsValue;

    fn options(pairs: &[(&str, &str)]) -> Object {
        let options = Object::new();
        for (key, value) in pairs {
            let _ = Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value));
        }
        options
    }

    /// `at` in the browser's zone, written in `lang`.
    pub fn label(at: i64, relative: bool, lang: Lang) -> String {
        let locales = Array::of1(&JsValue::from_str(lang.code()));
        let ago = Date::now() / 1000.0 - at as f64;
        if relative && (0.0..7.0 * 86_400.0).contains(&ago) {
            let (value, unit) = match ago {
                a if a < 60.0 => (0.0, "second"),
                a if a < 3_600.0 => ((a / 60.0).floor(), "minute"),
                a if a < 86_400.0 => ((a / 3_600.0).floor(), "hour"),
                a => ((a / 86_400.0).floor(), "day"),
            };
            let format = Intl::RelativeTimeFormat::new(&locales, &options(&[("numeric", "auto")]));
            return String::from(format.format(-value, unit));
        }
        let date = Date::new(&JsValue::from_f64(at as f64 * 1000.0));
        let format = Intl::DateTimeFormat::new(
            &locales,
            &options(&[("dateStyle", "medium"), ("timeStyle", "short")]),
        );
        format
            .format()
            .call1(&JsValue::NULL, &date)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    }
}
