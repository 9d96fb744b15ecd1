//! `/login-help` ("Login not possible?", linked from `/login`): what a stuck user can do, one short
//! section per problem. Plain server-rendered text; nothing here needs JavaScript. The section on
//! "Sign in with Google" is there only when Google sign-in is configured.

use crate::api::google_sign_in_offered;
use crate::components::card::Card;
use crate::i18n::t;
use leptos::prelude::*;
use pforte_shared::Msg;

/// The sections, each a heading and its text.
const SECTIONS: [(&str, Msg, Msg); 6] = [
    (
        "help-password",
        Msg::HelpPasswordTitle,
        Msg::HelpPasswordBody,
    ),
    ("help-code", Msg::HelpCodeTitle, Msg::HelpCodeBody),
    ("help-locked", Msg::HelpLockedTitle, Msg::HelpLockedBody),
    (
        "help-authenticator",
        Msg::HelpAuthenticatorTitle,
        Msg::HelpAuthenticatorBody,
    ),
    ("help-mailbox", Msg::HelpMailboxTitle, Msg::HelpMailboxBody),
    (
        "help-customer-number",
        Msg::HelpCustomerNumberTitle,
        Msg::HelpCustomerNumberBody,
    ),
];

fn section(id: &'static str, title: Msg, body: Msg) -> impl IntoView {
    view! {
        <section aria-labelledby=id>
            <h2 id=id>{t(title)}</h2>
            <p>{t(body)}</p>
        </section>
    }
}

#[component]
pub fn LoginHelp() -> impl IntoView {
    view! {
        <Card title=Msg::LoginHelpLink>
            {SECTIONS
                .into_iter()
                .map(|(id, title, body)| section(id, title, body))
                .collect_view()}
            {google_sign_in_offered().then(|| {
                section("help-google", Msg::HelpGoogleTitle, Msg::HelpGoogleBody)
            })}
            <nav class="links" aria-label=t(Msg::LoginHelpLink)>
                <a href="/forgot-password">{t(Msg::ForgotPassword)}</a>
                <a href="/login">{t(Msg::BackToLogin)}</a>
            </nav>
        </Card>
    }
}
