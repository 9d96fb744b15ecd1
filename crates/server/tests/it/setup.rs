//! First run (SPEC §2.6): `pforte serve` on an empty database prints a one-time setup link.

use crate::harness::*;

async fn setup_link_creates_the_first_account_once(engine: Engine) {
    let db = fresh_database(engine).await;
    let served = Served::start(&db).await;
    let out = served.stdout();
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
            .contains("This link is invalid or has expired.")
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

crate::dual!(setup_link_creates_the_first_account_once);
