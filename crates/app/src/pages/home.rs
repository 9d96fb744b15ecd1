//! `/`: who is signed in, and the way out.

use crate::api::{LogOut, page_user_response};
use crate::components::card::Card;
use crate::components::submit::Submit;
use crate::i18n::t;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use pforte_shared::Msg;
use pforte_shared::i18n::fill;
use pforte_shared::types::Role;

#[component]
pub fn Home() -> impl IntoView {
    // The guard in front of `/` has found the user already (it sends visitors to sign in), so the
    // page renders at once.
    let user = page_user_response();
    let log_out = ServerAction::<LogOut>::new();
    match user {
        Some(user) => Either::Left(view! {
            <Card title=Msg::HomeTitle>
                <p class="signed-in">{fill(t(Msg::SignedInAs), "email", &user.email)}</p>
                <p class="muted">{user.account_name} " · " {user.customer_number}</p>
                <nav class="links">
                    <a href="/account/security">{t(Msg::Security)}</a>
                    {(user.role == Role::Admin).then(|| view! {
                        <a href="/admin/users">{t(Msg::Users)}</a>
                        <a href="/admin/apps">{t(Msg::Apps)}</a>
                    })}
                </nav>
                <ActionForm action=log_out>
                    <Submit class="secondary">{t(Msg::LogOut)}</Submit>
                </ActionForm>
            </Card>
        }),
        None => Either::Right(view! { <Redirect path="/login?next=%2F" /> }),
    }
}
