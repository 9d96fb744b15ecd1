//! `/continue?to=…`: where a finished sign-in ends when it goes on to an address the server answers
//! itself (an application's `/oauth/authorize`, forward authentication's `/auth/continue`). The
//! page loads that address anew by a refresh, or by its link. Only such server paths are followed,
//! by the same rule as `next`.

use crate::components::card::Card;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;
use pforte_shared::Msg;
use pforte_shared::next::continue_target;

#[component]
pub fn Continue() -> impl IntoView {
    let query = use_query_map();
    let target = query
        .with_untracked(|q| q.get("to"))
        .and_then(|to| continue_target(&to))
        .unwrap_or_else(|| "/".to_owned());
    view! {
        <Meta http_equiv="refresh" content=format!("0;url={target}") />
        <Card title=Msg::ContinueTitle>
            <p>{t(Msg::ContinueBody)}</p>
            <nav class="links">
                <a href=target rel="external">{t(Msg::ContinueLink)}</a>
            </nav>
        </Card>
    }
}
