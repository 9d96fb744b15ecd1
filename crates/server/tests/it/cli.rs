//! The `pforte` command line: creates accounts and users, refuses weak passwords with the reason
//! (never echoing them), and names a misconfigured variable.

use crate::harness::*;
use sqlx::Row;
use std::process::Command;

async fn create_account_and_user(engine: Engine) {
    let db = fresh_database(engine).await;
    let out = pforte(&db, &["migrate"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = pforte(
        &db,
        &[
            "create-account",
            "--name",
            "Kranich GmbH",
            "--owner-email",
            "Owner@Kranich.example",
            "--password-stdin",
        ],
        Some("seven amber walruses hum softly\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let number = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        number.len() == 7 && number.bytes().all(|b| b.is_ascii_digit()),
        "{number:?}"
    );

    let out = pforte(
        &db,
        &[
            "create-account",
            "--name",
            "Second",
            "--owner-email",
            "x@kranich.example",
            "--customer-number",
            &number,
        ],
        None,
    );
    assert!(!out.status.success(), "duplicate customer number must fail");
    assert!(String::from_utf8_lossy(&out.stderr).contains("customer number already exists"));

    let out = pforte(
        &db,
        &[
            "create-user",
            "--customer-number",
            &number,
            "--email",
            "owner@kranich.example",
        ],
        None,
    );
    assert!(!out.status.success(), "duplicate email must fail");
    assert!(String::from_utf8_lossy(&out.stderr).contains("email already exists"));

    let out = pforte(
        &db,
        &[
            "create-user",
            "--customer-number",
            &number,
            "--email",
            "worker@kranich.example",
            "--role",
            "admin",
            "--language",
            "de",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("(invited)"));
    // `--language de`: stored on the user, and the invitation is German; the owner's default is
    // English.
    let store = pforte_auth::Store::connect(&db).await.expect("connect");
    let rows = sqlx::query(
        "SELECT u.email, u.language, o.subject FROM users u \
         LEFT JOIN outbox o ON o.recipient = u.email ORDER BY u.id",
    )
    .fetch_all(&store.pool)
    .await
    .expect("users");
    let seen: Vec<(String, String, Option<String>)> = rows
        .iter()
        .map(|r| (r.get("email"), r.get("language"), r.get("subject")))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("owner@kranich.example".into(), "en".into(), None),
            (
                "worker@kranich.example".into(),
                "de".into(),
                Some("Ihr Benutzerkonto bei Kranich GmbH".into())
            ),
        ]
    );
    let out = pforte(
        &db,
        &[
            "create-user",
            "--customer-number",
            &number,
            "--email",
            "third@kranich.example",
            "--language",
            "fr",
        ],
        None,
    );
    assert!(!out.status.success(), "an unknown language must fail");
}

async fn weak_password_is_refused_with_reason(engine: Engine) {
    let db = fresh_database(engine).await;
    for (password, reasons) in [
        ("short one\n", &["at least 15 characters"][..]),
        (
            "passwordpassword\n",
            &["too common", "too easy to guess"][..],
        ),
        ("kranich kranich kranich\n", &["must not contain"][..]),
    ] {
        let out = pforte(
            &db,
            &[
                "create-account",
                "--name",
                "Kranich GmbH",
                "--owner-email",
                "owner@example.com",
                "--password-stdin",
            ],
            Some(password),
        );
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            reasons.iter().any(|r| stderr.contains(r)),
            "{password:?}: {stderr}"
        );
        assert!(
            !stderr.contains(password.trim()),
            "the password is never echoed"
        );
    }
    // Nothing was created.
    let out = pforte(
        &db,
        &[
            "create-user",
            "--customer-number",
            "1234567",
            "--email",
            "a@example.com",
        ],
        None,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("account not found"));
}

async fn bad_configuration_names_the_variable(engine: Engine) {
    let db = fresh_database(engine).await;
    let out = Command::new(env!("CARGO_BIN_EXE_pforte"))
        .arg("migrate")
        .env("PFORTE_DATABASE_URL", &db)
        .env("PFORTE_PUBLIC_URL", "not a url")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("PFORTE_PUBLIC_URL"));
}

