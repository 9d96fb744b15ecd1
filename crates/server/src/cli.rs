//! The command line: `serve`, `migrate`, `create-account`, `create-user`, `rotate-secret-key`,
//! `create-client`, `rotate-signing-key`, `backup`.

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "pforte",
    version,
    about = "Pforte, a self-hosted sign-in portal for company accounts",
    after_help = crate::config::environment_help()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
    User,
    Admin,
}

/// `--language de|en`: the language of a user's mails.
fn language(code: &str) -> Result<pforte_shared::Lang, String> {
    pforte_shared::Lang::from_code(code).ok_or_else(|| {
        let codes: Vec<&str> = pforte_shared::Lang::ALL.iter().map(|l| l.code()).collect();
        format!("expected one of: {}", codes.join(", "))
    })
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create a company account and its owner; prints the customer number.
    CreateAccount {
        #[arg(long)]
        name: String,
        #[arg(long)]
        owner_email: String,
        #[arg(long)]
        owner_name: Option<String>,
        /// Seven digits; assigned at random when omitted.
        #[arg(long)]
        customer_number: Option<String>,
        /// Read the owner's password from standard input; the owner is active at once.
        #[arg(long)]
        password_stdin: bool,
        /// The language of the owner's mails.
        #[arg(long, value_parser = language, default_value = "en")]
        language: pforte_shared::Lang,
    },
    /// Seal every stored two-factor secret under a new PFORTE_SECRET_KEY. Stop every instance
    /// first. With SQLite and no PFORTE_SECRET_KEY the key file is replaced; otherwise the new key
    /// is printed: set it on every instance before starting them again.
    RotateSecretKey,
    /// Create a user in an existing account.
    CreateUser {
        #[arg(long)]
        customer_number: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
        /// The user's Google address, for "Sign in with Google".
        #[arg(long)]
        google_email: Option<String>,
        #[arg(long, value_enum, default_value = "user")]
        role: RoleArg,
        /// Read the user's password from standard input; the user is active at once.
        #[arg(long)]
        password_stdin: bool,
        /// The language of the user's mails (the invitation first).
        #[arg(long, value_parser = language, default_value = "en")]
        language: pforte_shared::Lang,
    },
    /// Register an application that signs its users in through Pforte (OpenID Connect). Prints
    /// the client ID and, for a confidential client, its secret — shown only this once.
    CreateClient {
        #[arg(long)]
        customer_number: String,
        /// The application's name, shown to users.
        #[arg(long)]
        name: String,
        /// Where Pforte may send the browser back with a code (compared exactly); repeatable.
        #[arg(long = "redirect-uri", required = true)]
        redirect_uris: Vec<String>,
        /// A client without a secret (a browser or mobile app): it must use PKCE.
        #[arg(long)]
        public: bool,
    },
    /// Make a new key sign ID tokens; the old one stays published until its tokens have expired.
    RotateSigningKey,
    /// Write a consistent copy of the SQLite database to FILE while Pforte runs (for
    /// PostgreSQL use pg_dump). Keep the secret key file with it.
    Backup {
        /// The new file; an existing one is never overwritten.
        file: std::path::PathBuf,
    },
}
