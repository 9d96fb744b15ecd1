#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test code: failing loudly is the point
//! Pforte's integration tests: the real router on a free port, against a fresh SQLite file and a
//! fresh PostgreSQL database (`PFORTE_TEST_POSTGRES_URL`, set by `cargo xtask test`).

mod harness;

mod admin;
mod atomic;
mod cli;
mod code_lock;
mod devices;
mod email_code;
mod forward;
mod google;
mod in_flight;
mod instances;
mod invitation;
mod language;
mod logs;
mod mail;
mod manage;
mod not_me;
mod oidc;
mod onboarding;
mod operations;
mod pages;
mod proxy;
mod requests;
mod reset;
mod second_step;
mod sessions;
mod setup;
mod signin;
mod smtp;
mod throttle;
mod two_factor;
