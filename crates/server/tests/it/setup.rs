//! First run: `pforte serve` on an empty database prints a one-time setup link.

use crate::harness::*;
use sqlx::Row;

async fn setup_link_creates_the_first_account_once(engine: Engine) {
    let db = fresh_database(engine).await;
    let served = Served::start(&db).await;
    let out = served.stdout();
    assert!(
        out.contains("Open this one-time link to create your company account:"),
        "{out}"
    );
    let link = out
        .split_whitespace()
        .find(|w| w.contains("/setup/"))
        .unwrap_or_else(|| panic!("no setup link printed: {out}"))
        .to_owned();
    let token = link.rsplit('/').next().expect("token").to_owned();
    let path = format!("/setup/{token}");
    let page = served
        .client
        .get(format!("{}{path}", served.base))
        .send()
        .await
        .expect("page");
    let page = page.text().await.expect("body");
    for label in ["Company name", "Your name", "Your email", "Create account"] {
        assert!(page.contains(label), "{label} missing");
    }
    let post = |fields: Vec<(&'static str, String)>| {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        served
            .client
            .post(format!("{}/api/complete_setup", served.base))
            .header("origin", served.base.as_str())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let form = |email: &str| {
        vec![
            ("token", token.clone()),
            ("company", "Kranich GmbH".to_owned()),
            ("name", "Kim Kranich".to_owned()),
            ("email", email.to_owned()),
        ]
    };
    let bad = post(form("not-an-email")).await.expect("post");
    assert_eq!(
        bad.status(),
        422,
        "bad input is refused and the link keeps working"
    );
    let ok = post(form("kim@kranich.example")).await.expect("post");
    assert_eq!(ok.status(), 200);
    let answer: (String, String) = ok.json().await.expect("json");
    assert_eq!(answer.0.len(), 7);
    assert_eq!(answer.1, "kim@kranich.example");
    let again = post(form("eve@evil.example")).await.expect("post");
    assert_eq!(again.status(), 410, "the link stops working once used");
    let page = served
        .client
        .get(format!("{}{path}", served.base))
        .send()
        .await
        .expect("page");
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("This link is no longer valid.")
    );
    let (logs, _) = served.stop();
    assert!(
        !logs.contains(&token),
        "the setup token is printed, never logged"
    );

    // The owner was invited by mail, through the outbox.
    let store = pforte_auth::Store::connect(&db).await.expect("connect");
    let row = sqlx::query("SELECT recipient FROM outbox")
        .fetch_one(&store.pool)
        .await
        .expect("invitation mail");
    assert_eq!(
        sqlx::Row::get::<String, _>(&row, "recipient"),
        "kim@kranich.example"
    );
}

/// A Pforte instance on `db`, with no account yet, at the harness's start time.
async fn instance(db: &str, clock: &pforte_auth::ManualClock) -> pforte_auth::Auth {
    let store = pforte_auth::Store::connect(db).await.expect("connect");
    store.migrate().await.expect("migrate");
    pforte_auth::Auth::new(
        store,
        std::sync::Arc::new(clock.clone()),
        pforte_auth::Settings::default(),
    )
}

fn owner_meta() -> pforte_auth::RequestMeta {
    pforte_auth::RequestMeta::new("127.0.0.1", "test")
}

/// The link works for 24 hours, and not a second longer.
async fn setup_link_expires_after_a_day(engine: Engine) {
    let db = fresh_database(engine).await;
    let clock = pforte_auth::ManualClock::new(START);
    let auth = instance(&db, &clock).await;
    let token = auth
        .create_setup_token()
        .await
        .expect("create")
        .expect("no account yet");
    clock.advance(24 * 60 * 60 - 1);
    assert!(auth.setup_token_valid(token.expose()).await.expect("check"));
    clock.advance(2);
    assert!(!auth.setup_token_valid(token.expose()).await.expect("check"));
    let used = auth
        .complete_setup(
            token.expose(),
            "Kranich GmbH",
            "Kim Kranich",
            "kim@kranich.example",
            pforte_shared::Lang::En,
            &owner_meta(),
        )
        .await;
    assert!(
        matches!(used, Err(pforte_auth::AuthError::LinkInvalid)),
        "{used:?}"
    );
    assert_eq!(auth.count_accounts().await.expect("count"), 0);
}

