//! `/reset-password/{token}`: the new password chosen through a reset link. Saving it does not
//! sign in; the page then says so (`?saved`) and leads to `/login`.

use crate::IslandScripts;
use crate::api::{ResetPassword, reset_link_state, reset_username};
use crate::components::alert::{ErrorAlert, error_of};
use crate::components::new_password::{NewPasswordFields, SavedUsername};
use crate::components::submit::Submit;
use crate::components::token_page::{TokenPage, posted_text};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pforte_shared::Msg;

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let action = ServerAction::<ResetPassword>::new();
    let state = Resource::new(token, reset_link_state);
    let username = Resource::new(token, reset_username);
    let posted = posted_text("saved", Msg::PasswordResetDone);
    let error = error_of(action);
    view! {
        <TokenPage
            title=Msg::ResetPasswordTitle
            state
            posted
            after=&[("/login", Msg::GoToLogin)]
            invalid=&[("/forgot-password", Msg::RequestNewLink), ("/login", Msg::BackToLogin)]
        >
            <ActionForm action>
                <input type="hidden" name="token" value=token() />
                <ErrorAlert error id="reset-error" />
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        username.await.ok().flatten().map(|email| view! { <SavedUsername email /> })
                    })}
                </Suspense>
                <NewPasswordFields name="new_password" repeat_name="new_password_repeat" label=t(Msg::NewPasswordLabel) repeat_label=t(Msg::RepeatNewPasswordLabel) autofocus=true error error_id="reset-error" />
                <Submit>
                    {t(Msg::SavePasswordButton)}
                </Submit>
            </ActionForm>
        </TokenPage>
        <IslandScripts />
    }
}
