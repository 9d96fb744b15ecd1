use crate::i18n::lang;
use leptos::prelude::*;
use pforte_shared::AppError;

/// An error announced to assistive technology (`role="alert"`). Renders nothing without an error.
#[component]
pub fn ErrorAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! {
                <p class="alert" role="alert">
                    {e.message(lang())}
                </p>
            }
        })
    }
}
