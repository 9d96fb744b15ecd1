//! `/not-me/{token}`: "This wasn't me" from a "New device trusted" or "Your password was changed"
//! mail. Opening the link changes nothing; the one button does.

use crate::api::{ReportNotMe, not_me_link_state};
use crate::components::alert::{ErrorAlert, error_of};
use crate::components::submit::Submit;
use crate::components::token_page::{TokenPage, posted_text};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pforte_shared::Msg;

#[component]
pub fn NotMe() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let action = ServerAction::<ReportNotMe>::new();
    let state = Resource::new(token, not_me_link_state);
    let posted = posted_text("done", Msg::NotMeDone);
    let error = error_of(action);
    view! {
        <TokenPage
            title=Msg::NotMeTitle
            state
            posted
            after=&[("/login", Msg::GoToLogin)]
            invalid=&[("/forgot-password", Msg::ForgotPassword), ("/login-help", Msg::LoginHelpLink)]
        >
            <p class="lead">{t(Msg::NotMeIntro)}</p>
            <ActionForm action>
                <input type="hidden" name="token" value=token() />
                <ErrorAlert error />
                <Submit>
                    {t(Msg::NotMeButton)}
                </Submit>
            </ActionForm>
        </TokenPage>
    }
}
