//! `pforte`: serve, migrate, create-account, create-user.

use clap::Parser;
use pforte_app::state::{AppState, WebConfig};
use pforte_auth::account::NewUser;
use pforte_auth::mailer::Mailer;
use pforte_auth::secret::Password;
use pforte_auth::{Auth, AuthError, RequestMeta, Settings, Store};
use pforte_server::cli::{Cli, Command, RoleArg};
use pforte_server::config::{Config, LogFormat, SecretKeySource};
use pforte_server::{SystemClock, router};
use pforte_shared::types::Role;
use std::future::IntoFuture;
use std::io::Read;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("pforte: {e}");
            return ExitCode::from(2);
        }
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Text => logs.init(),
        // One JSON object per line, its fields at the top level; a line written while a
        // request runs carries its id (`"span":{"request_id":…}`).
        LogFormat::Json => logs
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
    for warning in config.warnings() {
        tracing::warn!("{warning}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("pforte: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pforte: {message}");
            ExitCode::FAILURE
        }
    }
}

fn describe(e: AuthError) -> String {
    match e {
        AuthError::Invalid { field, problem } => {
            format!("{field}: {}", problem.render(pforte_shared::Lang::En))
        }
        AuthError::NotFound(what) => format!("{what} not found"),
        AuthError::Conflict(what) => format!("{what} already exists"),
        other => other.to_string(),
    }
}

async fn open(config: &Config) -> Result<Auth, String> {
    let store = Store::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open PFORTE_DATABASE_URL: {}", describe(e)))?;
    store.migrate().await.map_err(describe)?;
    let (secret_key, made) = config.secret_key.load()?;
    if let Some(path) = &made {
        tracing::info!(
            file = %path.display(),
            "generated the secret key that seals two-factor secrets; keep it with the database \
             (a backup of one without the other cannot be used for two-factor sign-ins)"
        );
    }
    let settings = Settings {
        secret_key,
        public_url: config.public_url.clone(),
        trusted_device_secs: config.trusted_device_days * 24 * 60 * 60,
        google: config.google.clone(),
        audit_keep_secs: config.audit_days * 24 * 60 * 60,
        ..Settings::default()
    };
    let auth = Auth::new(store, Arc::new(SystemClock), settings);
    // A key that does not open the stored secrets stops start-up: every two-factor sign-in would
    // fail. A key file just made while secrets exist means the old key file was lost.
    match (auth.check_secret_key().await, made, &config.secret_key) {
        (Ok(_), ..) => {}
        (Err(AuthError::Sealed(_)), Some(path), _) => {
            let _ = std::fs::remove_file(&path);
            return Err(format!(
                "the secret key file {} was missing, but the database holds two-factor secrets \
                 sealed with another key: restore that file{} (or set PFORTE_SECRET_KEY)",
                path.display(),
                pending_key_hint(&path)
            ));
        }
        (Err(AuthError::Sealed(_)), None, SecretKeySource::File(path)) => {
            return Err(format!(
                "the secret key file {} does not open the stored two-factor secrets{}",
                path.display(),
                pending_key_hint(path)
            ));
        }
        (Err(e), ..) => return Err(format!("PFORTE_SECRET_KEY: {}", describe(e))),
    }
    Ok(auth)
}

fn mailer(config: &Config) -> Result<Mailer, String> {
    let ca = match &config.smtp_ca_file {
        Some(path) => Some(
            std::fs::read(path)
                .map_err(|e| format!("cannot read PFORTE_SMTP_CA_FILE {}: {e}", path.display()))?,
        ),
        None => None,
    };
    Mailer::with_ca(
        config.smtp_url.as_deref(),
        &config.mail_from,
        config.mail_dir.clone(),
        ca.as_deref(),
    )
}

/// After a command queued mail (an invitation), try to deliver it right away. What fails stays in
/// the outbox for the server's worker.
async fn deliver_now(auth: &Auth, mailer: &Mailer) {
    match auth.deliver_due(mailer).await {
        Ok(n) if n > 0 => eprintln!("sent {n} mail(s)"),
        Ok(_) if auth.pending_mail_count().await.unwrap_or(0) > 0 => {
            eprintln!("mail queued; the server delivers it when the mail server answers")
        }
        Ok(_) => {}
        Err(e) => eprintln!(
            "mail queued; delivery will be retried by the server ({})",
            describe(e)
        ),
    }
}

fn read_password_stdin() -> Result<Password, String> {
    let mut input = String::new();
    std::io::stdin()
        .take(64 * 1024)
        .read_to_string(&mut input)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let trimmed = input
        .strip_suffix("\r\n")
        .or_else(|| input.strip_suffix('\n'))
        .unwrap_or(&input)
        .to_owned();
    Ok(Password::new(trimmed))
}

