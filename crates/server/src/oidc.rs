//! Pforte as an OpenID provider, over HTTP: discovery, the JWKS, the authorization endpoint (which
//! sends a browser that is not signed in through Pforte's own sign-in and back), the token and
//! userinfo endpoints, and RP-initiated logout. The rules live in `pforte_auth::oidc`.

use crate::middleware::{plain_answer, plain_answer_with};
use crate::no_store;
use crate::state::ServerState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use pforte_app::state::{AppState, request_meta_of};
use pforte_auth::AuthError;
use pforte_auth::oidc::{
    AuthorizeParams, AuthorizeRefusal, CLAIM_CUSTOMER_NUMBER, CLAIM_ROLE, SCOPES, TokenError,
    TokenRequest,
};
use pforte_auth::session::SignedIn;
use pforte_shared::Msg;
use pforte_shared::next::with_next;
use serde::Deserialize;
use serde_json::json;

pub const AUTHORIZE_PATH: &str = "/oauth/authorize";
pub const TOKEN_PATH: &str = "/oauth/token";
pub const USERINFO_PATH: &str = "/oauth/userinfo";
pub const JWKS_PATH: &str = "/oauth/jwks";
pub const LOGOUT_PATH: &str = "/oauth/logout";

fn fault(error: &AuthError) -> Response {
    tracing::error!(%error, "OpenID request failed");
    plain_answer(StatusCode::INTERNAL_SERVER_ERROR, Msg::SomethingWentWrong)
}

/// `GET /.well-known/openid-configuration`.
pub async fn discovery(State(state): State<ServerState>) -> Response {
    let issuer = &state.0.web.public_url;
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}{AUTHORIZE_PATH}"),
        "token_endpoint": format!("{issuer}{TOKEN_PATH}"),
        "userinfo_endpoint": format!("{issuer}{USERINFO_PATH}"),
        "jwks_uri": format!("{issuer}{JWKS_PATH}"),
        "end_session_endpoint": format!("{issuer}{LOGOUT_PATH}"),
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["EdDSA"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "email", "email_verified",
            "name", "locale", "zoneinfo", CLAIM_CUSTOMER_NUMBER, CLAIM_ROLE
        ],
        "authorization_response_iss_parameter_supported": true,
    }))
    .into_response()
}

/// `GET /oauth/jwks`.
pub async fn jwks(State(state): State<ServerState>) -> Response {
    match state.0.auth.published_keys().await {
        Ok(keys) => Json(json!({ "keys": keys })).into_response(),
        Err(error) => fault(&error),
    }
}

/// "You have no access to {app}": a user of another company account.
fn no_access(app: &str) -> Response {
    no_store(plain_answer_with(
        StatusCode::FORBIDDEN,
        Msg::NoAccessToApp,
        &[("app", app)],
    ))
}

/// `GET /oauth/authorize`.
pub async fn authorize(
    State(state): State<ServerState>,
    parts: Parts,
    query: Result<Query<AuthorizeParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let app = &state.0;
    let Ok(Query(params)) = query else {
        return plain_answer(StatusCode::BAD_REQUEST, Msg::BadRequest);
    };
    let issuer = &app.web.public_url;
    let signed_in = match state.signed_in(&parts.headers).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let authorization = match app.auth.check_authorization(&params).await {
        Ok(authorization) => authorization,
        Err(AuthorizeRefusal::UnknownClient | AuthorizeRefusal::BadRedirectUri) => {
            return plain_answer(StatusCode::BAD_REQUEST, Msg::UnknownApp);
        }
        // Errors go back to the application only for its own signed-in users: nobody else can
        // use Pforte to be sent to an address an admin registered (`login_required` aside).
        Err(AuthorizeRefusal::ToClient(error)) => {
            let own_user = signed_in
                .as_ref()
                .is_some_and(|found| Some(found.user.account_id) == error.account_id);
            return if own_user {
                crate::redirect(&error.location(issuer), &[])
            } else {
                plain_answer(StatusCode::BAD_REQUEST, Msg::AppRequestInvalid)
            };
        }
        Err(AuthorizeRefusal::Fault(error)) => return fault(&error),
    };
    let Some(SignedIn { user, session, .. }) = signed_in else {
        if authorization.prompt_none {
            return crate::redirect(&authorization.login_required().location(issuer), &[]);
        }
        return through_sign_in(&parts);
    };
    if user.account_id != authorization.client.account_id {
        return no_access(&authorization.client.name);
    }
    if authorization.wants_fresh_sign_in(&session, app.auth.now()) {
        if authorization.prompt_none {
            return crate::redirect(&authorization.login_required().location(issuer), &[]);
        }
        return through_sign_in(&parts);
    }
    match app
        .auth
        .issue_code(&user, &session, &authorization, &request_meta_of(&parts))
        .await
    {
        Ok(location) => crate::redirect(&location, &[]),
        Err(AuthError::Forbidden) => no_access(&authorization.client.name),
        Err(error) => fault(&error),
    }
}

/// The longest authorization request carried through the sign-in: `next` encodes it once more,
/// and `/continue` carries it as hex, so the addresses stay well within what proxies accept.
const MAX_CARRIED_LEN: usize = 2048;

/// Through Pforte's own sign-in (email code, trust, two-factor), then back to this authorization
/// request — without `prompt=login` and `max_age`, which the fresh sign-in has answered (the ID
/// token's `auth_time` says when it was). A request too long to carry is refused rather than lost
/// on the way.
fn through_sign_in(parts: &Parts) -> Response {
    let query = parts.uri.query().unwrap_or_default();
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key != "max_age")
        .filter_map(|(key, value)| {
            if key != "prompt" {
                return Some((key.into_owned(), value.into_owned()));
            }
            let rest: Vec<&str> = value
                .split(' ')
                .filter(|p| *p != "login" && !p.is_empty())
                .collect();
            (!rest.is_empty()).then(|| (key.into_owned(), rest.join(" ")))
        })
        .collect();
    let again = format!(
        "{AUTHORIZE_PATH}?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&pairs)
            .finish()
    );
    if again.len() > MAX_CARRIED_LEN {
        return plain_answer(StatusCode::BAD_REQUEST, Msg::AppRequestInvalid);
    }
    crate::redirect(&with_next("/login", Some(&again)), &[])
}

