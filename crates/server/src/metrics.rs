//! `GET /metrics`: the instance's metrics in the Prometheus text format. Answered to a peer on
//! this machine that came directly — not a trusted proxy (`PFORTE_TRUSTED_PROXIES`), no proxy's
//! forwarding header — or to anyone presenting `Authorization: Bearer <PFORTE_METRICS_TOKEN>`;
//! to everyone else it does not exist (404). The counters say how busy Pforte is, never who has
//! an account (see `pforte_auth::metrics`), but their rise after a request is still a hint, so
//! they are for operators only.

use crate::state::ServerState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use subtle::ConstantTimeEq;

/// Headers a reverse proxy adds: with one of them a loopback peer is a proxy passing on
/// somebody else's request.
const FORWARDING_HEADERS: [&str; 3] = ["forwarded", "x-forwarded-for", "x-real-ip"];

fn may_read(state: &ServerState, peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    let direct_local = peer.is_some_and(|p| {
        let ip = p.ip().to_canonical();
        ip.is_loopback() && !state.0.web.trusted_proxies.trusts(ip)
    }) && FORWARDING_HEADERS.iter().all(|h| !headers.contains_key(*h));
    if direct_local {
        return true;
    }
    let Some(expected) = state.0.web.metrics_token.as_ref().map(|t| t.0.as_str()) else {
        return false;
    };
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| bool::from(given.as_bytes().ct_eq(expected.as_bytes())))
}

pub async fn metrics(State(state): State<ServerState>, req: Request) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr);
    if !may_read(&state, peer, req.headers()) {
        return crate::middleware::plain_answer(
            StatusCode::NOT_FOUND,
            pforte_shared::Msg::NotFoundBody,
        );
    }
    match state.0.auth.metrics_text().await {
        Ok(text) => {
            let mut res = (StatusCode::OK, text).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            crate::no_store(res)
        }
        Err(error) => {
            tracing::error!(%error, "reading the metrics failed");
            crate::middleware::plain_answer(
                StatusCode::SERVICE_UNAVAILABLE,
                pforte_shared::Msg::SomethingWentWrong,
            )
        }
    }
}