/// Without `PFORTE_SECRET_KEY`, SQLite makes a key file next to the database on first start
/// (mode 0600) and keeps using it; PostgreSQL refuses to start, in one line naming the variable.
async fn secret_key_is_made_for_sqlite_and_required_for_postgres(engine: Engine) {
    let db = fresh_database(engine).await;
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_pforte"))
            .arg("migrate")
            .env("PFORTE_DATABASE_URL", &db)
            .env_remove("PFORTE_SECRET_KEY")
            .output()
            .expect("run")
    };
    let out = run();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    match engine {
        Engine::Postgres => {
            assert_eq!(out.status.code(), Some(2), "{stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.contains("PFORTE_SECRET_KEY"), "{stderr}");
        }
        Engine::Sqlite => {
            assert!(out.status.success(), "{stderr}");
            let path =
                std::path::Path::new(pforte_auth::store::sqlite_path(&db).expect("a SQLite file"))
                    .with_file_name("secret.key");
            let key = std::fs::read_to_string(&path).expect("key file");
            assert!(
                pforte_auth::secret_box::SecretKey::from_base64(&key).is_ok(),
                "32 bytes of base64"
            );
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "only the owner reads it");
            assert!(run().status.success());
            assert_eq!(
                std::fs::read_to_string(&path).expect("key file"),
                key,
                "kept"
            );
        }
    }
    let out = Command::new(env!("CARGO_BIN_EXE_pforte"))
        .arg("migrate")
        .env("PFORTE_DATABASE_URL", &db)
        .env("PFORTE_SECRET_KEY", "too short")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PFORTE_SECRET_KEY"));
}

