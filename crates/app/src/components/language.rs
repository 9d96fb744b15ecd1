//! The language switch on every page: a plain form posted to `/language`, so it works without
//! JavaScript; the server remembers the choice in a cookie and sends the browser back here.

use crate::i18n::{lang, t};
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use pforte_shared::{Lang, Msg};

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let location = use_location();
    let here = move || {
        let search = location.search.get();
        // Without its `?`, on the server and in the browser alike.
        match search.as_str() {
            "" => location.pathname.get(),
            s => format!("{}?{s}", location.pathname.get()),
        }
    };
    let current = lang();
    view! {
        <nav class="language" aria-label=t(Msg::LanguageLabel)>
            <form method="post" action="/language">
                <input type="hidden" name="next" value=here />
                {Lang::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <button
                                type="submit"
                                name="lang"
                                value=l.code()
                                lang=l.code()
                                aria-pressed=if l == current { "true" } else { "false" }
                            >
                                {l.name()}
                            </button>
                        }
                    })
                    .collect_view()}
            </form>
        </nav>
    }
}
