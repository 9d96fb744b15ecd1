use crate::components::submit::Submit;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::server_fn::client::Client;
use leptos::server_fn::codec::PostUrl;
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::{Http, ServerFn};
use pforte_shared::Msg;
use serde::de::DeserializeOwned;

/// "Do you trust this browser and device?" with "Yes" and "No": two forms posting `trust=yes|no`
/// to `action`, each with one hidden field (`hidden_name` = `hidden_value`) that names the flow.
/// Used by the onboarding stepper and by `/login/trust`.
#[component]
pub fn TrustChoice<S, P>(
    action: ServerAction<S>,
    hidden_name: &'static str,
    hidden_value: String,
) -> impl IntoView
where
    S: DeserializeOwned + ServerFn<Protocol = Http<PostUrl, P>> + Clone + Send + Sync + 'static,
    <<S::Client as Client<S::Error>>::Request as ClientReq<S::Error>>::FormData:
        From<leptos::web_sys::FormData>,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
    S::Client: Client<S::Error>,
    P: 'static,
{
    let no_value = hidden_value.clone();
    view! {
        <p class="muted" id="trust-hint">{t(Msg::TrustHint)}</p>
        <div class="choices">
            <ActionForm action>
                <input type="hidden" name=hidden_name value=hidden_value />
                <input type="hidden" name="trust" value="yes" />
                <Submit attr:aria-describedby="trust-hint">{t(Msg::Yes)}</Submit>
            </ActionForm>
            <ActionForm action>
                <input type="hidden" name=hidden_name value=no_value />
                <input type="hidden" name="trust" value="no" />
                <Submit class="secondary">{t(Msg::No)}</Submit>
            </ActionForm>
        </div>
    }
}
