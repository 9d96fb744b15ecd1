//! `/admin/apps`: the applications of the admin's account that sign users in through Pforte
//! (OpenID Connect): "Add application", "New secret", "Delete". A secret is shown once, right
//! after it was made. Only admins reach it (the middleware answers 403 to others; the server
//! functions check too).

use crate::api::{CreateApp, DeleteApp, RotateAppSecret, list_apps};
use crate::components::alert::{ErrorAlert, latest, latest_error, outcome, said};
use crate::components::card::{Card, PAGE_TITLE_ID};
use crate::components::field::Field;
use crate::components::submit::Submit;
use crate::components::table::DataTable;
use crate::i18n::{lang, t};
use leptos::either::Either;
use leptos::prelude::*;
use pforte_shared::i18n::fill;
use pforte_shared::types::{AppRowResponse, AppSecretResponse};
use pforte_shared::{AppError, Msg};

/// What to show once about a secret just made: the client ID and the secret, a line each.
fn secret_lines(made: &AppSecretResponse) -> String {
    let mut lines = vec![fill(
        &fill(t(Msg::AppClientIdIs), "name", &made.name),
        "client_id",
        &made.client_id,
    )];
    if let Some(secret) = &made.secret {
        lines.push(fill(t(Msg::AppSecretIs), "secret", secret));
    }
    lines.join("\n")
}

#[component]
pub fn AdminApps() -> impl IntoView {
    let create = ServerAction::<CreateApp>::new();
    let rotate = ServerAction::<RotateAppSecret>::new();
    let delete = ServerAction::<DeleteApp>::new();
    let apps = Resource::new(
        move || {
            (
                create.version().get(),
                rotate.version().get(),
                delete.version().get(),
            )
        },
        |_| list_apps(),
    );
    let create_error = latest_error(vec![outcome(create)]);
    let error = latest_error(vec![outcome(create), outcome(rotate), outcome(delete)]);
    let message = latest(vec![
        said(create, |made| Some(secret_lines(&made))),
        said(rotate, |made| Some(secret_lines(&made))),
        said(delete, |()| Some(t(Msg::AppDeleted).to_owned())),
    ]);
    let uris_invalid = move || matches!(create_error.get(), Some(AppError::Field { field, .. }) if field == "redirect_uri");
    // Like every `Field`: an error about the addresses takes the focus there.
    let uris = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move || {
        if let (true, Some(el)) = (uris_invalid(), uris.get()) {
            let _ = el.focus();
        }
    });
    view! {
        <Card title=Msg::Apps wide=true>
            <ErrorAlert error id="apps-error" />
            <div class="status" role="status">
                {move || {
                    message
                        .get()
                        .map(|lines| {
                            lines
                                .split('\n')
                                .map(|line| view! { <p class="secret-line">{line.to_owned()}</p> })
                                .collect_view()
                        })
                }}
            </div>
            <Suspense fallback=|| view! { <p>{t(Msg::Working)}</p> }>
                {move || Suspend::new(async move {
                    match apps.await {
                        Ok((issuer, rows)) => Either::Left(view! {
                            <p class="muted">{fill(t(Msg::AppsIntro), "issuer", &issuer)}</p>
                            {if rows.is_empty() {
                                Either::Left(view! { <p>{t(Msg::NoApps)}</p> })
                            } else {
                                Either::Right(view! { <AppTable rows rotate delete /> })
                            }}
                        }),
                        Err(e) => Either::Right(view! {
                            <p class="alert" role="alert">{e.message(lang())}</p>
                        }),
                    }
                })}
            </Suspense>
            <h2>{t(Msg::CreateAppTitle)}</h2>
            <ActionForm action=create>
                <Field id="app-name" name="name" label=t(Msg::NameLabel) autocomplete="off" error=create_error error_id="apps-error" />
                <div class="field">
                    <label for="redirect_uris">{t(Msg::RedirectUrisLabel)}</label>
                    <textarea
                        node_ref=uris
                        id="redirect_uris"
                        name="redirect_uris"
                        rows="3"
                        required
                        maxlength="20000"
                        autocomplete="off"
                        spellcheck="false"
                        aria-invalid=move || uris_invalid().then_some("true")
                        aria-describedby=move || if uris_invalid() { "redirect-uris-hint apps-error" } else { "redirect-uris-hint" }
                    ></textarea>
                    <p class="hint" id="redirect-uris-hint">{t(Msg::RedirectUrisHint)}</p>
                </div>
                <div class="field checkbox">
                    <input type="checkbox" id="public" name="public" />
                    <label for="public">{t(Msg::PublicClientLabel)}</label>
                </div>
                <Submit pending=create.pending() class="primary">{t(Msg::CreateAppButton)}</Submit>
            </ActionForm>
            <nav class="links">
                <a href="/admin/users">{t(Msg::Users)}</a>
                <a href="/">{t(Msg::HomeTitle)}</a>
            </nav>
        </Card>
    }
}

#[component]
fn AppTable(
    rows: Vec<AppRowResponse>,
    rotate: ServerAction<RotateAppSecret>,
    delete: ServerAction<DeleteApp>,
) -> impl IntoView {
    view! {
        <DataTable labelledby=PAGE_TITLE_ID columns=&[Msg::NameLabel, Msg::ColumnClientId, Msg::ColumnType, Msg::ColumnRedirectUris, Msg::ColumnActions]>
            {rows
                .into_iter()
                .map(|row| {
                    let rotate_id = row.client_id.clone();
                    let delete_id = row.client_id.clone();
                    let rotate_label = fill(t(Msg::RotateSecretLabel), "name", &row.name);
                    let delete_label = fill(t(Msg::DeleteAppLabel), "name", &row.name);
                    let confirm = fill(t(Msg::DeleteAppConfirm), "name", &row.name);
                    view! {
                        <tr>
                            <td>{row.name.clone()}</td>
                            <td><code>{row.client_id.clone()}</code></td>
                            <td>{t(if row.public { Msg::AppPublic } else { Msg::AppConfidential })}</td>
                            <td>
                                <ul class="plain">
                                    {row.redirect_uris.iter().map(|u| view! { <li><code>{u.clone()}</code></li> }).collect_view()}
                                </ul>
                            </td>
                            <td>
                                <div class="row-actions">
                                    {(!row.public).then(|| view! {
                                        <ActionForm action=rotate>
                                            <input type="hidden" name="client_id" value=rotate_id />
                                            <Submit pending=rotate.pending() class="secondary small" attr:aria-label=rotate_label>{t(Msg::RotateSecret)}</Submit>
                                        </ActionForm>
                                    })}
                                    <details class="edit">
                                        <summary aria-label=delete_label>{t(Msg::DeleteApp)}</summary>
                                        <ActionForm action=delete>
                                            <input type="hidden" name="client_id" value=delete_id />
                                            <p>{confirm}</p>
                                            <Submit pending=delete.pending() class="secondary small">{t(Msg::DeleteAppForGood)}</Submit>
                                        </ActionForm>
                                    </details>
                                </div>
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </DataTable>
    }
}
