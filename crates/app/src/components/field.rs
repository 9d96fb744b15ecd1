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
    // `autofocus` only works on page load; after a step changes the page in the browser, focus
    // the field once it is mounted.
    let input = NodeRef::<leptos::html::Input>::new();
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
