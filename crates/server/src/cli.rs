//! The command line: `serve`, `migrate`, `create-account`, `create-user`, `rotate-secret-key`.

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "pforte",
    version,
    about = "Pforte, a self-hosted sign-in portal for company accounts"
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

/// The language of the user's mails (`--language de|en`).
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum LanguageArg {
    De,
    #[default]
    En,
}

impl From<LanguageArg> for pforte_shared::Lang {
    fn from(arg: LanguageArg) -> Self {
        match arg {
            LanguageArg::De => pforte_shared::Lang::De,
            LanguageArg::En => pforte_shared::Lang::En,
        }
    }
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
        #[arg(long, value_enum, default_value = "en")]
        language: LanguageArg,
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
        #[arg(long, value_enum, default_value = "en")]
        language: LanguageArg,
    },
}
