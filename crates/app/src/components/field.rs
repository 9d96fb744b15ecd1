use leptos::prelude::*;

/// A labelled input. The label names the field for screen readers and for tests.
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
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                autofocus=autofocus
                maxlength=maxlength
                required=required
                aria-describedby=describedby
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