/// `create-client` registers an application and shows its secret once; `rotate-signing-key`
/// makes a new key sign.
async fn applications_are_registered_from_the_command_line(engine: Engine) {
    let db = fresh_database(engine).await;
    let out = pforte(
        &db,
        &[
            "create-account",
            "--name",
            "Kranich GmbH",
            "--owner-email",
            "o@kranich.example",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let number = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let create = |extra: &[&str]| {
        let mut args = vec![
            "create-client",
            "--customer-number",
            number.as_str(),
            "--name",
            "Wiki",
        ];
        args.extend_from_slice(extra);
        pforte(&db, &args, None)
    };
    let out = create(&[
        "--redirect-uri",
        "https://wiki.kranich.example/cb",
        "--redirect-uri",
        "http://127.0.0.1:8080/cb",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    let value = |name: &str| {
        printed
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    let (client_id, secret) = (value("client_id:"), value("client_secret:"));
    assert_eq!(client_id.len(), 32, "{printed}");
    assert_eq!(secret.len(), 43, "{printed}");
    let store = pforte_auth::Store::connect(&db).await.expect("connect");
    let row =
        sqlx::query("SELECT secret_hash, redirect_uris FROM oidc_clients WHERE client_id = $1")
            .bind(&client_id)
            .fetch_one(&store.pool)
            .await
            .expect("client");
    let stored: String = row.get("secret_hash");
    assert_ne!(stored, secret, "only the secret's hash is stored");
    assert_eq!(stored.len(), 64);
    assert_eq!(
        row.get::<String, _>("redirect_uris"),
        "https://wiki.kranich.example/cb\nhttp://127.0.0.1:8080/cb"
    );

    // A public client has no secret; a bad redirect URI or an unknown account is refused.
    let out = create(&[
        "--redirect-uri",
        "https://spa.kranich.example/cb",
        "--public",
    ]);
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("client_secret"));
    for (extra, says) in [
        (
            vec!["--redirect-uri", "http://wiki.kranich.example/cb"],
            "redirect_uri",
        ),
        (
            vec!["--redirect-uri", "https://wiki.kranich.example/cb#x"],
            "redirect_uri",
        ),
        (vec![], "--redirect-uri"),
    ] {
        let out = create(&extra);
        assert!(!out.status.success(), "{extra:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{extra:?}"
        );
    }
    let out = pforte(
        &db,
        &[
            "create-client",
            "--customer-number",
            "0000000",
            "--name",
            "X",
            "--redirect-uri",
            "https://x.example/cb",
        ],
        None,
    );
    assert!(!out.status.success());

    // Rotating the signing key: a new kid signs, the one before stays published (retired).
    for _ in 0..2 {
        let out = pforte(&db, &["rotate-signing-key"], None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = pforte(&db, &["rotate-signing-key"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let keys: Vec<(String, Option<i64>)> =
        sqlx::query("SELECT kid, retired_at FROM oidc_keys ORDER BY created_at, kid")
            .fetch_all(&store.pool)
            .await
            .expect("keys")
            .iter()
            .map(|r| (r.get("kid"), r.get("retired_at")))
            .collect();
    assert_eq!(keys.len(), 3, "{keys:?}");
    let active: Vec<&String> = keys
        .iter()
        .filter(|(_, r)| r.is_none())
        .map(|(k, _)| k)
        .collect();
    assert_eq!(active.len(), 1, "{keys:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains(active[0].as_str()));
}

crate::dual!(
    applications_are_registered_from_the_command_line,
    secret_key_is_made_for_sqlite_and_required_for_postgres,
    create_account_and_user,
    weak_password_is_refused_with_reason,
    bad_configuration_names_the_variable,
    backup_copies_sqlite,
);

/// `pforte --help` lists every environment variable with its default, and works without any
/// configuration (even a broken one).
#[test]
fn help_lists_the_environment() {
    let out = Command::new(env!("CARGO_BIN_EXE_pforte"))
        .arg("--help")
        .env("PFORTE_PUBLIC_URL", "not a url")
        .output()
        .expect("run");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for (name, default, _) in pforte_server::config::ENVIRONMENT {
        assert!(help.contains(name), "{name} missing: {help}");
        assert!(
            help.contains(&format!("[default: {default}]")),
            "{name}: {help}"
        );
    }
    assert!(help.contains("PFORTE_LOG_FORMAT") && help.contains("[default: text]"));
}

/// A mail relay's private CA: a file without a certificate, or a CA without TLS, stops start-up
/// with one line naming the variable.
#[test]
fn smtp_ca_file_is_checked_at_start() {
    let dir = std::env::temp_dir().join(format!("pforte-ca-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("dir");
    let not_pem = dir.join("relay.pem");
    std::fs::write(&not_pem, "just text\n").expect("write");
    for (smtp, file, expected) in [
        (
            "smtps://mail.example.com",
            not_pem.clone(),
            "no PEM certificate",
        ),
        (
            "smtps://mail.example.com",
            dir.join("missing.pem"),
            "cannot read PFORTE_SMTP_CA_FILE",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_pforte"))
            .arg("serve")
            .env(
                "PFORTE_DATABASE_URL",
                format!("sqlite://{}/p.db", dir.display()),
            )
            .env("PFORTE_SMTP_URL", smtp)
            .env("PFORTE_SMTP_CA_FILE", &file)
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .output()
            .expect("run");
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{stderr}");
        assert!(stderr.contains("PFORTE_SMTP_CA_FILE"), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `pforte backup FILE` writes a consistent SQLite copy that Pforte can open, never overwrites a
/// file, and sends PostgreSQL to pg_dump.
async fn backup_copies_sqlite(engine: Engine) {
    let db = fresh_database(engine).await;
    let out = pforte(
        &db,
        &[
            "create-account",
            "--name",
            "Backup GmbH",
            "--owner-email",
            "backup@example.com",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = std::env::temp_dir().join(format!("pforte-backup-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("dir");
    let copy = dir.join("copy.db");
    let copy_arg = copy.to_str().expect("path");
    let out = pforte(&db, &["backup", copy_arg], None);
    if engine == Engine::Postgres {
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        assert!(!copy.exists());
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("keep PFORTE_SECRET_KEY with it"));
    // The copy is a Pforte database holding the account.
    let copy_url = format!("sqlite://{copy_arg}");
    let store = pforte_auth::Store::connect(&copy_url)
        .await
        .expect("open copy");
    let owners: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = 'backup@example.com'")
            .fetch_one(&store.pool)
            .await
            .expect("query copy");
    assert_eq!(owners, 1);
    assert!(store.migrated().await);
    store.pool.close().await;
    let again = pforte(&db, &["backup", copy_arg], None);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    // No database there: refused, and none is made.
    let missing = dir.join("missing.db");
    let out = pforte(
        &format!("sqlite://{}", missing.display()),
        &["backup", dir.join("other.db").to_str().expect("path")],
        None,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database at"));
    assert!(!missing.exists() && !dir.join("other.db").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