/// After an interrupted `rotate-secret-key`, the new key waits in `secret.key.new`.
fn pending_key_hint(path: &std::path::Path) -> String {
    let pending = path.with_extension("key.new");
    if pending.exists() {
        format!(
            "; {} holds the key of an interrupted rotation",
            pending.display()
        )
    } else {
        String::new()
    }
}

/// `pforte rotate-secret-key`: seals every secret under a new key. The key file of a SQLite
/// installation is replaced only once the database holds the new seals (the new key waits in
/// `secret.key.new` meanwhile, so that it is never lost).
async fn rotate_secret_key(config: &Config) -> Result<(), String> {
    use pforte_auth::secret_box::SecretKey;
    use pforte_server::config::write_key_file;
    let auth = open(config).await?;
    let new = SecretKey::generate();
    match &config.secret_key {
        SecretKeySource::File(path) => {
            let pending = path.with_extension("key.new");
            let _ = std::fs::remove_file(&pending);
            write_key_file(&pending, &new)
                .map_err(|e| format!("cannot write {}: {e}", pending.display()))?;
            let sealed = auth.reseal_secrets(&new).await.map_err(|e| {
                let _ = std::fs::remove_file(&pending);
                describe(e)
            })?;
            std::fs::rename(&pending, path)
                .map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
            println!(
                "sealed {sealed} secret(s) under a new key; {} holds it",
                path.display()
            );
        }
        SecretKeySource::Given(_) => {
            let sealed = auth.reseal_secrets(&new).await.map_err(describe)?;
            println!(
                "sealed {sealed} secret(s) under a new key. Set it on every instance, then start them:\n\
                 PFORTE_SECRET_KEY={}",
                new.to_base64().as_str()
            );
        }
    }
    Ok(())
}