/// The token endpoint's form (client credentials may also come by HTTP Basic).
#[derive(Deserialize, Default)]
pub struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code_verifier: Option<String>,
}

/// An OAuth error answer: `{"error": …, "error_description": …}`.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut res = no_store(
        (
            status,
            Json(json!({ "error": error, "error_description": description })),
        )
            .into_response(),
    );
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"pforte\""),
        );
    }
    res
}

/// `Authorization: Basic base64(client_id:client_secret)`, each part form-urlencoded (RFC 6749
/// section 2.3.1).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let decode = |s: &str| -> String {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((decode(id), decode(secret)))
}

/// `POST /oauth/token`.
pub async fn token(
    State(state): State<ServerState>,
    parts: Parts,
    form: Result<axum::Form<TokenForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(axum::Form(form)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "expected a form",
        );
    };
    let basic = basic_credentials(&parts.headers);
    if basic.is_some() && form.client_secret.is_some() {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client credentials given twice",
        );
    }
    let (client_id, client_secret) = match basic {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (form.client_id.clone(), form.client_secret.clone()),
    };
    if form.client_id.is_some() && client_id != form.client_id {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id does not match",
        );
    }
    let request = TokenRequest {
        grant_type: form.grant_type,
        code: form.code,
        redirect_uri: form.redirect_uri,
        client_id,
        client_secret,
        code_verifier: form.code_verifier,
    };
    match state
        .0
        .auth
        .exchange_code(&request, &request_meta_of(&parts))
        .await
    {
        Ok(tokens) => no_store(Json(tokens).into_response()),
        Err(TokenError::InvalidClient) => oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong secret",
        ),
        Err(TokenError::InvalidGrant(why)) => {
            oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", why)
        }
        Err(TokenError::UnsupportedGrantType) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only authorization_code is supported",
        ),
        Err(TokenError::Fault(error)) => {
            tracing::error!(%error, "token request failed");
            oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "please try again",
            )
        }
    }
}

/// `GET` or `POST /oauth/userinfo` with `Authorization: Bearer <access token>`.
pub async fn userinfo(State(state): State<ServerState>, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let refused = || {
        let mut res = no_store(StatusCode::UNAUTHORIZED.into_response());
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        res
    };
    let Some(token) = bearer else {
        return refused();
    };
    match state.0.auth.userinfo(&token).await {
        Ok(Some(claims)) => no_store(Json(claims).into_response()),
        Ok(None) => refused(),
        Err(error) => fault(&error),
    }
}

#[derive(Deserialize, Default)]
pub struct LogoutParams {
    id_token_hint: Option<String>,
    client_id: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
}

/// `GET /oauth/logout` (RP-initiated logout). Only with an `id_token_hint` that Pforte signed for
/// the signed-in user (or with no one signed in) does it end the browser's session and go back to
/// `post_logout_redirect_uri` — when that is registered for the hint's client (and `client_id`, if
/// given, names the same client). Anything else changes nothing and shows `/`, where the user
/// can log out themselves: another site cannot sign a user out, nor use this as a redirect.
pub async fn logout(
    State(state): State<ServerState>,
    parts: Parts,
    query: Result<Query<LogoutParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let app: &AppState = &state.0;
    let params = query.map(|Query(q)| q).unwrap_or_default();
    let hint = match params.id_token_hint.as_deref() {
        Some(token) => match app.auth.verify_id_token_hint(token).await {
            Ok(hint) => hint,
            Err(error) => return fault(&error),
        },
        None => None,
    };
    let Some(hint) = hint.filter(|h| {
        params
            .client_id
            .as_deref()
            .is_none_or(|id| id == h.client_id)
    }) else {
        return crate::redirect("/", &[]);
    };
    let token = app.web.session_token(&parts.headers);
    if let Some(token) = token {
        match app.auth.signed_in(token).await {
            Ok(Some(found)) if found.user.subject != hint.subject => {
                return crate::redirect("/", &[]);
            }
            Ok(_) => {}
            Err(error) => return fault(&error),
        }
        if let Err(error) = app.auth.log_out(token, &request_meta_of(&parts)).await {
            return fault(&error);
        }
    }
    let clear = [app.web.clear_session_cookie()];
    let registered = match (
        &params.post_logout_redirect_uri,
        app.auth.client(&hint.client_id).await,
    ) {
        (_, Err(error)) => return fault(&error),
        (Some(uri), Ok(Some(client))) if client.redirect_uris.contains(uri) => Some(uri.clone()),
        _ => None,
    };
    match registered {
        Some(uri) => {
            let location = match params.state.as_deref().filter(|s| s.len() <= 512) {
                Some(state) => pforte_auth::oidc::with_query(&uri, &[("state", state)]),
                None => uri,
            };
            crate::redirect(&location, &clear)
        }
        None => crate::redirect("/login", &clear),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_decoded() {
        let mut headers = HeaderMap::new();
        let encoded = base64::engine::general_purpose::STANDARD.encode("my%20app:s3cr%3At");
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {encoded}")).expect("header"),
        );
        assert_eq!(
            basic_credentials(&headers),
            Some(("my app".into(), "s3cr:t".into()))
        );
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert_eq!(basic_credentials(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(basic_credentials(&headers), None);
    }
}
