//! `/not-me/{token}`: "This wasn't me" from a "New device trusted" or "Your password was changed"
//! mail. Opening the link changes nothing; the one button does.

use crate::api::{ReportNotMe, not_me_link_state};
use crate::components::alert::ErrorAlert;
use crate::components::submit::Submit;
use crate::components::token_page::{TokenPage, outcome_of};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pforte_shared::Msg;

#[component]
pub fn NotMe() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let action = ServerAction::<ReportNotMe>::new();
    let state = Resource::new(
        move || (token(), action.version().get()),
        |(token, _)| not_me_link_state(token),
    );
    let (done, posted) = outcome_of(action, "done", Msg::NotMeDone);
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <TokenPage
            title=Msg::NotMeTitle
            state
            done
            posted
            after=&[("/login", Msg::GoToLogin)]
            invalid=&[("/forgot-password", Msg::ForgotPassword), ("/login-help", Msg::LoginHelpLink)]
        >
            <p class="lead">{t(Msg::NotMeIntro)}</p>
            <ActionForm action>
                <input type="hidden" name="token" value=token() />
                <ErrorAlert error />
                <Submit pending=action.pending()>
                    {t(Msg::NotMeButton)}
                </Submit>
            </ActionForm>
        </TokenPage>
    }
}
