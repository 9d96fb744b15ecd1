//! The Google part of `/account/security`: the linked Google account (its address when linked,
//! and since when) with "Unlink", or the address an admin entered. Shown only when Google
//! sign-in is configured. A wrong password comes back with the alert and the password field
//! focused; "Unlink" done comes back as the security page's status.

use crate::api::UnlinkGoogle;
use crate::components::alert::{ErrorAlert, error_of};
use crate::components::field::Field;
use crate::components::submit::Submit;
use crate::components::time::text_with_time;
use crate::i18n::t;
use leptos::either::Either;
use leptos::prelude::*;
use pforte_shared::i18n::fill;
use pforte_shared::types::GoogleAccountView;
use pforte_shared::{AppError, Msg};

/// The section, for the linked Google account the page read (`google_account`); shown only when
/// Google sign-in is configured.
#[component]
pub fn GoogleSection(state: Result<GoogleAccountView, AppError>) -> impl IntoView {
    let unlink = ServerAction::<UnlinkGoogle>::new();
    let error = error_of(unlink);
    let shown = match state {
        Ok(view) => Either::Left(view! { <GoogleState view unlink error /> }),
        Err(e) => Either::Right(view! { <ErrorAlert error=Some(e) /> }),
    };
    view! {
        <section aria-labelledby="google-title">
            <h2 id="google-title">{t(Msg::GoogleTitle)}</h2>
            <ErrorAlert error id="google-error" />
            {shown}
        </section>
    }
}

/// Linked (with "Unlink", or why it is not offered), or not, with the address an admin entered.
#[component]
fn GoogleState(
    view: GoogleAccountView,
    unlink: ServerAction<UnlinkGoogle>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let Some(linked) = view.linked else {
        let address = view
            .address
            .map(|a| view! { <p>{fill(t(Msg::GoogleAddressOnFile), "google", &a)}</p> });
        return Either::Left(view! {
            <p>{t(Msg::GoogleNotLinked)}</p>
            {address}
        });
    };
    let text = text_with_time(
        &fill(t(Msg::GoogleLinkedTo), "google", &linked.email),
        linked.at,
    );
    let form = if view.has_password {
        Either::Left(view! {
            <ActionForm action=unlink attr:aria-labelledby="google-title">
                <Field id="google_unlink_password" name="current_password" label=t(Msg::CurrentPasswordLabel) input_type="password" autocomplete="current-password" error error_id="google-error" />
                <Submit class="secondary">{t(Msg::UnlinkGoogle)}</Submit>
            </ActionForm>
        })
    } else {
        Either::Right(view! { <p>{t(Msg::GoogleUnlinkNeedsPassword)}</p> })
    };
    Either::Right(view! {
        <p>{text}</p>
        {form}
    })
}
