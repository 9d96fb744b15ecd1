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
/// `aria-invalid`, adds the alert to its description, and takes the focus: `autofocus` in the
/// page the server sends back (a plain form post), and focused again by an island that shows
/// the field.
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
    let key: Text = error_key.map_or_else(|| name.clone(), Oco::Borrowed);
    let invalid = move || {
        error
            .and_then(|e| e.get())
            .is_some_and(|e| matches!(e, AppError::Field { field, .. } if *field == *key))
    };
    let described = {
        let invalid = invalid.clone();
        move || {
            let ids: Vec<&str> = describedby
                .into_iter()
                .chain(error_id.as_deref().filter(|id| !id.is_empty() && invalid()))
                .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    // The field an error is about takes the focus; without an error, the one marked `autofocus`.
    let focus = invalid() || (autofocus && error.is_none_or(|e| e.get_untracked().is_none()));
    // `autofocus` only works on page load; an island that shows the field later focuses it once
    // it is mounted (next frame: the element is in the document by then).
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move || {
        if let (true, Some(el)) = (focus, input.get()) {
            request_animation_frame(move || {
                let _ = el.focus();
            });
        }
    });
    let aria_invalid = {
        let invalid = invalid.clone();
        move || invalid().then_some("true")
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                node_ref=input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                autofocus=focus
                maxlength=maxlength
                required=required
                aria-describedby=described
                aria-invalid=aria_invalid
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
