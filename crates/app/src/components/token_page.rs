//! The frame of a page behind a link with a token (`/setup/…`, `/reset-password/…`, `/not-me/…`):
//! while the link works, its form; once the form has done its work, what it did; otherwise "This
//! link is no longer valid." with ways on.

use crate::components::alert::OutcomeStatus;
use crate::components::card::Card;
use crate::i18n::{lang, t};
use leptos::either::EitherOf5;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use pforte_shared::types::LinkState;
use pforte_shared::{AppError, Msg};

/// What a link page's form did, when the address says it was posted (the form's server function
/// sends the browser back with `?{query_key}`): `text`, for [`TokenPage`]'s `posted`.
pub fn posted_text(query_key: &'static str, text: Msg) -> Signal<Option<String>> {
    let query = use_query_map();
    Signal::derive(move || query.read().get(query_key).map(|_| t(text).to_owned()))
}

/// Links under a page's outcome: `(href, text)`.
pub type Links = &'static [(&'static str, Msg)];

fn links(links: Links) -> impl IntoView {
    view! {
        <nav class="links">
            {links.iter().map(|(href, text)| view! { <a href=*href>{t(*text)}</a> }).collect_view()}
        </nav>
    }
}

#[component]
pub fn TokenPage(
    title: Msg,
    /// Where the link stands.
    state: Resource<Result<LinkState, AppError>>,
    /// What the form did, handed on by the form post that led here (see `flash`): shown in a
    /// status region, with the ways on.
    #[prop(optional, into)]
    done: Signal<Option<String>>,
    /// What the form did, when the address says it was posted (a plain form post comes back as
    /// `?saved` or `?done`): shown only if the link was indeed used, so that a made-up address
    /// cannot claim it.
    #[prop(optional, into)]
    posted: Signal<Option<String>>,
    /// Where to go once done.
    after: Links,
    /// Where to go when the link no longer works.
    invalid: Links,
    /// The form, shown while the link works.
    children: ChildrenFn,
) -> impl IntoView {
    let children = StoredValue::new(children);
    view! {
        <Card title>
            <OutcomeStatus lines=done.get_untracked().into_iter().collect() />
            <Suspense fallback=|| view! { <p>{t(Msg::Working)}</p> }>
                {move || Suspend::new(async move {
                    match (state.await, done.get(), posted.get()) {
                        (Ok(LinkState::Usable), ..) => EitherOf5::A(children.read_value()()),
                        (Ok(_), Some(_), _) => EitherOf5::B(links(after)),
                        (Ok(LinkState::Used), None, Some(text)) => EitherOf5::C(view! {
                            <OutcomeStatus lines=vec![text] />
                            {links(after)}
                        }),
                        (Ok(_), ..) => EitherOf5::D(view! {
                            <p class="alert" role="alert">{t(Msg::LinkInvalid)}</p>
                            {links(invalid)}
                        }),
                        (Err(e), ..) => EitherOf5::E(view! {
                            <p class="alert" role="alert">{e.message(lang())}</p>
                        }),
                    }
                })}
            </Suspense>
        </Card>
    }
}
