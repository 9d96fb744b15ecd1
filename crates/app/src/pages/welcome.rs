//! `/welcome/{token}`: the onboarding stepper. The server keeps the step; this page renders it.
//! Every form is a plain form post; the password feedback and the resend countdown are islands.

use crate::IslandScripts;
use crate::api::{
    ConfirmOnboardingCode, CreatePassword, DecideTrust, ResendOnboardingCode, SubmitInvitedEmail,
    onboarding_state,
};
use crate::components::alert::{ErrorAlert, any_error, error_of};
use crate::components::card::Card;
use crate::components::countdown::ResendCountdown;
use crate::components::field::Field;
use crate::components::google::GoogleButton;
use crate::components::new_password::NewPasswordFields;
use crate::components::submit::Submit;
use crate::components::trust::TrustChoice;
use crate::i18n::{lang, t};
use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pforte_shared::types::OnboardingStep;
use pforte_shared::{AppError, Msg};

const STEPS: [(OnboardingStep, Msg); 4] = [
    (OnboardingStep::Email, Msg::StepEmail),
    (OnboardingStep::Password, Msg::StepPassword),
    (OnboardingStep::Code, Msg::StepCode),
    (OnboardingStep::Trust, Msg::StepTrust),
];

/// The four steps as an ordered list; the current one is `aria-current="step"`.
#[component]
fn Stepper(current: OnboardingStep) -> impl IntoView {
    view! {
        <ol class="stepper" aria-label=t(Msg::StepsLabel)>
            {STEPS
                .iter()
                .map(|(step, label)| {
                    let is_current = *step == current;
                    view! {
                        <li
                            class:current=is_current
                            aria-current=is_current.then_some("step")
                        >
                            {t(*label)}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

#[component]
pub fn Welcome() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let email = ServerAction::<SubmitInvitedEmail>::new();
    let password = ServerAction::<CreatePassword>::new();
    let code = ServerAction::<ConfirmOnboardingCode>::new();
    let resend = ServerAction::<ResendOnboardingCode>::new();
    let trust = ServerAction::<DecideTrust>::new();
    let state = Resource::new(token, onboarding_state);
    let error = any_error(vec![
        error_of(email),
        error_of(password),
        error_of(code),
        error_of(resend),
        error_of(trust),
    ]);
    view! {
        <Card title=Msg::WelcomeTitle>
            <Suspense fallback=|| view! { <p>{t(Msg::Working)}</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(s) => Either::Left(view! {
                            <Stepper current=s.step />
                            <ErrorAlert error id="welcome-error" />
                            {step_form(s.step, s.code_cooldown, s.email, token(), error, email, password, code, resend, trust)}
                            <GoogleButton next=Signal::stored("/".to_owned()) offered=s.google />
                        }),
                        Err(e) => Either::Right(view! {
                            <p class="alert" role="alert">{e.message(lang())}</p>
                            {(e == AppError::LinkInvalid).then(|| view! { <p>{t(Msg::InvitationLinkHint)}</p> })}
                            <nav class="links"><a href="/login">{t(Msg::BackToLogin)}</a></nav>
                        }),
                    }
                })}
            </Suspense>
        </Card>
    }
}

#[allow(clippy::too_many_arguments)]
fn step_form(
    step: OnboardingStep,
    cooldown: i64,
    username: Option<String>,
    token: String,
    error: Signal<Option<AppError>>,
    email: ServerAction<SubmitInvitedEmail>,
    password: ServerAction<CreatePassword>,
    code: ServerAction<ConfirmOnboardingCode>,
    resend: ServerAction<ResendOnboardingCode>,
    trust: ServerAction<DecideTrust>,
) -> impl IntoView {
    match step {
        OnboardingStep::Email => EitherOf4::A(view! {
            <ActionForm action=email>
                <input type="hidden" name="token" value=token />
                <Field id="email" name="email" label=t(Msg::EmailLabel) input_type="email" autocomplete="email" autofocus=true error error_id="welcome-error" />
                <Submit class="primary">{t(Msg::SignInWithEmail)}</Submit>
            </ActionForm>
        }),
        OnboardingStep::Password => EitherOf4::B(view! {
            <ActionForm action=password>
                <input type="hidden" name="token" value=token />
                <NewPasswordFields name="password" repeat_name="password_repeat" label=t(Msg::PasswordLabel) repeat_label=t(Msg::PasswordRepeatLabel) autofocus=true error error_id="welcome-error" username />
                <Submit class="primary">{t(Msg::CreatePasswordButton)}</Submit>
            </ActionForm>
            <IslandScripts />
        }),
        OnboardingStep::Code => EitherOf4::C({
            let resend_token = token.clone();
            view! {
                <p>{t(Msg::CodeSent)}</p>
                <ActionForm action=code>
                    <input type="hidden" name="token" value=token />
                    <Field id="code" name="code" label=t(Msg::CodeLabel) autocomplete="one-time-code" inputmode="numeric" autofocus=true maxlength=6 error error_id="welcome-error" />
                    <Submit class="primary">{t(Msg::ConfirmButton)}</Submit>
                </ActionForm>
                <ActionForm action=resend attr:class="resend">
                    <input type="hidden" name="token" value=resend_token />
                    <Submit class="secondary">{t(Msg::SendNewCode)}</Submit>
                    <ResendCountdown seconds=cooldown />
                </ActionForm>
                <IslandScripts />
            }
        }),
        OnboardingStep::Trust => EitherOf4::D(view! {
            <h2 class="question">{t(Msg::TrustQuestion)}</h2>
            <TrustChoice action=trust hidden_name="token" hidden_value=token />
        }),
    }
}
