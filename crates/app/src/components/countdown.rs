use crate::i18n::t;
use leptos::prelude::*;
use pforte_shared::Msg;
use pforte_shared::i18n::fill;

/// "You can request a new code in N seconds": the resend cooldown, ticking once hydrated and
/// announced politely. Renders nothing when the cooldown is over.
#[component]
pub fn ResendCountdown(seconds: i64) -> impl IntoView {
    let remaining = RwSignal::new(seconds);
    Effect::new(move || {
        if let Ok(handle) = set_interval_with_handle(
            move || remaining.update(|r| *r = (*r - 1).max(0)),
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <p class="muted" aria-live="polite">
            {move || {
                let r = remaining.get();
                (r > 0).then(|| fill(t(Msg::ResendIn), "seconds", &r.to_string()))
            }}
        </p>
    }
}
