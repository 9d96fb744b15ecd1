//! The browser entry point: bring the server-rendered page's islands to life.

use leptos::prelude::*;
use pforte_app::i18n;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // The islands hydrate after this returns, under the root owner `hydrate_islands` left current;
    // `App` does not run in the browser, so what islands need from it is provided here: the
    // language the server rendered the page in.
    provide_context(i18n::document_lang());
    // Browser tests wait for this mark before they use an island: the islands hydrate right after
    // this returns, in the same task (the loader's microtasks), before any later event.
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "");
    }
}
