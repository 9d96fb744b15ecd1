//! The command line: `serve`, `migrate`, `create-account`, `create-user`.

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
    },
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
    },
}
