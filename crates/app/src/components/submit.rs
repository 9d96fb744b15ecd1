//! A form's submit button that cannot send a form twice.

use leptos::prelude::*;

/// While `pending` (the form's action is under way) the button looks disabled and a second press
/// (or Enter in a field) is ignored. It stays focusable (`aria-disabled`, not `disabled`), so
/// keyboard focus is not lost while the form is sent. Other attributes pass on with `attr:`.
#[component]
pub fn Submit(
    #[prop(into)] pending: Signal<bool>,
    #[prop(default = "primary")] class: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class=class
            aria-disabled=move || pending.get().to_string()
            on:click=move |ev| {
                if pending.get_untracked() {
                    ev.prevent_default();
                }
            }
        >
            {children()}
        </button>
    }
}
