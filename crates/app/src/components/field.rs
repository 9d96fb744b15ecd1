use leptos::prelude::*;
use pforte_shared::AppError;

/// A labelled input. The label names the field for screen readers and for tests.
///
/// Given the form's `error` and the id of the alert that shows it (`error_id`), an error about
/// this field (`AppError::Field` naming `error_key`, by default `name`) marks the input
/// `aria-invalid`, adds the alert to its description, and moves the focus to it.
#[component]
pub fn Field(
    /// Element id, also used to tie the label to the input.
    id: &'static str,
    /// Form field name: the server function's argument.
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(default = false)] autofocus: bool,
    #[prop(default = 256)] maxlength: u32,
    #[prop(default = true)] required: bool,
    /// Ids of elements that describe the field (hints, live feedback).
    #[prop(optional)]
    describedby: Option<&'static str>,
    /// Receives what the user types, for live feedback once hydrated.
    #[prop(optional)]
    typed: Option<RwSignal<String>>,
    /// The error of the form's last submission.
    #[prop(optional, into)]
    error: Option<Signal<Option<AppError>>>,
    /// The id of the element that shows `error` (an `ErrorAlert`).
    #[prop(optional)]
    error_id: Option<&'static str>,
    /// The field the server names in its errors, when it is not `name`.
    #[prop(optional)]
    error_key: Option<&'static str>,
) -> impl IntoView {
    let key = error_key.unwrap_or(name);
    let invalid = move || {
        error
            .and_then(|e| e.get())
            .is_some_and(|e| matches!(e, AppError::Field { field, .. } if field == key))
    };
    let described = move || {
        let ids: Vec<&str> = describedby
            .into_iter()
            .chain(error_id.filter(|id| !id.is_empty() && invalid()))
            .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    // `autofocus` only works on page load; after a step changes the page in the browser, focus
    // the field once it is mounted.
    let input = NodeRef::<leptos::html::Input>::new();
    // An error about this field takes the focus there.
    Effect::new(move || {
        if let (true, Some(el)) = (invalid(), input.get()) {
            let _ = el.focus();
        }
    });
    Effect::new(move || {
        if let (true, Some(el)) = (autofocus, input.get()) {
            // Next frame: the element is in the document by then.
            request_animation_frame(move || {
                let _ = el.focus();
            });
        }
    });
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                node_ref=input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                autofocus=autofocus
                maxlength=maxlength
                required=required
                aria-describedby=described
                aria-invalid=move || invalid().then_some("true")
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
