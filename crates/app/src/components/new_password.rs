use crate::components::field::Field;
use crate::i18n::{lang, t};
use leptos::prelude::*;
use pforte_shared::i18n::fill;
use pforte_shared::password::{MAX_BYTES, MIN_CHARS};
use pforte_shared::strength::{Strength, strength};
use pforte_shared::{AppError, Msg};

/// A new password and its repeat, with the policy hint and live feedback in the browser: length
/// so far, then a rough strength estimate, and whether the repeat matches. The server's policy
/// decides when the form is sent. One per page (the hint and feedback ids are fixed).
/// An island: the page that shows it renders `IslandScripts` too (once).
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
    // An island's props travel in the page; the error goes as the field it names (`AppError`
    // would bring its serde code into the browser's bundle), the texts in the page's language
    // (the bundle carries no translations).
    let error_field = error.and_then(|e| match e.get_untracked() {
        Some(AppError::Field { field, .. }) => Some(field),
        _ => None,
    });
    let texts = PasswordTexts {
        hint: Msg::PasswordHint.render(lang()),
        length_so_far: Msg::PasswordLengthSoFar.render(lang()),
        weak: t(Msg::PasswordStrengthWeak).to_owned(),
        fair: t(Msg::PasswordStrengthFair).to_owned(),
        strong: t(Msg::PasswordLongEnough).to_owned(),
        differ: t(Msg::PasswordsDiffer).to_owned(),
    };
    view! {
        {username.map(|email| view! { <SavedUsername email /> })}
        <PasswordFieldsIsland
            names=(name.to_owned(), repeat_name.to_owned())
            labels=(label.to_owned(), repeat_label.to_owned())
            autofocus
            error_field
            error_id=error_id.map(str::to_owned)
            texts
        />
    }
}

/// `NewPasswordFields`' texts, in the page's language.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PasswordTexts {
    hint: String,
    length_so_far: String,
    weak: String,
    fair: String,
    strong: String,
    differ: String,
}

/// The part of `NewPasswordFields` that lives in the browser.
#[island]
fn PasswordFieldsIsland(
    names: (String, String),
    labels: (String, String),
    autofocus: bool,
    error_field: Option<String>,
    error_id: Option<String>,
    texts: PasswordTexts,
) -> impl IntoView {
    let (name, repeat_name) = names;
    let (label, repeat_label) = labels;
    // `Field` marks the input an error names; the problem itself is shown by the form's alert.
    let error = Signal::stored(error_field.map(|field| AppError::field(&field, Msg::PasswordHint)));
    let typed = RwSignal::new(String::new());
    let repeated = RwSignal::new(String::new());
    let PasswordTexts {
        hint,
        length_so_far,
        weak,
        fair,
        strong,
        differ,
    } = texts;
    let feedback = move || {
        typed.with(|p| match p.chars().count() {
            0 => None,
            n if n < MIN_CHARS => Some(fill(&length_so_far, "count", &n.to_string())),
            _ => Some(
                match strength(p) {
                    Strength::Weak => &weak,
                    Strength::Fair => &fair,
                    Strength::Strong => &strong,
                }
                .clone(),
            ),
        })
    };
    let mismatch = move || {
        let differs = repeated.with(|r| !r.is_empty() && typed.with(|p| p != r));
        differs.then(|| differ.clone())
    };
    view! {
        <p class="muted" id="password-hint">{hint}</p>
        <Field id=name.clone() name label input_type="password" autocomplete="new-password" autofocus maxlength=MAX_BYTES as u32 describedby="password-hint password-feedback" typed error error_id=error_id.clone().unwrap_or_default() error_key="password" />
        <p class="feedback" id="password-feedback" aria-live="polite">{feedback}</p>
        <Field id=repeat_name.clone() name=repeat_name label=repeat_label input_type="password" autocomplete="new-password" maxlength=MAX_BYTES as u32 describedby="repeat-feedback" typed=repeated error error_id=error_id.unwrap_or_default() />
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
