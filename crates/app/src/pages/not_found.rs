use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use pforte_shared::Msg;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=t(Msg::NotFoundTitle) />
        <section class="card" aria-labelledby="nf-title">
            <p class="brand">{t(Msg::ProductName)}</p>
            <h1 id="nf-title">{t(Msg::NotFoundTitle)}</h1>
            <p>{t(Msg::NotFoundBody)}</p>
            <nav class="links"><a href="/login">{t(Msg::BackToLogin)}</a></nav>
        </section>
    }
}
