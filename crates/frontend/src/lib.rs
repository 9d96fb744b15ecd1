//! The browser entry point: bring the server-rendered page's islands to life.

use leptos::prelude::*;
// The islands are `pforte-app`'s WASM exports: a crate nothing names is not linked at all.
use pforte_app as _;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Browser tests wait for this mark before they use an island: the islands hydrate right after
    // this returns, in the same task (the loader's microtasks), before any later event.
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "");
    }
}
