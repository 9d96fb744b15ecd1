//! The small, stable, serialisable error every server function returns.
//!
//! Internal causes never reach this type: the server logs them and answers [`AppError::Internal`].

use crate::i18n::{Lang, Msg, fill};
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Wrong identifier, wrong password, disabled or throttled user: one answer for all.
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("not signed in")]
    NotSignedIn,
    #[error("forbidden")]
    Forbidden,
    #[error("rate limited")]
    RateLimited { retry_after: u64 },
    /// "Send new code" during the resend cooldown: when a new code can be sent.
    #[error("resend cooldown")]
    ResendCooldown { retry_after: u64 },
    /// Too many sign-ins at once for the password workers: nothing was done; try again after
    /// this many seconds.
    #[error("busy")]
    Busy { retry_after: u64 },
    #[error("invalid field {field}")]
    Field { field: String, problem: Msg },
    /// No sign-in is in progress in this browser (never started, ended, or expired).
    #[error("sign-in ended")]
    SignInEnded,
    #[error("code invalid")]
    CodeInvalid,
    #[error("code expired")]
    CodeExpired,
    /// Five wrong codes: the attempt is over.
    #[error("code attempts exhausted")]
    CodeAttemptsExhausted,
    /// Too many wrong codes in a row for the user: no new code for this many minutes.
    #[error("codes paused")]
    CodeLocked { minutes: u64 },
    /// A step of a multi-step flow was called before its turn.
    #[error("step out of order")]
    StepOutOfOrder,
    /// An invitation or reset link that is unknown, used, replaced or expired.
    #[error("link invalid")]
    LinkInvalid,
    /// The request itself could not be understood (bad encoding, missing argument).
    #[error("bad request")]
    BadRequest,
    #[error("internal error")]
    Internal,
}

impl AppError {
    pub fn field(field: &str, problem: Msg) -> Self {
        AppError::Field {
            field: field.to_owned(),
            problem,
        }
    }

    /// The text shown to the user.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::InvalidCredentials => Msg::InvalidCredentials.text(lang).to_owned(),
            AppError::NotSignedIn => Msg::NotSignedIn.text(lang).to_owned(),
            AppError::Forbidden => Msg::Forbidden.text(lang).to_owned(),
            // Long waits (a daily cap) in minutes or hours, rounded up.
            AppError::RateLimited { retry_after } => match *retry_after {
                s if s >= 2 * 3600 => fill(
                    Msg::RateLimitedHours.text(lang),
                    "hours",
                    &s.div_ceil(3600).to_string(),
                ),
                s if s >= 120 => fill(
                    Msg::RateLimitedMinutes.text(lang),
                    "minutes",
                    &s.div_ceil(60).to_string(),
                ),
                s => fill(Msg::RateLimited.text(lang), "seconds", &s.to_string()),
            },
            AppError::ResendCooldown { retry_after } => fill(
                Msg::ResendIn.text(lang),
                "seconds",
                &retry_after.to_string(),
            ),
            AppError::Busy { retry_after } => {
                fill(Msg::Busy.text(lang), "seconds", &retry_after.to_string())
            }
            AppError::Field { problem, .. } => problem.render(lang),
            AppError::LinkInvalid => Msg::LinkInvalid.text(lang).to_owned(),
            AppError::StepOutOfOrder => Msg::StepOutOfOrder.text(lang).to_owned(),
            AppError::SignInEnded => Msg::SignInEnded.text(lang).to_owned(),
            AppError::CodeInvalid => Msg::CodeInvalid.text(lang).to_owned(),
            AppError::CodeExpired => Msg::CodeExpired.text(lang).to_owned(),
            AppError::CodeAttemptsExhausted => Msg::CodeAttemptsExhausted.text(lang).to_owned(),
            AppError::CodeLocked { minutes: 1 } => Msg::CodeLockedMinute.text(lang).to_owned(),
            AppError::CodeLocked { minutes } => {
                fill(Msg::CodeLocked.text(lang), "minutes", &minutes.to_string())
            }
            AppError::BadRequest => Msg::BadRequest.text(lang).to_owned(),
            AppError::Internal => Msg::SomethingWentWrong.text(lang).to_owned(),
        }
    }

    /// The HTTP status the server answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::InvalidCredentials | AppError::NotSignedIn | AppError::SignInEnded => 401,
            AppError::Forbidden => 403,
            AppError::RateLimited { .. } | AppError::ResendCooldown { .. } => 429,
            AppError::Busy { .. } => 503,
            AppError::Field { .. } => 422,
            AppError::LinkInvalid => 410,
            AppError::StepOutOfOrder => 409,
            AppError::CodeInvalid | AppError::CodeExpired => 422,
            AppError::CodeAttemptsExhausted | AppError::CodeLocked { .. } => 429,
            AppError::BadRequest => 400,
            AppError::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_errors_are_4xx_and_faults_5xx() {
        assert_eq!(AppError::InvalidCredentials.status(), 401);
        assert_eq!(AppError::Busy { retry_after: 4 }.status(), 503);
        assert_eq!(
            AppError::Busy { retry_after: 4 }.message(Lang::En),
            "Too many sign-ins at this moment. Please try again in 4 seconds."
        );
        assert_eq!(
            AppError::Busy { retry_after: 4 }.message(Lang::De),
            "Gerade melden sich zu viele Personen an. Bitte versuchen Sie es in 4 Sekunden erneut."
        );
        assert_eq!(AppError::RateLimited { retry_after: 3 }.status(), 429);
        assert_eq!(AppError::Internal.status(), 500);
        assert_eq!(
            AppError::RateLimited { retry_after: 7 }.message(Lang::En),
            "Too many attempts. Please try again in 7 seconds."
        );
        assert_eq!(
            AppError::RateLimited { retry_after: 125 }.message(Lang::En),
            "Too many attempts. Please try again in 3 minutes."
        );
        assert_eq!(
            AppError::RateLimited {
                retry_after: 86_000
            }
            .message(Lang::En),
            "Too many attempts. Please try again in 24 hours."
        );
        assert_eq!(AppError::CodeLocked { minutes: 15 }.status(), 429);
        assert_eq!(
            AppError::CodeLocked { minutes: 15 }.message(Lang::En),
            "Too many wrong codes. Please try again in 15 minutes."
        );
        assert_eq!(
            AppError::CodeLocked { minutes: 1 }.message(Lang::En),
            "Too many wrong codes. Please try again in a minute."
        );
    }

    #[test]
    fn framework_errors_become_bad_request() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::MissingArg("x".into()));
        assert_eq!(e, AppError::BadRequest);
    }
}