/// Ten instances start together on one database and each prints a link: at most one of them
/// works, and all ten used at once make one account.
async fn instances_starting_together_print_one_usable_link(engine: Engine) {
    let db = fresh_database(engine).await;
    let clock = pforte_auth::ManualClock::new(START);
    let mut instances = Vec::new();
    for _ in 0..10 {
        instances.push(instance(&db, &clock).await);
    }
    let mut printing = tokio::task::JoinSet::new();
    for auth in &instances {
        let auth = auth.clone();
        printing.spawn(async move { auth.create_setup_token().await });
    }
    let mut tokens = Vec::new();
    while let Some(printed) = printing.join_next().await {
        tokens.push(
            printed
                .expect("task")
                .expect("create")
                .expect("no account yet"),
        );
    }
    let mut usable = 0;
    for token in &tokens {
        if instances[0]
            .setup_token_valid(token.expose())
            .await
            .expect("check")
        {
            usable += 1;
        }
    }
    assert_eq!(usable, 1, "exactly one printed link works");
    let mut using = tokio::task::JoinSet::new();
    for (n, (auth, token)) in instances.iter().zip(&tokens).enumerate() {
        let (auth, token) = (auth.clone(), token.expose().to_owned());
        using.spawn(async move {
            auth.complete_setup(
                &token,
                &format!("Company {n}"),
                "Owner",
                &format!("owner{n}@example.com"),
                pforte_shared::Lang::En,
                &owner_meta(),
            )
            .await
        });
    }
    let mut created = 0;
    while let Some(result) = using.join_next().await {
        match result.expect("task") {
            Ok(_) => created += 1,
            Err(pforte_auth::AuthError::LinkInvalid) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(instances[0].count_accounts().await.expect("count"), 1);
}

/// 20 account creations at once on an empty installation — ten through the setup link, ten with
/// `pforte create-account`, each for a different owner — so that only the accounts lock keeps the
/// setup link to an installation without accounts: at most one setup succeeds, and only as the
/// very first account; every command succeeds; each success commits its account, owner,
/// invitation and mail, and each refusal leaves nothing behind.
async fn concurrent_creations_let_setup_make_only_the_first_account(engine: Engine) {
    let db = fresh_database(engine).await;
    let clock = pforte_auth::ManualClock::new(START);
    let auth = instance(&db, &clock).await;
    let token = auth
        .create_setup_token()
        .await
        .expect("create")
        .expect("no account yet");
    let url = db.to_string();
    let mut racing = tokio::task::JoinSet::new();
    for n in 0..20 {
        let (auth, token, url) = (auth.clone(), token.expose().to_owned(), url.clone());
        racing.spawn(async move {
            let ok = if n % 2 == 0 {
                auth.complete_setup(
                    &token,
                    &format!("Kranich {n}"),
                    "Kim Kranich",
                    &format!("setup{n}@kranich.example"),
                    pforte_shared::Lang::En,
                    &owner_meta(),
                )
                .await
                .is_ok()
            } else {
                let (name, email) = (format!("Kranich {n}"), format!("cli{n}@kranich.example"));
                tokio::task::spawn_blocking(move || {
                    let args = [
                        "create-account",
                        "--name",
                        name.as_str(),
                        "--owner-email",
                        email.as_str(),
                    ];
                    pforte(&url, &args, None).status.success()
                })
                .await
                .expect("command")
            };
            (n % 2 == 0, ok)
        });
    }
    let (mut by_setup, mut by_command) = (0, 0);
    while let Some(result) = racing.join_next().await {
        match result.expect("task") {
            (true, ok) => by_setup += i64::from(ok),
            (false, ok) => by_command += i64::from(ok),
        }
    }
    assert!(by_setup <= 1, "{by_setup} setups succeeded");
    assert_eq!(by_command, 10, "every command succeeded");
    let count = |sql: &'static str| {
        let pool = auth.store.pool.clone();
        async move {
            sqlx::query(sql)
                .fetch_one(&pool)
                .await
                .expect("count")
                .get::<i64, _>("n")
        }
    };
    let made = by_setup + by_command;
    assert_eq!(count("SELECT COUNT(*) AS n FROM accounts").await, made);
    assert_eq!(count("SELECT COUNT(*) AS n FROM users").await, made);
    assert_eq!(count("SELECT COUNT(*) AS n FROM invitations").await, made);
    assert_eq!(count("SELECT COUNT(*) AS n FROM outbox").await, made);
    if by_setup == 1 {
        // The setup's account is the first one: no account existed when it committed.
        assert_eq!(
            count(
                "SELECT CASE WHEN u.account_id = (SELECT MIN(id) FROM accounts) \
                 THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END \
                 AS n FROM users u WHERE u.email LIKE 'setup%'"
            )
            .await,
            1
        );
    }
    assert_eq!(count("SELECT COUNT(*) AS n FROM setup_link").await, 0);
    assert!(!auth.setup_token_valid(token.expose()).await.expect("check"));
}

async fn the_setup_link_speaks_the_operators_language(engine: Engine) {
    let db = fresh_database(engine).await;
    let served = Served::start_in(&db, "de_DE.UTF-8").await;
    let out = served.stdout();
    assert!(
        out.contains("Öffnen Sie diesen einmaligen Link, um Ihr Firmenkonto anzulegen:")
            && out.contains("/setup/")
            && out.contains("pforte create-account --name 'Ihre Firma'"),
        "{out}"
    );
    served.stop();
}

crate::dual!(
    setup_link_creates_the_first_account_once,
    the_setup_link_speaks_the_operators_language,
    setup_link_expires_after_a_day,
    instances_starting_together_print_one_usable_link,
    concurrent_creations_let_setup_make_only_the_first_account,
);
