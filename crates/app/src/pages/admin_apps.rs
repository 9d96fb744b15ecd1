//! `/admin/apps`: the applications of the admin's account that sign users in through Pforte
//! (OpenID Connect): "Add application", "New secret", "Delete". A secret is shown once, right
//! after it was made. Only admins reach it (the middleware answers 403 to others; the server
//! functions check too).

use crate::api::{CreateApp, DeleteApp, RotateAppSecret, list_apps};
use crate::components::alert::{ErrorAlert, FlashStatus, any_error, error_of};
use crate::components::card::{Card, PAGE_TITLE_ID};
use crate::components::field::Field;
use crate::components::submit::Submit;
use crate::components::table::DataTable;
use crate::i18n::{lang, t};
use leptos::either::Either;
use leptos::prelude::*;
use pforte_shared::i18n::fill;
use pforte_shared::types::AppRowResponse;
use pforte_shared::{AppError, Msg};

#[component]
pub fn AdminApps() -> impl IntoView {
    let create = ServerAction::<CreateApp>::new();
    let rotate = ServerAction::<RotateAppSecret>::new();
    let delete = ServerAction::<DeleteApp>::new();
    let apps = Resource::new(|| (), |_| list_apps());
    let create_error = error_of(create);
    let error = any_error(vec![error_of(create), error_of(rotate), error_of(delete)]);
    // A new secret comes back from the form post this way, shown this once.
    let flash = crate::flash::take();
    // Like every `Field`: an error about the addresses takes the focus there.
    let uris_invalid = move || matches!(create_error.get(), Some(AppError::Field { field, .. }) if field == "redirect_uri");
    view! {
        <Card title=Msg::Apps wide=true>
            <ErrorAlert error id="apps-error" />
            <FlashStatus flash />
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
                        id="redirect_uris"
                        name="redirect_uris"
                        rows="3"
                        required
                        maxlength="20000"
                        autocomplete="off"
                        spellcheck="false"
                        autofocus=uris_invalid()
                        aria-invalid=move || uris_invalid().then_some("true")
                        aria-describedby=move || if uris_invalid() { "redirect-uris-hint apps-error" } else { "redirect-uris-hint" }
                    ></textarea>
                    <p class="hint" id="redirect-uris-hint">{t(Msg::RedirectUrisHint)}</p>
                </div>
                <div class="field checkbox">
                    <input type="checkbox" id="public" name="public" />
                    <label for="public">{t(Msg::PublicClientLabel)}</label>
                </div>
                <Submit class="primary">{t(Msg::CreateAppButton)}</Submit>
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
                                            <Submit class="secondary small" attr:aria-label=rotate_label>{t(Msg::RotateSecret)}</Submit>
                                        </ActionForm>
                                    })}
                                    <details class="edit">
                                        <summary aria-label=delete_label>{t(Msg::DeleteApp)}</summary>
                                        <ActionForm action=delete>
                                            <input type="hidden" name="client_id" value=delete_id />
                                            <p>{confirm}</p>
                                            <Submit class="secondary small">{t(Msg::DeleteAppForGood)}</Submit>
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
