use leptos::oco::Oco;
use leptos::prelude::*;
use pforte_shared::AppError;

/// A text the page or an island hands to a field: a `&'static str` (a translation) or a `String`
/// (an island's prop).
type Text = Oco<'static, str>;

/// A labelled input. The label names the field for screen readers and for tests.
///
/// Given the form's `error` and the id of the alert that shows it (`error_id`), an error about
/// this field (`AppError::Field` naming `error_key`, by default `name`) marks the input
/// `aria-invalid`, adds the alert to its description, and takes the focus (`autofocus` in the
/// page the form post comes back to). An error about no field in particular (a wrong code) leaves
/// the focus on the field marked `autofocus`, described by the alert too.
#[component]
pub fn Field(
    /// Element id, also used to tie the label to the input.
    #[prop(into)]
    id: Text,
    /// Form field name: the server function's argument.
    #[prop(into)]
    name: Text,
    #[prop(into)] label: Text,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(default = false)] autofocus: bool,
    #[prop(default = 256)] maxlength: u32,
    #[prop(default = true)] required: bool,
    /// Ids of elements that describe the field (hints, live feedback).
    #[prop(optional)]
    describedby: Option<&'static str>,
    /// Receives what the user types, for live feedback in an island.
    #[prop(optional)]
    typed: Option<RwSignal<String>>,
    /// The error of the form's last submission.
    #[prop(optional, into)]
    error: Option<Signal<Option<AppError>>>,
    /// The id of the element that shows `error` (an `ErrorAlert`).
    #[prop(optional, into)]
    error_id: Option<Text>,
    /// The field the server names in its errors, when it is not `name`.
    #[prop(optional)]
    error_key: Option<&'static str>,
) -> impl IntoView {
    // The page is rendered once, with the error its form post came back with: read it once.
    let key: Text = error_key.map_or_else(|| name.clone(), Oco::Borrowed);
    let shown = error.and_then(|e| e.get_untracked());
    let invalid = matches!(&shown, Some(AppError::Field { field, .. }) if *field == *key);
    // The field an error is about takes the focus; else the one marked `autofocus`, unless the
    // error is about another field.
    let about_a_field = matches!(shown, Some(AppError::Field { .. }));
    let focus = invalid || (autofocus && !about_a_field);
    let told = invalid || (focus && shown.is_some());
    let ids: Vec<&str> = describedby
        .into_iter()
        .chain(error_id.as_deref().filter(|id| !id.is_empty() && told))
        .collect();
    let described = (!ids.is_empty()).then(|| ids.join(" "));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                autofocus=focus
                maxlength=maxlength
                required=required
                aria-describedby=described
                aria-invalid=invalid.then_some("true")
                on:input=move |ev| {
                    if let Some(typed) = typed {
                        typed.set(event_target_value(&ev));
                    }
                }
                spellcheck="false"
                autocapitalize="none"
            />
        </div>
    }
}
