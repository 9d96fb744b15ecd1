//! `/setup/{token}`: the first-run page that creates the first account and invites its owner.

use crate::api::{CompleteSetup, setup_link_valid};
use crate::components::alert::{ErrorAlert, error_of};
use crate::components::field::Field;
use crate::components::submit::Submit;
use crate::components::token_page::TokenPage;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pforte_shared::Msg;
use pforte_shared::types::LinkState;

#[component]
pub fn Setup() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let action = ServerAction::<CompleteSetup>::new();
    // A setup link is deleted when used: it is either usable or not.
    let state = Resource::new(token, |t| async move {
        setup_link_valid(t).await.map(|usable| {
            if usable {
                LinkState::Usable
            } else {
                LinkState::Invalid
            }
        })
    });
    // The form post comes back here with what it made.
    let done = crate::flash::take().map(|f| f.lines().join(" "));
    let done = Signal::stored(done);
    let error = error_of(action);
    view! {
        <TokenPage
            title=Msg::SetupTitle
            state
            done
            after=&[("/login", Msg::GoToLogin)]
            invalid=&[("/login", Msg::BackToLogin)]
        >
            <p class="lead">{t(Msg::SetupIntro)}</p>
            <ActionForm action>
                <input type="hidden" name="token" value=token() />
                <ErrorAlert error id="setup-error" />
                <Field id="company" name="company" label=t(Msg::CompanyLabel) autocomplete="organization" autofocus=true error error_id="setup-error" />
                <Field id="name" name="name" label=t(Msg::OwnerNameLabel) autocomplete="name" error error_id="setup-error" />
                <Field id="email" name="email" label=t(Msg::OwnerEmailLabel) input_type="email" autocomplete="email" error error_id="setup-error" />
                <Submit>{t(Msg::CreateAccountButton)}</Submit>
            </ActionForm>
        </TokenPage>
    }
}
