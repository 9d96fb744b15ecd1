use crate::components::field::Field;
use crate::i18n::{lang, t};
use leptos::prelude::*;
use pforte_shared::i18n::fill;
use pforte_shared::password::{MAX_BYTES, MIN_CHARS};
use pforte_shared::strength::{Strength, strength};
use pforte_shared::{AppError, Msg};

/// A new password and its repeat, with the policy hint and live feedback once hydrated: length so
/// far, then a rough strength estimate, and whether the repeat matches. The server's policy decides
/// when the form is sent. One per page (the hint and feedback ids are fixed).
#[component]
pub fn NewPasswordFields(
    /// Form field names (the server function's arguments), also the input ids.
    name: &'static str,
    repeat_name: &'static str,
    label: &'static str,
    repeat_label: &'static str,
    #[prop(default = false)] autofocus: bool,
    /// The form's error and the id of its alert: see `Field`. The server names the new password
    /// `password` in its errors (the policy's), the repeat by its own name.
    #[prop(optional, into)]
    error: Option<Signal<Option<AppError>>>,
    #[prop(optional)] error_id: Option<&'static str>,
    /// The account's email, for password managers to save the new password under.
    #[prop(default = None)]
    username: Option<String>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let repeated = RwSignal::new(String::new());
    let feedback = move || {
        typed.with(|p| match p.chars().count() {
            0 => None,
            n if n < MIN_CHARS => Some(fill(
                &Msg::PasswordLengthSoFar.render(lang()),
                "count",
                &n.to_string(),
            )),
            _ => Some(
                t(match strength(p) {
                    Strength::Weak => Msg::PasswordStrengthWeak,
                    Strength::Fair => Msg::PasswordStrengthFair,
                    Strength::Strong => Msg::PasswordLongEnough,
                })
                .to_owned(),
            ),
        })
    };
    let mismatch = move || {
        let differs = repeated.with(|r| !r.is_empty() && typed.with(|p| p != r));
        differs.then(|| t(Msg::PasswordsDiffer))
    };
    let error = error.unwrap_or_default();
    let error_id = error_id.unwrap_or_default();
    view! {
        {username.map(|email| view! { <SavedUsername email /> })}
        <p class="muted" id="password-hint">{Msg::PasswordHint.render(lang())}</p>
        <Field id=name name=name label=label input_type="password" autocomplete="new-password" autofocus maxlength=MAX_BYTES as u32 describedby="password-hint password-feedback" typed error error_id error_key="password" />
        <p class="feedback" id="password-feedback" aria-live="polite">{feedback}</p>
        <Field id=repeat_name name=repeat_name label=repeat_label input_type="password" autocomplete="new-password" maxlength=MAX_BYTES as u32 describedby="repeat-feedback" typed=repeated error error_id />
        <p class="feedback" id="repeat-feedback" aria-live="polite">{mismatch}</p>
    }
}

/// The username a new password belongs to, for password managers: a read-only field outside the
/// tab order, hidden from sight and from screen readers. It has no name, so it is not sent.
#[component]
pub fn SavedUsername(email: String) -> impl IntoView {
    view! {
        <input type="email" class="visually-hidden" autocomplete="username" value=email readonly tabindex="-1" aria-hidden="true" />
    }
}
