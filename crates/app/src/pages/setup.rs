//! `/setup/{token}`: the first-run page that creates the first account and invites its owner.

use crate::api::{CompleteSetup, setup_link_valid};
use crate::components::alert::ErrorAlert;
use crate::components::card::Card;
use crate::components::field::Field;
use crate::i18n::t;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pforte_shared::Msg;
use pforte_shared::i18n::fill;

#[component]
pub fn Setup() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let action = ServerAction::<CompleteSetup>::new();
    let valid = Resource::new(
        move || (token(), action.version().get()),
        |(t, _)| setup_link_valid(t),
    );
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Card title=Msg::SetupTitle>
            <Suspense fallback=|| view! { <p>{t(Msg::Working)}</p> }>
                {move || Suspend::new(async move {
                    let done = action.value().get().and_then(Result::ok);
                    match (done, valid.await) {
                        (Some((number, email)), _) => EitherOf3::A(view! {
                            <p role="status">{fill(&fill(t(Msg::SetupDone), "number", &number), "email", &email)}</p>
                        }),
                        (None, Ok(true)) => EitherOf3::B(view! {
                            <p class="lead">{t(Msg::SetupIntro)}</p>
                            <ActionForm action>
                                <input type="hidden" name="token" value=token() />
                                <ErrorAlert error />
                                <Field id="company" name="company" label=t(Msg::CompanyLabel) autocomplete="organization" autofocus=true />
                                <Field id="name" name="name" label=t(Msg::OwnerNameLabel) autocomplete="name" />
                                <Field id="email" name="email" label=t(Msg::OwnerEmailLabel) input_type="email" autocomplete="email" />
                                <button type="submit" class="primary">{t(Msg::CreateAccountButton)}</button>
                            </ActionForm>
                        }),
                        (None, _) => EitherOf3::C(view! {
                            <p class="alert" role="alert">{t(Msg::LinkInvalid)}</p>
                            <nav class="links"><a href="/login">{t(Msg::BackToLogin)}</a></nav>
                        }),
                    }
                })}
            </Suspense>
        </Card>
    }
}
