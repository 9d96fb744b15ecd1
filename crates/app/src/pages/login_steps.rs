//! `/login/code`, `/login/totp` and `/login/trust`: the second step of a sign-in. The server keeps
//! where the sign-in stands (`sign_in_state`); these pages render it. Their forms are plain
//! form posts.

use crate::IslandScripts;
use crate::api::{
    ConfirmSignInAppCode, ConfirmSignInCode, ConfirmSignInRecoveryCode, ResendSignInCode,
    TrustSignInDevice, sign_in_state,
};
use crate::components::alert::{ErrorAlert, any_error, error_of};
use crate::components::card::Card;
use crate::components::countdown::ResendCountdown;
use crate::components::field::Field;
use crate::components::submit::Submit;
use crate::components::trust::TrustChoice;
use crate::i18n::t;
use leptos::either::{Either, EitherOf3, EitherOf4};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;
use pforte_shared::next::with_next;
use pforte_shared::types::SignInStep;
use pforte_shared::{AppError, Msg};

/// The `next` query parameter, carried through the steps.
fn next_param() -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.read().get("next")
}

/// No sign-in in progress (never started, ended after five wrong codes, or expired).
#[component]
fn SignInEnded(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <ErrorAlert error />
        {move || error.get().is_none().then(|| view! { <p>{t(Msg::SignInEnded)}</p> })}
        <nav class="links"><a href="/login">{t(Msg::BackToLogin)}</a></nav>
    }
}

#[component]
pub fn LoginCode() -> impl IntoView {
    let next = next_param();
    let confirm = ServerAction::<ConfirmSignInCode>::new();
    let resend = ServerAction::<ResendSignInCode>::new();
    let state = Resource::new(|| (), |_| sign_in_state());
    let error = any_error(vec![error_of(confirm), error_of(resend)]);
    view! {
        <Card title=Msg::LoginCodeTitle>
            <Suspense fallback=|| view! { <p>{t(Msg::Working)}</p> }>
                {move || Suspend::new(async move {
                    let state = state.await;
                    let minutes = state.as_ref().map_or(0, |s| s.code_locked_minutes);
                    match state.as_ref().ok().and_then(|s| s.step) {
                        Some(SignInStep::EmailCode) if minutes > 0 => {
                            EitherOf3::C(Either::Right(view! {
                                <p class="alert" role="alert">
                                    {AppError::CodeLocked { minutes }.message(crate::i18n::lang())}
                                </p>
                                <nav class="links"><a href="/login">{t(Msg::BackToLogin)}</a></nav>
                            }))
                        }
                        Some(SignInStep::EmailCode) => {
                            let cooldown = state.map_or(0, |s| s.code_cooldown);
                            EitherOf3::A(view! {
                                <p id="code-sent">{t(Msg::CodeSent)}</p>
                                <ErrorAlert error id="code-error" />
                                <ActionForm action=confirm>
                                    <input type="hidden" name="next" value=next />
                                    <Field id="code" name="code" label=t(Msg::CodeLabel) autocomplete="one-time-code" inputmode="numeric" autofocus=true maxlength=6 describedby="code-sent" error error_id="code-error" />
                                    <Submit class="primary">{t(Msg::ConfirmButton)}</Submit>
                                </ActionForm>
                                <ActionForm action=resend attr:class="resend">
                                    <Submit class="secondary">{t(Msg::SendNewCode)}</Submit>
                                    <ResendCountdown seconds=cooldown />
                                </ActionForm>
                                <IslandScripts />
                            })
                        }
                        Some(SignInStep::Trust) => EitherOf3::B(view! {
                            <Redirect path=with_next("/login/trust", next().as_deref()) />
                        }),
                        _ => EitherOf3::C(Either::Left(view! { <SignInEnded error /> })),
                    }
                })}
            </Suspense>
        </Card>
    }
}

