//! `/not-me/{token}`: "This wasn't me" from a "New device trusted" or "Your password was changed"
//! mail. Opening the link changes nothing; the one button does.

use crate::api::{ReportNotMe, not_me_link_valid};
use crate::components::alert::ErrorAlert;
use crate::components::card::Card;
use crate::i18n::t;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use pforte_shared::Msg;

#[component]
pub fn NotMe() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let action = ServerAction::<ReportNotMe>::new();
    let valid = Resource::new(
        move || (token(), action.version().get()),
        |(token, _)| not_me_link_valid(token),
    );
    let done = move || {
        query.read().get("done").is_some() || action.value().get().is_some_and(|r| r.is_ok())
    };
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Card title=Msg::NotMeTitle>
            <Suspense fallback=|| view! { <p>{t(Msg::Working)}</p> }>
                {move || Suspend::new(async move {
                    match (valid.await, done()) {
                        (Ok(true), _) => EitherOf3::A(view! {
                            <p class="lead">{t(Msg::NotMeIntro)}</p>
                            <ActionForm action>
                                <input type="hidden" name="token" value=token() />
                                <ErrorAlert error />
                                <button type="submit" class="primary" aria-disabled=move || action.pending().get().to_string()>
                                    {t(Msg::NotMeButton)}
                                </button>
                            </ActionForm>
                        }),
                        (_, true) => EitherOf3::B(view! {
                            <p role="status">{t(Msg::NotMeDone)}</p>
                            <nav class="links"><a href="/login">{t(Msg::GoToLogin)}</a></nav>
                        }),
                        (_, false) => EitherOf3::C(view! {
                            <p class="alert" role="alert">{t(Msg::LinkInvalid)}</p>
                            <nav class="links">
                                <a href="/forgot-password">{t(Msg::ForgotPassword)}</a>
                                <a href="/login-help">{t(Msg::LoginHelpLink)}</a>
                            </nav>
                        }),
                    }
                })}
            </Suspense>
        </Card>
    }
}
