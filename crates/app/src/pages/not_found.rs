use crate::components::card::Card;
use crate::i18n::t;
use leptos::prelude::*;
use pforte_shared::Msg;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Card title=Msg::NotFoundTitle>
            <p>{t(Msg::NotFoundBody)}</p>
            <nav class="links"><a href="/login">{t(Msg::BackToLogin)}</a></nav>
        </Card>
    }
}