/// `/login/totp`: the authenticator app's code, or (`?recovery`) a recovery code.
#[component]
pub fn LoginTotp() -> impl IntoView {
    let next = next_param();
    let query = use_query_map();
    let recovery = move || query.read().get("recovery").is_some();
    let app_code = ServerAction::<ConfirmSignInAppCode>::new();
    let recovery_code = ServerAction::<ConfirmSignInRecoveryCode>::new();
    let state = Resource::new(|| (), |_| sign_in_state());
    let error = any_error(vec![error_of(app_code), error_of(recovery_code)]);
    let other_way = move || {
        let (path, text) = if recovery() {
            ("/login/totp", Msg::UseAuthenticatorApp)
        } else {
            ("/login/totp?recovery", Msg::UseRecoveryCode)
        };
        let href = match next() {
            Some(next) => with_next(path, Some(&next)),
            None => path.to_owned(),
        };
        view! { <nav class="links"><a href=href>{t(text)}</a></nav> }
    };
    view! {
        <Card title=Msg::LoginTotpTitle>
            <Suspense fallback=|| view! { <p>{t(Msg::Working)}</p> }>
                {move || Suspend::new(async move {
                    let state = state.await;
                    let minutes = state.as_ref().map_or(0, |s| s.code_locked_minutes);
                    match state.as_ref().ok().and_then(|s| s.step) {
                        Some(SignInStep::Totp) if minutes > 0 => EitherOf4::A(view! {
                            <p class="alert" role="alert">
                                {AppError::CodeLocked { minutes }.message(crate::i18n::lang())}
                            </p>
                            <nav class="links"><a href="/login">{t(Msg::BackToLogin)}</a></nav>
                        }),
                        Some(SignInStep::Totp) if recovery() => EitherOf4::B(view! {
                            <p id="recovery-intro">{t(Msg::RecoveryIntro)}</p>
                            <ErrorAlert error id="totp-error" />
                            <ActionForm action=recovery_code>
                                <input type="hidden" name="next" value=next />
                                <Field id="recovery_code" name="recovery_code" label=t(Msg::RecoveryCodeLabel) autocomplete="one-time-code" autofocus=true maxlength=40 describedby="recovery-intro" error error_id="totp-error" />
                                <Submit class="primary">{t(Msg::ConfirmButton)}</Submit>
                            </ActionForm>
                            {other_way}
                        }),
                        Some(SignInStep::Totp) => EitherOf4::C(view! {
                            <p id="totp-intro">{t(Msg::TotpIntro)}</p>
                            <ErrorAlert error id="totp-error" />
                            <ActionForm action=app_code>
                                <input type="hidden" name="next" value=next />
                                <Field id="authentication_code" name="authentication_code" label=t(Msg::AuthenticationCodeLabel) autocomplete="one-time-code" inputmode="numeric" autofocus=true maxlength=7 describedby="totp-intro" error error_id="totp-error" />
                                <Submit class="primary">{t(Msg::ConfirmButton)}</Submit>
                            </ActionForm>
                            {other_way}
                        }),
                        _ => EitherOf4::D(view! { <SignInEnded error /> }),
                    }
                })}
            </Suspense>
        </Card>
    }
}

#[component]
pub fn LoginTrust() -> impl IntoView {
    let next = next_param();
    let trust = ServerAction::<TrustSignInDevice>::new();
    let state = Resource::new(|| (), |_| sign_in_state());
    let error = error_of(trust);
    view! {
        <Card title=Msg::TrustQuestion>
            <Suspense fallback=|| view! { <p>{t(Msg::Working)}</p> }>
                {move || Suspend::new(async move {
                    match state.await.ok().and_then(|s| s.step) {
                        Some(SignInStep::Trust) => EitherOf3::A(view! {
                            <ErrorAlert error />
                            <TrustChoice action=trust hidden_name="next" hidden_value=next().unwrap_or_default() />
                        }),
                        Some(SignInStep::EmailCode) => EitherOf3::B(view! {
                            <Redirect path=with_next("/login/code", next().as_deref()) />
                        }),
                        _ => EitherOf3::C(view! { <SignInEnded error /> }),
                    }
                })}
            </Suspense>
        </Card>
    }
}
