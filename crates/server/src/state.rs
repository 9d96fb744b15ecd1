//! The router's state: the app's state, plus what axum and leptos_axum need from it. Shared by
//! the router and the middleware.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use pforte_app::state::AppState;

/// Shared by every request and middleware: cloning it is one reference count.
#[derive(Clone)]
pub struct ServerState(pub std::sync::Arc<AppState>);

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.0.leptos_options.clone()
    }
}

impl ServerState {
    /// The signed-in user of a request's session cookie, with their account and the session (see
    /// `Auth::signed_in`); `Err` is the answer to give when the lookup failed.
    pub async fn signed_in(
        &self,
        headers: &axum::http::HeaderMap,
    ) -> Result<Option<pforte_auth::session::SignedIn>, axum::response::Response> {
        let Some(token) = self.0.web.session_token(headers) else {
            return Ok(None);
        };
        self.0.auth.signed_in(token).await.map_err(|error| {
            tracing::error!(%error, "session lookup failed");
            crate::middleware::plain_answer(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                pforte_shared::Msg::SomethingWentWrong,
            )
        })
    }
}
