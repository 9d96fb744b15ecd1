//! One module per route.

pub mod account_security;
pub mod admin_apps;
pub mod admin_users;
pub mod continue_to;
pub mod forgot_password;
pub mod google_account;
pub mod home;
pub mod login;
pub mod login_help;
pub mod login_steps;
pub mod not_found;
pub mod not_me;
pub mod reset_password;
pub mod setup;
pub mod two_factor;
pub mod welcome;
