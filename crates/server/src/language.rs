//! `POST /language`: the language switch on every page. A plain form, so it works without
//! JavaScript: it remembers the choice in a cookie (and, for a signed-in user, on the user: their
//! mails follow it) and goes back to the page it was sent from.

use crate::middleware::plain_answer;
use crate::state::ServerState;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use pforte_app::state::request_meta_of;
use pforte_shared::next::safe_next;
use pforte_shared::{Lang, Msg};
use serde::Deserialize;

/// The switch's form: the language's code, and the page to go back to.
#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    next: Option<String>,
}

pub async fn choose(
    State(state): State<ServerState>,
    parts: Parts,
    form: Result<Form<LanguageForm>, FormRejection>,
) -> Response {
    let chosen = form.ok().and_then(|Form(form)| {
        let lang = Lang::from_code(&form.lang)?;
        Some((lang, form.next))
    });
    let Some((lang, next)) = chosen else {
        return plain_answer(StatusCode::BAD_REQUEST, Msg::BadRequest);
    };
    let app = &state.0;
    let user = match state.signed_in(&parts.headers).await {
        Ok(found) => found.map(|found| found.user),
        Err(answer) => return answer,
    };
    if let Some(user) = user
        && let Err(error) = app
            .auth
            .set_language(&user, lang, &request_meta_of(&parts))
            .await
    {
        tracing::error!(%error, "the chosen language could not be stored");
        return plain_answer(StatusCode::INTERNAL_SERVER_ERROR, Msg::SomethingWentWrong);
    }
    crate::redirect(&safe_next(next.as_deref()), &[app.web.lang_cookie(lang)])
}
