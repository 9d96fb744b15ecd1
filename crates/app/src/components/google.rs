//! "Sign in with Google": a plain form posting to `/auth/google`, shown only when Google sign-in
//! is configured. Not a server function: the answer is a redirect to the provider.

use crate::api::google_sign_in_offered;
use crate::i18n::t;
use leptos::prelude::*;
use pforte_shared::Msg;

/// The button, when `offered` (for the stepper, which knows from its own state); without
/// `offered`, when Google sign-in is configured.
#[component]
pub fn GoogleButton(
    #[prop(into)] next: Signal<String>,
    #[prop(optional)] offered: Option<bool>,
) -> impl IntoView {
    let form = move || {
        view! {
            <form method="post" action="/auth/google" class="google">
                <input type="hidden" name="next" value=next />
                <button type="submit" class="secondary">{t(Msg::SignInWithGoogle)}</button>
            </form>
        }
    };
    offered.unwrap_or_else(google_sign_in_offered).then(form)
}
