//! The domain's one error enum. Internal causes are logged with context by the caller
//! and shown to users only as a generic message.

use pforte_shared::{AppError, Msg};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("not signed in")]
    NotSignedIn,
    #[error("not allowed")]
    Forbidden,
    #[error("invalid input in {field}")]
    Invalid { field: &'static str, problem: Msg },
    /// An invitation or reset link that is unknown, used, replaced or expired.
    #[error("link invalid or expired")]
    LinkInvalid,
    /// A step of a multi-step flow was called before its turn.
    #[error("step out of order")]
    StepOutOfOrder,
    /// No sign-in is in progress in this browser (never started, ended, or expired).
    #[error("no sign-in in progress")]
    SignInEnded,
    #[error("code invalid")]
    CodeInvalid,
    #[error("code expired")]
    CodeExpired,
    #[error("code attempts exhausted")]
    CodeAttemptsExhausted,
    /// Too many wrong codes in a row for the user: no code is sent or checked for this long.
    #[error("codes paused")]
    CodeLocked { minutes: u64 },
    /// Too soon: try again after this many seconds.
    #[error("rate limited")]
    RateLimited { retry_after: u64 },
    /// More password hashing waits than the workers can serve within the wait limit: try
    /// again after this many seconds. Nothing was changed.
    #[error("busy")]
    Busy { retry_after: u64 },
    /// "Send new code" before the resend cooldown is over: the seconds until it is.
    #[error("resend cooldown")]
    ResendCooldown { retry_after: u64 },
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The target is not in the state the operation needs (an email taken, a user no longer
    /// invited); names what is in the way.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The identity provider's settings cannot be used (a URL that does not parse).
    #[error("identity provider: {0}")]
    Provider(String),
    #[error("password hashing: {0}")]
    Hashing(String),
    /// Making or using a key that signs ID tokens failed.
    #[error("signing: {0}")]
    Signing(String),
    /// A sealed secret (a TOTP secret) does not open: a wrong `PFORTE_SECRET_KEY`, or a changed
    /// value. Two-factor steps fail closed.
    #[error(transparent)]
    Sealed(#[from] crate::secret_box::Unsealable),
}

impl AuthError {
    pub fn invalid(field: &'static str, problem: Msg) -> Self {
        AuthError::Invalid { field, problem }
    }

    /// True for faults of the system rather than of the request.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            AuthError::Database(_)
                | AuthError::Migration(_)
                | AuthError::Hashing(_)
                | AuthError::Signing(_)
                | AuthError::Provider(_)
                | AuthError::Sealed(_)
        )
    }
}

/// The one place that turns domain errors into user errors, so that a server function ends in `?`.
/// Internal causes are logged here, with where the `?` stood, and users see only a generic message.
impl From<AuthError> for AppError {
    #[track_caller]
    fn from(e: AuthError) -> Self {
        if e.is_internal() {
            let at = std::panic::Location::caller();
            tracing::error!(error = %e, at = %at, "request failed");
        }
        match e {
            AuthError::InvalidCredentials => AppError::InvalidCredentials,
            AuthError::NotSignedIn => AppError::NotSignedIn,
            AuthError::Forbidden => AppError::Forbidden,
            AuthError::Invalid { field, problem } => AppError::field(field, problem),
            AuthError::LinkInvalid => AppError::LinkInvalid,
            AuthError::StepOutOfOrder => AppError::StepOutOfOrder,
            AuthError::SignInEnded => AppError::SignInEnded,
            AuthError::CodeInvalid => AppError::CodeInvalid,
            AuthError::CodeExpired => AppError::CodeExpired,
            AuthError::CodeAttemptsExhausted => AppError::CodeAttemptsExhausted,
            AuthError::CodeLocked { minutes } => AppError::CodeLocked { minutes },
            AuthError::RateLimited { retry_after } => AppError::RateLimited { retry_after },
            AuthError::ResendCooldown { retry_after } => AppError::ResendCooldown { retry_after },
            AuthError::Busy { retry_after } => AppError::Busy { retry_after },
            AuthError::Conflict("email") => AppError::field("email", Msg::EmailTaken),
            AuthError::NotFound(_) | AuthError::Conflict(_) => AppError::BadRequest,
            AuthError::Database(_)
            | AuthError::Migration(_)
            | AuthError::Hashing(_)
            | AuthError::Signing(_)
            | AuthError::Provider(_)
            | AuthError::Sealed(_) => AppError::Internal,
        }
    }
}
