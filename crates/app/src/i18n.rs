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
