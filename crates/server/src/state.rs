//! The router's state: the app's state, plus what axum and leptos_axum need from it. Shared by
//! the router and the middleware.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use pforte_app::state::AppState;

#[derive(Clone)]
pub struct ServerState(pub AppState);

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.0.leptos_options.clone()
    }
}
