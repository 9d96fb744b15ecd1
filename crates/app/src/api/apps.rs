//! `/admin/apps`: admins register the applications that sign their account's users in through
//! Pforte (OpenID Connect). The rules live in `pforte_auth::oidc`; these functions pass the
//! signed-in admin on.

use leptos::prelude::*;
use pforte_shared::AppError;
use pforte_shared::types::{AppRowResponse, AppSecretResponse};

/// The applications of the admin's account, and the issuer they are configured with.
#[server(endpoint = "list_apps")]
pub async fn list_apps() -> Result<(String, Vec<AppRowResponse>), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    let rows = state
        .auth
        .clients_of(admin.account_id)
        .await?
        .into_iter()
        .map(|c| AppRowResponse {
            client_id: c.client_id,
            name: c.name,
            public: c.public,
            redirect_uris: c.redirect_uris,
        })
        .collect();
    Ok((state.web.public_url.clone(), rows))
}

/// "Add application": `redirect_uris` one per line; `public` is the checkbox ("on" when ticked).
/// Returns the client ID and, once, the secret.
#[server(endpoint = "create_app")]
pub async fn create_app(
    name: String,
    redirect_uris: String,
    public: Option<String>,
) -> Result<AppSecretResponse, AppError> {
    use crate::state::*;
    use pforte_auth::oidc::NewClient;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    let new = NewClient {
        name,
        redirect_uris: redirect_uris.lines().map(str::to_owned).collect(),
        public: public.is_some_and(|p| !p.is_empty()),
    };
    let (client, secret) = state
        .auth
        .create_client_as(&admin, new, &request_meta())
        .await?;
    Ok(show_once(&state, &admin, shown(client, secret)))
}

/// "New secret": the old secret stops working at once; the new one is shown once.
#[server(endpoint = "rotate_app_secret")]
pub async fn rotate_app_secret(client_id: String) -> Result<AppSecretResponse, AppError> {
    use crate::state::*;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    let (client, secret) = state
        .auth
        .rotate_client_secret(&admin, &client_id, &request_meta())
        .await?;
    Ok(show_once(&state, &admin, shown(client, Some(secret))))
}

/// An application and the secret just made for it, as the page shows them once.
#[cfg(feature = "ssr")]
fn shown(
    client: pforte_auth::oidc::Client,
    secret: Option<pforte_auth::secret::Token>,
) -> AppSecretResponse {
    AppSecretResponse {
        client_id: client.client_id,
        name: client.name,
        secret: secret.map(|s| s.expose().to_owned()),
    }
}

/// Hands the application just made (or its new secret) to `/admin/apps`, which shows it once.
#[cfg(feature = "ssr")]
fn show_once(
    state: &crate::state::AppState,
    admin: &pforte_auth::account::User,
    made: AppSecretResponse,
) -> AppSecretResponse {
    use crate::flash::{Flash, set};
    set(state, admin.id, Flash::AppSecret(made.clone()));
    made
}

/// "Delete for good": nobody signs in to the application any more.
#[server(endpoint = "delete_app")]
pub async fn delete_app(client_id: String) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    state
        .auth
        .delete_client(&admin, &client_id, &request_meta())
        .await?;
    crate::flash::set(&state, admin.id, crate::flash::Flash::AppDeleted);
    Ok(())
}
