//! The axum router: Leptos pages and server functions, `/healthz`, static files, and the
//! middleware stack that every request passes.

use crate::middleware;
use crate::state::ServerState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use pforte_app::state::AppState;
use pforte_app::{App, shell};
use std::net::SocketAddr;
use std::sync::OnceLock;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

/// Only the site's own files are compressed (WASM, JavaScript, CSS: most of a first visit's
/// bytes, and no secret in them). Pages and server-function answers stay as they are: they can
/// hold secrets next to text a request chose, which compression would let an observer guess from
/// the sizes (BREACH).
fn static_asset(
    _: StatusCode,
    _: axum::http::Version,
    headers: &axum::http::HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    [
        "application/wasm",
        "text/javascript",
        "application/javascript",
        "text/css",
    ]
    .iter()
    .any(|kind| content_type.starts_with(kind))
}

/// Request bodies larger than this are refused with 413 before any handler runs.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Where the site files (`pkg/pforte.*`, the favicon) are: `LEPTOS_SITE_ROOT` when set; else
/// `site/` next to the binary (a release from `cargo xtask dist`, runnable from anywhere); else
/// `target/site` under the working directory (as cargo-leptos writes it in the repository).
pub fn site_root() -> String {
    if let Ok(root) = std::env::var("LEPTOS_SITE_ROOT") {
        return root;
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("site")))
        .filter(|site| site.join("pkg").is_dir())
        .and_then(|site| site.to_str().map(str::to_owned))
        .unwrap_or_else(|| "target/site".to_owned())
}

/// Leptos options: Pforte's fixed layout (`pkg/pforte.*` under [`site_root`]);
/// `LEPTOS_RELOAD_PORT` serves `cargo leptos watch`.
pub fn leptos_options(site_addr: SocketAddr) -> LeptosOptions {
    let mut options = LeptosOptions::builder()
        .output_name("pforte")
        .site_root(site_root())
        .site_pkg_dir("pkg")
        .site_addr(site_addr)
        .build();
    if let Some(port) = std::env::var("LEPTOS_RELOAD_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
    {
        options.reload_port = port;
    }
    options
}

/// Alive: the database answers.
async fn healthz(State(state): State<ServerState>) -> (StatusCode, &'static str) {
    if state.0.auth.store.ping().await {
        (StatusCode::OK, "ok\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
    }
}

/// Ready to serve: the database answers and holds every migration this binary knows (not while
/// another instance is still migrating it).
async fn readyz(State(state): State<ServerState>) -> (StatusCode, &'static str) {
    let store = &state.0.auth.store;
    if !store.ping().await {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
    } else if !store.migrated().await {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "database not migrated yet\n",
        )
    } else {
        (StatusCode::OK, "ready\n")
    }
}

/// The app's routes, found once per process. Finding them renders the app with every
/// `Resource` held back — a process-wide switch in Leptos — so doing it while another router in
/// this process serves pages would leave those pages' resources waiting forever.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn build(state: AppState) -> Router {
    let routes = route_list();
    let state = std::sync::Arc::new(state);
    let server_state = ServerState(state.clone());
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let options = state.leptos_options.clone();
    Router::new()
        .route("/v/{version}/pkg/{*file}", get(crate::assets::versioned))
        .route("/pkg/{*file}", get(crate::assets::unversioned))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(crate::metrics::metrics))
        .route("/auth/google", post(crate::google::start))
        .route("/auth/google/callback", get(crate::google::callback))
        .route("/language", post(crate::language::choose))
        .route("/auth/verify", get(crate::forward::verify))
        .route("/auth/continue", get(crate::forward::continue_to))
        .route(
            "/.well-known/openid-configuration",
            get(crate::oidc::discovery),
        )
        .route(crate::oidc::JWKS_PATH, get(crate::oidc::jwks))
        .route(crate::oidc::AUTHORIZE_PATH, get(crate::oidc::authorize))
        .route(crate::oidc::TOKEN_PATH, post(crate::oidc::token))
        .route(
            crate::oidc::USERINFO_PATH,
            get(crate::oidc::userinfo).post(crate::oidc::userinfo),
        )
        .route(crate::oidc::LOGOUT_PATH, get(crate::oidc::logout))
        .leptos_routes_with_context(&server_state, routes, context.clone(), move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            ServerState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn_with_state(
            server_state.clone(),
            middleware::token_page_referer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            server_state.clone(),
            middleware::protect_pages,
        ))
        .layer(axum::middleware::from_fn_with_state(
            server_state.clone(),
            middleware::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn(middleware::server_fn_status))
        .layer(axum::middleware::from_fn_with_state(
            server_state.clone(),
            middleware::browser_zone,
        ))
        .layer(axum::middleware::from_fn_with_state(
            server_state.clone(),
            middleware::time_limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            server_state.clone(),
            middleware::security_headers,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(axum::middleware::from_fn_with_state(
            server_state.clone(),
            middleware::localize,
        ))
        .layer(CompressionLayer::new().compress_when(static_asset))
        .layer(axum::middleware::from_fn_with_state(
            server_state.clone(),
            middleware::trace,
        ))
        .with_state(server_state)
}