async fn run(command: Command, config: Config) -> Result<(), String> {
    let cli_meta = RequestMeta::new("cli", "pforte command line");
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            open(&config).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::RotateSecretKey => rotate_secret_key(&config).await,
        Command::CreateAccount {
            name,
            owner_email,
            owner_name,
            customer_number,
            password_stdin,
            language,
        } => {
            let password = password_stdin.then(read_password_stdin).transpose()?;
            let mailer = mailer(&config)?;
            let auth = open(&config).await?;
            let (account, owner) = auth
                .create_account(
                    &name,
                    customer_number.as_deref(),
                    NewUser {
                        email: owner_email,
                        display_name: owner_name.unwrap_or_default(),
                        role: Role::Admin,
                        google_email: None,
                        password,
                        lang: language,
                    },
                    &cli_meta,
                )
                .await
                .map_err(describe)?;
            println!("{}", account.customer_number);
            eprintln!(
                "created account {:?} with owner {} ({})",
                account.name,
                owner.email,
                owner.status.as_str()
            );
            deliver_now(&auth, &mailer).await;
            Ok(())
        }
        Command::CreateUser {
            customer_number,
            email,
            name,
            google_email,
            role,
            password_stdin,
            language,
        } => {
            let password = password_stdin.then(read_password_stdin).transpose()?;
            let mailer = mailer(&config)?;
            let auth = open(&config).await?;
            let user = auth
                .create_user(
                    &customer_number,
                    NewUser {
                        email,
                        display_name: name.unwrap_or_default(),
                        role: match role {
                            RoleArg::User => Role::User,
                            RoleArg::Admin => Role::Admin,
                        },
                        google_email,
                        password,
                        lang: language,
                    },
                    &cli_meta,
                )
                .await
                .map_err(describe)?;
            println!("created user {} ({})", user.email, user.status.as_str());
            deliver_now(&auth, &mailer).await;
            Ok(())
        }
        Command::CreateClient {
            customer_number,
            name,
            redirect_uris,
            public,
        } => {
            let auth = open(&config).await?;
            let account = auth
                .account_by_customer_number(&customer_number)
                .await
                .map_err(describe)?;
            let (client, secret) = auth
                .create_client(
                    account.id,
                    pforte_auth::oidc::NewClient {
                        name,
                        redirect_uris,
                        public,
                    },
                    &cli_meta,
                )
                .await
                .map_err(describe)?;
            // Printed on purpose, once: the operator configures the application with it.
            println!("client_id: {}", client.client_id);
            match secret {
                Some(secret) => println!(
                    "client_secret: {}\n(shown only now; keep it in the application's settings)",
                    secret.expose()
                ),
                None => println!("public client: no secret, PKCE (S256) required"),
            }
            println!("issuer: {}", config.public_url);
            Ok(())
        }
        Command::Backup { file } => {
            // Connecting would make an empty database where there is none.
            if let Some(path) = pforte_auth::store::sqlite_path(&config.database_url)
                && !std::path::Path::new(path).exists()
            {
                return Err(format!("no database at {path} (PFORTE_DATABASE_URL)"));
            }
            let store = pforte_auth::Store::connect(&config.database_url)
                .await
                .map_err(|e| format!("cannot open PFORTE_DATABASE_URL: {}", describe(e)))?;
            if store.engine != pforte_auth::Engine::Sqlite {
                return Err(
                    "pforte backup copies SQLite databases; back up PostgreSQL with pg_dump".into(),
                );
            }
            store.backup_to(&file).await.map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => {
                    format!("{} exists already; name a new file", file.display())
                }
                _ => format!("cannot write {}: {e}", file.display()),
            })?;
            println!("wrote {}", file.display());
            let key = match &config.secret_key {
                SecretKeySource::File(path) => path.display().to_string(),
                SecretKeySource::Given(_) => "PFORTE_SECRET_KEY".to_owned(),
            };
            eprintln!(
                "keep {key} with it: the two-factor secrets and signing keys in the copy are sealed with that key"
            );
            Ok(())
        }
        Command::RotateSigningKey => {
            let auth = open(&config).await?;
            let kid = auth.rotate_signing_key(&cli_meta).await.map_err(describe)?;
            println!("ID tokens are now signed with key {kid}");
            Ok(())
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let mailer = mailer(&config)?;
    if matches!(mailer, Mailer::DevMailbox { .. }) {
        tracing::info!(
            "PFORTE_SMTP_URL is not set: mails go to the development mailbox ({}) and the log",
            config.mail_dir.display()
        );
    }
    let auth = open(&config).await?;
    let hasher = auth.hasher.clone();
    tokio::task::spawn_blocking(move || hasher.warm());
    let workers = pforte_server::workers::spawn(
        &auth,
        mailer,
        std::time::Duration::from_secs(1),
        std::time::Duration::from_secs(600),
    );
    // The key that signs ID tokens, made at the first start, so that the JWKS is never empty.
    auth.ensure_signing_key().await.map_err(describe)?;
    if let Some(token) = auth.create_setup_token().await.map_err(describe)? {
        // Printed on purpose, once: the operator needs this link; it is never logged by tracing.
        // In the operator's language (`LC_ALL`, `LC_MESSAGES` or `LANG`, as `de_DE.UTF-8`).
        let lang = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|var| std::env::var(var).ok().filter(|v| !v.is_empty()))
            .and_then(|locale| pforte_shared::Lang::parse(&locale))
            .unwrap_or_default();
        println!(
            "\n{}\n  {}/setup/{}\n{}\n",
            pforte_shared::Msg::SetupLinkIntro.text(lang),
            config.public_url,
            token.expose(),
            pforte_shared::Msg::SetupLinkAlternative.text(lang),
        );
    }
    let state = AppState {
        leptos_options: router::leptos_options(config.site_addr),
        auth,
        web: WebConfig {
            trusted_proxies: config.trusted_proxies.clone(),
            forward_domains: config.forward_domains.clone(),
            cookie_domain: config.cookie_domain.clone(),
            metrics_token: config.metrics_token.clone(),
            ..WebConfig::new(&config.public_url)
        },
    };
    let app = router::build(state);
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| {
            format!(
                "cannot listen on LEPTOS_SITE_ADDR {}: {e}",
                config.site_addr
            )
        })?;
    tracing::info!(
        "Pforte listening on http://{} (public URL {})",
        config.site_addr,
        config.public_url
    );
    // On SIGTERM (or Ctrl-C): stop accepting, let the requests under way finish for up to
    // SHUTDOWN_GRACE, then stop the workers after the mail each is sending, and exit 0.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let mut stopped = stopped;
        let _ = stopped.wait_for(|s| *s).await;
    });
    let mut server = tokio::spawn(server.into_future());
    tokio::select! {
        ended = &mut server => return served(ended),
        () = shutdown_signal() => {}
    }
    let _ = stop.send(true);
    match tokio::time::timeout(SHUTDOWN_GRACE, &mut server).await {
        Ok(ended) => served(ended)?,
        Err(_) => {
            tracing::warn!(
                "requests still under way after {} s are cut off",
                SHUTDOWN_GRACE.as_secs()
            );
            server.abort();
        }
    }
    workers.stop().await;
    tracing::info!("stopped");
    Ok(())
}

/// How long requests under way may take to finish once a shutdown began.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

fn served(ended: Result<std::io::Result<()>, tokio::task::JoinError>) -> Result<(), String> {
    match ended {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("server error: {e}")),
        Err(e) => Err(format!("server stopped: {e}")),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests under way");
}
