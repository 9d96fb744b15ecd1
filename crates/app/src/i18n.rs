//! The UI's access to the translation layer in `pforte-shared`.

use leptos::prelude::*;
use pforte_shared::{Lang, Msg};

/// The language of this page: the request's (see `state::request_lang`). Only on the server: in
/// the browser nothing provides it (English), so islands get their texts from the server-side
/// component around them and never call this or [`t`].
pub fn lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// The text of a message in the page's language.
pub fn t(msg: Msg) -> &'static str {
    msg.text(lang())
}
