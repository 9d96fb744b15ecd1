use crate::i18n::t;
use leptos::prelude::*;
use pforte_shared::Msg;
use pforte_shared::i18n::fill;

/// "You can request a new code in N seconds": the resend cooldown, ticking in the browser.
/// Screen readers are told twice, not every second: when the countdown starts and when a new
/// code can be requested. Renders nothing visible when the cooldown is over.
/// An island: the page that shows it renders `IslandScripts` too (once).
#[component]
pub fn ResendCountdown(seconds: i64) -> impl IntoView {
    // The texts go to the island in the page's language: the browser's bundle carries none.
    let texts = (
        t(Msg::ResendIn).to_owned(),
        t(Msg::ResendAnnounce).to_owned(),
        t(Msg::ResendNow).to_owned(),
    );
    view! {
        <CountdownIsland seconds texts />
    }
}

/// `ResendCountdown` in the browser; `texts`: "in {seconds}", the announcement, "now".
#[island]
fn CountdownIsland(seconds: i64, texts: (String, String, String)) -> impl IntoView {
    let (text_in, text_announce, text_now) = texts;
    let remaining = RwSignal::new(seconds);
    let announced = RwSignal::new(String::new());
    Effect::new(move || {
        if seconds > 0 {
            announced.set(fill(&text_announce, "seconds", &seconds.to_string()));
        }
        if let Ok(handle) = set_interval_with_handle(
            move || remaining.update(|r| *r = (*r - 1).max(0)),
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    Effect::new(move || {
        if seconds > 0 && remaining.get() == 0 {
            announced.set(text_now.clone());
        }
    });
    view! {
        <p class="muted">
            {move || {
                let r = remaining.get();
                (r > 0).then(|| fill(&text_in, "seconds", &r.to_string()))
            }}
        </p>
        <p class="visually-hidden" role="status">{move || announced.get()}</p>
    }
}
