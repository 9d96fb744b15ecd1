//! `/`: who is signed in, and the way out.

use crate::api::{LogOut, current_user};
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
    let user = Resource::new(|| (), |_| current_user());
    let log_out = ServerAction::<LogOut>::new();
    view! {
        <Suspense fallback=|| view! { <p class="card">{t(Msg::Working)}</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => Either::Left(view! {
                        <Card title=Msg::HomeTitle>
                            <p class="signed-in">{fill(t(Msg::SignedInAs), "email", &user.email)}</p>
                            <p class="muted">{user.account_name.clone()} " · " {user.customer_number.clone()}</p>
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
                    _ => Either::Right(view! { <Redirect path="/login?next=%2F" /> }),
                }
            })}
        </Suspense>
    }
}
