//! The two-factor part of `/account/security`: set it up (password, then QR code and key, then
//! the first app code), see the recovery codes once ("Copy", "Download"), and later make new
//! recovery codes or turn it off (each with the password and a current app code). Every form
//! is a plain form post.

use crate::api::{
    ActivateTwoFactor, DisableTwoFactor, HideRecoveryCodes, RegenerateRecoveryCodes, StartTwoFactor,
};
use crate::components::alert::{ErrorAlert, any_error, error_of};
use crate::components::field::Field;
use crate::components::submit::Submit;
use crate::components::time::text_with_time;
use crate::i18n::t;
use leptos::either::EitherOf5;
use leptos::prelude::*;
use pforte_shared::i18n::fill;
use pforte_shared::types::{PendingTwoFactor, TwoFactorView};
use pforte_shared::{AppError, Msg};

/// The section, for the state the page read (`two_factor_state`).
#[component]
pub fn TwoFactorSection(state: Result<TwoFactorView, AppError>) -> impl IntoView {
    let start = ServerAction::<StartTwoFactor>::new();
    let activate = ServerAction::<ActivateTwoFactor>::new();
    let hide = ServerAction::<HideRecoveryCodes>::new();
    let regenerate = ServerAction::<RegenerateRecoveryCodes>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let error = any_error(vec![
        error_of(start),
        error_of(activate),
        error_of(hide),
        error_of(regenerate),
        error_of(disable),
    ]);
    let shown = match state {
        Ok(view) if !view.recovery_codes.is_empty() => {
            EitherOf5::A(view! { <RecoveryCodes codes=view.recovery_codes hide /> })
        }
        Ok(view) if view.enabled_at.is_some() => {
            EitherOf5::B(view! { <Enabled view regenerate disable /> })
        }
        Ok(TwoFactorView {
            pending: Some(pending),
            ..
        }) => EitherOf5::C(view! { <Pending pending activate /> }),
        Ok(_) => EitherOf5::D(view! {
            <p>{t(Msg::TwoFactorOffIntro)}</p>
            <ActionForm action=start attr:aria-labelledby="two-factor-title">
                <Field id="tf_start_password" name="current_password" label=t(Msg::CurrentPasswordLabel) input_type="password" autocomplete="current-password" error=error_of(start) error_id="two-factor-error" />
                <Submit class="primary">{t(Msg::SetUpTwoFactor)}</Submit>
            </ActionForm>
        }),
        Err(e) => EitherOf5::E(view! { <ErrorAlert error=Some(e) /> }),
    };
    view! {
        <section aria-labelledby="two-factor-title">
            <h2 id="two-factor-title">{t(Msg::TwoFactorTitle)}</h2>
            <ErrorAlert error id="two-factor-error" />
            {shown}
        </section>
    }
}

/// A set-up waiting for its first code: the QR code, the key, and "Activate".
#[component]
fn Pending(pending: PendingTwoFactor, activate: ServerAction<ActivateTwoFactor>) -> impl IntoView {
    view! {
        <p id="tf-scan">{t(Msg::ScanQrCode)}</p>
        <img class="qr" src=pending.qr_image alt=t(Msg::QrCodeAlt) width="208" height="208" />
        <p>{t(Msg::KeyLabel)}": "<code class="key">{pending.key}</code></p>
        <ActionForm action=activate attr:aria-labelledby="two-factor-title">
            <Field id="tf_activate_code" name="authentication_code" label=t(Msg::AuthenticationCodeLabel) autocomplete="one-time-code" inputmode="numeric" maxlength=7 describedby="tf-scan" error=error_of(activate) error_id="two-factor-error" />
            <Submit class="primary">{t(Msg::ActivateButton)}</Submit>
        </ActionForm>
    }
}

