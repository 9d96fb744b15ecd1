//! The UI's access to the translation layer in `pforte-shared`.

use leptos::prelude::*;
use pforte_shared::{Lang, Msg};

/// The language of this page: on the server the request's (see `state::request_lang`), in the
/// browser the one the server rendered `<html lang>` in.
pub fn lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// The text of a message in the page's language.
pub fn t(msg: Msg) -> &'static str {
    msg.text(lang())
}

/// The language of the page the server rendered (`<html lang>`).
#[cfg(feature = "hydrate")]
pub fn document_lang() -> Lang {
    document()
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|code| Lang::parse(&code))
        .unwrap_or_default()
}

/// Tells the server the browser's time zone (an IANA name such as `Europe/Berlin`), in a cookie
/// every later request carries (`WebConfig::time_zone_cookie_name`); the server keeps it on the
/// user when a sign-in completes, for the times in their mails.
#[cfg(feature = "hydrate")]
pub fn report_time_zone() {
    use wasm_bindgen::JsValue;
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    let Some(zone) = js_sys::Reflect::get(&options, &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|z| z.as_string())
    else {
        return;
    };
    // Only the characters of IANA names: nothing else reaches the cookie.
    if zone.is_empty()
        || zone.len() > 64
        || !zone
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c))
    {
        return;
    }
    let cookie = if window().location().protocol().as_deref() == Ok("https:") {
        format!("__Host-pforte_tz={zone}; Path=/; Max-Age=31536000; SameSite=Lax; Secure")
    } else {
        format!("pforte_tz={zone}; Path=/; Max-Age=31536000; SameSite=Lax")
    };
    let _ = js_sys::Reflect::set(
        &document(),
        &JsValue::from_str("cookie"),
        &JsValue::from_str(&cookie),
    );
}
