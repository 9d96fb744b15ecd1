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

/// What an action's last run ended with: `None` before it ran, then its error or `Some(None)`.
pub fn outcome<S>(action: ServerAction<S>) -> Signal<Option<Option<AppError>>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().map(|r| r.err()))
}

/// What an action's last run said, for a page's status line: `None` before it ran, then
/// `Some(text)` with `said(output)` after a success and `Some(None)` after an error.
pub fn said<S>(
    action: ServerAction<S>,
    said: impl Fn(S::Output) -> Option<String> + Send + Sync + 'static,
) -> Signal<Option<Option<String>>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().map(|r| r.ok().and_then(&said)))
}

/// The error of whichever of a page's actions finished last, so that an old error does not hide
/// a newer one. On the server (and for plain form posts, where at most one action carries an
/// error in the URL) the first error in `outcomes` is shown.
pub fn latest_error(outcomes: Vec<Signal<Option<Option<AppError>>>>) -> Signal<Option<AppError>> {
    latest(outcomes)
}

/// Of several actions' outcomes (`None` before an action ran, then `Some(value or None)`), the
/// value of whichever finished last. On the server the first value in `outcomes`.
pub fn latest<T>(outcomes: Vec<Signal<Option<Option<T>>>>) -> Signal<Option<T>>
where
    T: Clone + Send + Sync + 'static,
{
    // Set in the browser only (effects do not run on the server): the outcome that changed last.
    let latest = RwSignal::new(None::<Option<T>>);
    for &outcome in &outcomes {
        Effect::new(move || {
            if let Some(result) = outcome.get() {
                latest.set(Some(result));
            }
        });
    }
    Signal::derive(move || match latest.get() {
        Some(result) => result,
        None => outcomes.iter().find_map(|o| o.get().flatten()),
    })
}
