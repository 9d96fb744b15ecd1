//! `/reset-password/{token}`: the new password chosen through a reset link. Saving it does not
//! sign in; the page then says so (`?saved`) and leads to `/login`.

use crate::api::{ResetPassword, reset_link_valid};
use crate::components::alert::ErrorAlert;
use crate::components::card::Card;
use crate::components::new_password::NewPasswordFields;
use crate::i18n::t;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use pforte_shared::Msg;

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let action = ServerAction::<ResetPassword>::new();
    let valid = Resource::new(
        move || (token(), action.version().get()),
        |(token, _)| reset_link_valid(token),
    );
    let saved = move || {
        query.read().get("saved").is_some() || action.value().get().is_some_and(|r| r.is_ok())
    };
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Card title=Msg::ResetPasswordTitle>
            <Suspense fallback=|| view! { <p>{t(Msg::Working)}</p> }>
                {move || Suspend::new(async move {
                    // A link that still works shows its form, even under `?saved`.
                    match (valid.await, saved()) {
                        (Ok(true), _) => EitherOf3::A(view! {
                            <ActionForm action>
                                <input type="hidden" name="token" value=token() />
                                <ErrorAlert error />
                                <NewPasswordFields name="new_password" repeat_name="new_password_repeat" label=t(Msg::NewPasswordLabel) repeat_label=t(Msg::RepeatNewPasswordLabel) autofocus=true />
                                <button type="submit" class="primary" aria-disabled=move || action.pending().get().to_string()>
                                    {t(Msg::SavePasswordButton)}
                                </button>
                            </ActionForm>
                        }),
                        (_, true) => EitherOf3::B(view! {
                            <p role="status">{t(Msg::PasswordResetDone)}</p>
                            <nav class="links"><a href="/login">{t(Msg::GoToLogin)}</a></nav>
                        }),
                        (_, false) => EitherOf3::C(view! {
                            <p class="alert" role="alert">{t(Msg::LinkInvalid)}</p>
                            <nav class="links">
                                <a href="/forgot-password">{t(Msg::RequestNewLink)}</a>
                                <a href="/login">{t(Msg::BackToLogin)}</a>
                            </nav>
                        }),
                    }
                })}
            </Suspense>
        </Card>
    }
}
