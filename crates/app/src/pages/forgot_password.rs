//! `/forgot-password` ("Forgot password?" on `/login`): asks for the email or customer number and
//! sends a reset link. The answer is the same whether or not an account exists.

use crate::api::RequestPasswordReset;
use crate::components::alert::{ErrorAlert, OutcomeStatus, error_of};
use crate::components::card::Card;
use crate::components::field::Field;
use crate::components::submit::Submit;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use pforte_shared::Msg;

#[component]
pub fn ForgotPassword() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let query = use_query_map();
    // `?sent` is where the request leads.
    let sent = move || query.read().get("sent").is_some();
    let error = error_of(action);
    view! {
        <Card title=Msg::ForgotPasswordTitle>
            <OutcomeStatus lines=sent().then(|| t(Msg::ResetRequested).to_owned()).into_iter().collect() />
            <p class="lead">{t(Msg::ForgotPasswordIntro)}</p>
            <ActionForm action>
                <ErrorAlert error id="forgot-error" />
                <Field
                    id="identifier"
                    name="identifier"
                    label=t(Msg::IdentifierLabel)
                    autocomplete="username"
                    autofocus=true
                    error
                    error_id="forgot-error"
                />
                <Submit>
                    {t(Msg::SendResetLink)}
                </Submit>
            </ActionForm>
            <nav class="links">
                <a href="/login">{t(Msg::BackToLogin)}</a>
                <a href="/login-help">{t(Msg::LoginHelpLink)}</a>
            </nav>
        </Card>
    }
}
