//! `/login`: email or customer number, and password.

use crate::api::SubmitPassword;
use crate::components::alert::{ErrorAlert, error_of};
use crate::components::card::Card;
use crate::components::field::Field;
use crate::components::google::GoogleButton;
use crate::components::submit::Submit;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use pforte_shared::Msg;
use pforte_shared::types::GoogleFailure;

#[component]
pub fn Login() -> impl IntoView {
    let action = ServerAction::<SubmitPassword>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = error_of(action);
    // Where "Sign in with Google" sent the browser back to, when it did not sign in.
    let google_failure = move || {
        query
            .read()
            .get("google")
            .and_then(|v| GoogleFailure::parse(&v))
            .filter(|_| error.get().is_none())
    };
    view! {
        <Card title=Msg::LoginTitle>
            <p class="lead">{t(Msg::Tagline)}</p>
            {move || google_failure().map(|f| view! {
                <p class="alert" role="alert">{t(f.message())}</p>
            })}
            <ActionForm action=action>
                <input type="hidden" name="next" value=next />
                <ErrorAlert error id="login-error" />
                <Field
                    id="identifier"
                    name="identifier"
                    label=t(Msg::IdentifierLabel)
                    autocomplete="username"
                    autofocus=true
                    error
                    error_id="login-error"
                />
                <Field
                    id="password"
                    name="password"
                    label=t(Msg::PasswordLabel)
                    input_type="password"
                    autocomplete="current-password"
                    maxlength=pforte_shared::password::MAX_BYTES as u32
                />
                <Submit>
                    {t(Msg::LoginButton)}
                </Submit>
            </ActionForm>
            <GoogleButton next=Signal::derive(next) />
            <nav class="links" aria-label=t(Msg::LoginLinksLabel)>
                <a href="/forgot-password">{t(Msg::ForgotPassword)}</a>
                <a href="/login-help">{t(Msg::LoginHelpLink)}</a>
            </nav>
        </Card>
    }
}
