//! Pforte's user interface (Leptos) and its server functions.
//!
//! Pages only render the state the server keeps; every rule lives in `pforte-auth`.
//! The server functions in [`api`] are thin: take the state, call the domain, map errors.

#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod assets;
#[cfg(feature = "ssr")]
pub mod client_ip;
pub mod components;
pub mod flash;
#[cfg(feature = "ssr")]
pub mod forward;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{Link, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, StaticSegment, path};

/// The inline script of every page (`page.js`), as sent: without its comments and indentation,
/// which every page would otherwise carry (about a third of it).
fn page_script() -> &'static str {
    static SCRIPT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        include_str!("page.js")
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    &SCRIPT
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        state::send_content_security_policy();
        provide_context(state::request_lang());
        // Only islands hydrate: the rest of the page needs no hydration markers. (`HydrationScripts`
        // would say so itself, but it comes in the page's body, in `IslandScripts`.)
        if let Some(context) = Owner::current_shared_context() {
            context.set_is_hydrating(false);
        }
        provide_context(options.clone());
    }
    let lang = i18n::lang().code();
    // The site's files under their version, so that browsers may keep them for a year.
    #[cfg(feature = "ssr")]
    let root = assets::root(&options);
    #[cfg(not(feature = "ssr"))]
    let root = String::new();
    let stylesheet = format!("{root}/pkg/pforte.css");
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="stylesheet" id="leptos" href=stylesheet />
                <AutoReload options />
                <script nonce=nonce>{page_script()}</script>
                <leptos_meta::MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The scripts that bring a page's islands to life (the WASM bundle). A page that shows islands
/// (`#[island]`) renders it once: at its end, or in the branch that shows them. The other pages
/// load no WASM at all; every form is a plain post anyway.
#[component]
pub fn IslandScripts() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let scripts = use_context::<LeptosOptions>().map(|options| {
        let root = assets::root(&options);
        view! { <HydrationScripts options root islands=true /> }
    });
    // Pages are rendered on the server only.
    #[cfg(not(feature = "ssr"))]
    let scripts = ();
    scripts
}

/// The pages, rendered on the server. Only islands (`#[island]`) run in the browser too.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Title formatter=|title: String| {
            if title.is_empty() { "Pforte".to_owned() } else { format!("{title} · Pforte") }
        } />
        <Router>
            <a class="skip-link" href="#main">{i18n::t(pforte_shared::Msg::SkipToContent)}</a>
            <main id="main" class="page" tabindex="-1">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=StaticSegment("") view=pages::home::Home ssr=SsrMode::Async />
                    <Route path=path!("/login") view=pages::login::Login ssr=SsrMode::Async />
                    <Route path=path!("/login-help") view=pages::login_help::LoginHelp />
                    <Route path=path!("/forgot-password") view=pages::forgot_password::ForgotPassword />
                    <Route path=path!("/reset-password/:token") view=pages::reset_password::ResetPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/not-me/:token") view=pages::not_me::NotMe ssr=SsrMode::Async />
                    <Route path=path!("/login/code") view=pages::login_steps::LoginCode ssr=SsrMode::Async />
                    <Route path=path!("/login/totp") view=pages::login_steps::LoginTotp ssr=SsrMode::Async />
                    <Route path=path!("/login/trust") view=pages::login_steps::LoginTrust ssr=SsrMode::Async />
                    <Route path=path!("/account/security") view=pages::account_security::AccountSecurity ssr=SsrMode::Async />
                    <Route path=path!("/admin/users") view=pages::admin_users::AdminUsers ssr=SsrMode::Async />
                    <Route path=path!("/admin/apps") view=pages::admin_apps::AdminApps ssr=SsrMode::Async />
                    <Route path=path!("/continue") view=pages::continue_to::Continue />
                    <Route path=path!("/setup/:token") view=pages::setup::Setup ssr=SsrMode::Async />
                    <Route path=path!("/welcome/:token") view=pages::welcome::Welcome ssr=SsrMode::Async />
                </Routes>
            </main>
            <footer class="site-footer">
                <components::language::LanguageSwitch />
            </footer>
        </Router>
    }
}