/// New recovery codes, shown once: a list named "Recovery codes", "Copy" (in the browser),
/// "Download" (a text file, also without JavaScript), and "I have saved them".
#[component]
fn RecoveryCodes(codes: Vec<String>, hide: ServerAction<HideRecoveryCodes>) -> impl IntoView {
    let download = format!("data:text/plain;charset=utf-8,{}%0A", codes.join("%0A"));
    let text = codes.join("\n");
    view! {
        <h3 id="recovery-title">{t(Msg::RecoveryCodesTitle)}</h3>
        <p>{t(Msg::RecoveryCodesIntro)}</p>
        <ul class="codes" aria-labelledby="recovery-title">
            {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
        </ul>
        <CodeActions
            text
            download
            labels=(t(Msg::CopyButton).to_owned(), t(Msg::Copied).to_owned(), t(Msg::DownloadButton).to_owned())
        />
        <ActionForm action=hide>
            <Submit class="primary">{t(Msg::SavedThem)}</Submit>
        </ActionForm>
    }
}

/// "Copy", "Download" and the status line under the recovery codes: the part of them that lives
/// in the browser. `labels`: "Copy", "Copied.", "Download", in the page's language.
/// An island: the page that shows it renders `IslandScripts` too (once).
#[island]
fn CodeActions(text: String, download: String, labels: (String, String, String)) -> impl IntoView {
    let (copy_label, copied_label, download_label) = labels;
    let copied = RwSignal::new(false);
    // "Copy" needs the browser's clipboard: it appears once the island is alive, and only where
    // the browser offers a clipboard (secure pages).
    let can_copy = RwSignal::new(false);
    Effect::new(move || can_copy.set(clipboard().is_some()));
    let copy = move |_| {
        if let Some(clipboard) = clipboard() {
            let promise = clipboard.write_text(&text);
            leptos::task::spawn_local(async move {
                if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                    copied.set(true);
                }
            });
        }
    };
    view! {
        <div class="row-actions">
            <Show when=move || can_copy.get()>
                <button type="button" class="secondary" on:click=copy.clone()>{copy_label.clone()}</button>
            </Show>
            <a class="button secondary" href=download download="pforte-recovery-codes.txt">{download_label}</a>
        </div>
        <p class="status" role="status">{move || copied.get().then(|| copied_label.clone())}</p>
    }
}

/// The browser's clipboard, where it offers one (only secure pages do; never on the server).
fn clipboard() -> Option<web_sys::Clipboard> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let navigator = window().navigator();
        let found = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok()?;
        found.dyn_into::<web_sys::Clipboard>().ok()
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// Two-factor is on: since when, codes left; new recovery codes or off, each with the password
/// and a current app code.
#[component]
fn Enabled(
    view: TwoFactorView,
    regenerate: ServerAction<RegenerateRecoveryCodes>,
    disable: ServerAction<DisableTwoFactor>,
) -> impl IntoView {
    let since = text_with_time(
        &fill(
            t(Msg::TwoFactorOnSince),
            "count",
            &view.recovery_left.to_string(),
        ),
        view.enabled_at.unwrap_or_default(),
    );
    // Each form's fields are tied to its own errors only.
    let regenerate_error = error_of(regenerate);
    let disable_error = error_of(disable);
    view! {
        <p>{since}</p>
        <p id="tf-confirm-hint">{t(Msg::TwoFactorConfirmHint)}</p>
        <h3 id="regenerate-title">{t(Msg::RegenerateRecoveryCodes)}</h3>
        <ActionForm action=regenerate attr:aria-labelledby="regenerate-title">
            <Field id="tf_regenerate_password" name="current_password" label=t(Msg::CurrentPasswordLabel) input_type="password" autocomplete="current-password" describedby="tf-confirm-hint" error=regenerate_error error_id="two-factor-error" />
            <Field id="tf_regenerate_code" name="authentication_code" label=t(Msg::AuthenticationCodeLabel) autocomplete="one-time-code" inputmode="numeric" maxlength=7 error=regenerate_error error_id="two-factor-error" />
            <Submit class="secondary">{t(Msg::RegenerateRecoveryCodes)}</Submit>
        </ActionForm>
        <h3 id="disable-title">{t(Msg::TurnOffTwoFactor)}</h3>
        <ActionForm action=disable attr:aria-labelledby="disable-title">
            <Field id="tf_disable_password" name="current_password" label=t(Msg::CurrentPasswordLabel) input_type="password" autocomplete="current-password" describedby="tf-confirm-hint" error=disable_error error_id="two-factor-error" />
            <Field id="tf_disable_code" name="authentication_code" label=t(Msg::AuthenticationCodeLabel) autocomplete="one-time-code" inputmode="numeric" maxlength=7 error=disable_error error_id="two-factor-error" />
            <Submit class="secondary">{t(Msg::TurnOffTwoFactor)}</Submit>
        </ActionForm>
    }
}
