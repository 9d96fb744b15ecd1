use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use pforte_shared::Msg;

/// The id of every page's heading (`<h1>`), which names the page's card.
pub const PAGE_TITLE_ID: &str = "page-title";

/// A page's card: the document title, the product name and the heading `title`, then `children`.
/// `wide` for pages with tables.
#[component]
pub fn Card(title: Msg, #[prop(default = false)] wide: bool, children: Children) -> impl IntoView {
    view! {
        <Title text=t(title) />
        <section class="card" class:wide=wide aria-labelledby=PAGE_TITLE_ID>
            <p class="brand">{t(Msg::ProductName)}</p>
            <h1 id=PAGE_TITLE_ID>{t(title)}</h1>
            {children()}
        </section>
    }
}
