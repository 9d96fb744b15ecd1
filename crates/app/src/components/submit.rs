//! A form's submit button that cannot send a form twice.

use leptos::prelude::*;

/// A form's submit button. Once the form is sent, the page's script (`page.js`) marks it
/// `aria-disabled` and ignores a second press (or Enter in a field) until the answer arrives. It
/// stays focusable (`aria-disabled`, not `disabled`), so keyboard focus is not lost meanwhile.
/// Other attributes pass on with `attr:`.
#[component]
pub fn Submit(
    #[prop(default = "primary")] class: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <button type="submit" class=class aria-disabled="false">
            {children()}
        </button>
    }
}
