//! The Google part of `/account/security`: the linked Google account (its address when linked,
//! and since when) with "Unlink", or the address an admin entered. Shown only when Google
//! sign-in is configured.

use crate::api::{UnlinkGoogle, google_account};
use crate::components::alert::{ErrorAlert, latest_error, outcome};
use crate::components::field::Field;
use crate::i18n::t;
use leptos::prelude::*;
use pforte_shared::Msg;
use pforte_shared::i18n::fill;
use pforte_shared::time::format_utc;
use pforte_shared::types::GoogleAccountView;

#[component]
pub fn GoogleSection() -> impl IntoView {
    let unlink = ServerAction::<UnlinkGoogle>::new();
    let state = Resource::new(move || unlink.version().get(), |_| google_account());
    let error = latest_error(vec![outcome(unlink)]);
    let unlinked =
        move || matches!(unlink.value().get(), Some(Ok(()))).then(|| t(Msg::GoogleUnlinked));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                state.await.ok().flatten().map(|view| view! {
                    <section aria-labelledby="google-title">
                        <h2 id="google-title">{t(Msg::GoogleTitle)}</h2>
                        <ErrorAlert error />
                        <p class="status" role="status">{unlinked}</p>
                        <Linked view unlink />
                    </section>
                })
            })}
        </Suspense>
    }
}

#[component]
fn Linked(view: GoogleAccountView, unlink: ServerAction<UnlinkGoogle>) -> impl IntoView {
    let Some((email, at)) = view.linked else {
        let address = view
            .address
            .map(|a| view! { <p>{fill(t(Msg::GoogleAddressOnFile), "google", &a)}</p> });
        return leptos::either::Either::Left(view! {
            <p>{t(Msg::GoogleNotLinked)}</p>
            {address}
        });
    };
    let linked = fill(
        &fill(t(Msg::GoogleLinkedTo), "google", &email),
        "time",
        &format_utc(at),
    );
    leptos::either::Either::Right(view! {
        <p>{linked}</p>
        {if view.has_password {
            leptos::either::Either::Left(view! {
                <ActionForm action=unlink attr:aria-labelledby="google-title">
                    <Field id="google_unlink_password" name="current_password" label=t(Msg::CurrentPasswordLabel) input_type="password" autocomplete="current-password" />
                    <button type="submit" class="secondary">{t(Msg::UnlinkGoogle)}</button>
                </ActionForm>
            })
        } else {
            leptos::either::Either::Right(view! { <p>{t(Msg::GoogleUnlinkNeedsPassword)}</p> })
        }}
    })
}
