use crate::flash::Flash;
use crate::i18n::lang;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use pforte_shared::AppError;

/// An error announced to assistive technology (`role="alert"`). Renders nothing without an error.
/// `id` lets the fields the error is about name it as their description (`Field`'s `error_id`).
#[component]
pub fn ErrorAlert(
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! {
                <p class="alert" role="alert" id=id>
                    {e.message(lang())}
                </p>
            }
        })
    }
}

/// The error a plain form post of `action` came back with (carried in the page's address), if any.
pub fn error_of<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// The error of whichever of a page's forms was posted: a post comes back with at most one.
pub fn any_error(errors: Vec<Signal<Option<AppError>>>) -> Signal<Option<AppError>> {
    Signal::derive(move || errors.iter().find_map(|e| e.get()))
}

/// What the form post that led to this page did, in a status region. When it says something it
/// takes the focus (the page is new), so that a screen reader reads it. `secret` lines (a client
/// secret) are set in a monospace font that wraps anywhere.
#[component]
pub fn OutcomeStatus(
    #[prop(optional)] lines: Vec<String>,
    #[prop(optional)] secret: bool,
) -> impl IntoView {
    let shown = !lines.is_empty();
    view! {
        <div class="status" role="status" tabindex=shown.then_some("-1") autofocus=shown>
            {lines.into_iter().map(|line| view! { <p class:secret-line=secret>{line}</p> }).collect_view()}
        </div>
    }
}

/// A form's outcome handed on in the flash cookie (see `flash`), in an [`OutcomeStatus`].
#[component]
pub fn FlashStatus(flash: Option<Flash>) -> impl IntoView {
    let secret = matches!(flash, Some(Flash::AppSecret(_)));
    let lines = flash.map(|f| f.lines()).unwrap_or_default();
    view! { <OutcomeStatus lines secret /> }
}
