//! `/admin/users`: the users of the admin's account, "Create user", "Resend invitation",
//! "Send password reset", "Reset two-factor authentication", "Deactivate" / "Reactivate" and
//! "Unlock".
//! Only admins reach it (the server's middleware answers 403 to others; the server functions check too).

use crate::api::{
    CreateUser, ResendInvitation, ResetTwoFactor, SendPasswordReset, SetGoogleAddress,
    SetUserActive, UnlockUser, list_users,
};
use crate::components::alert::{ErrorAlert, FlashStatus, any_error, error_of};
use crate::components::card::{Card, PAGE_TITLE_ID};
use crate::components::field::Field;
use crate::components::submit::Submit;
use crate::components::table::DataTable;
use crate::i18n::{lang, t};
use leptos::either::Either;
use leptos::prelude::*;
use pforte_shared::Msg;
use pforte_shared::i18n::fill;
use pforte_shared::types::{Role, UserRowResponse, UserStatusView};

fn status_text(status: UserStatusView) -> &'static str {
    t(match status {
        UserStatusView::Invited => Msg::StatusInvited,
        UserStatusView::Active => Msg::StatusActive,
        UserStatusView::Disabled => Msg::StatusDisabled,
    })
}

fn role_text(role: Role) -> &'static str {
    t(match role {
        Role::Admin => Msg::RoleAdmin,
        Role::User => Msg::RoleUser,
    })
}

#[component]
pub fn AdminUsers() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let resend = ServerAction::<ResendInvitation>::new();
    let status = ServerAction::<SetUserActive>::new();
    let unlock = ServerAction::<UnlockUser>::new();
    let reset = ServerAction::<SendPasswordReset>::new();
    let reset_two_factor = ServerAction::<ResetTwoFactor>::new();
    let edit = ServerAction::<SetGoogleAddress>::new();
    let users = Resource::new(|| (), |_| list_users());
    // The create form's fields are tied to its own errors only (a row's edit names
    // `google_email` too).
    let create_error = error_of(create);
    let error = any_error(vec![
        error_of(create),
        error_of(resend),
        error_of(status),
        error_of(unlock),
        error_of(reset),
        error_of(reset_two_factor),
        error_of(edit),
    ]);
    // What the form post that led here did ("Invitation sent to …").
    let flash = crate::flash::take();
    view! {
        <Card title=Msg::Users wide=true>
            <ErrorAlert error id="users-error" />
            <FlashStatus flash />
            <Suspense fallback=|| view! { <p>{t(Msg::Working)}</p> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(rows) => Either::Left(view! { <UserTable rows resend reset reset_two_factor status unlock edit /> }),
                        Err(e) => Either::Right(view! {
                            <p class="alert" role="alert">{e.message(lang())}</p>
                        }),
                    }
                })}
            </Suspense>
            <h2>{t(Msg::CreateUserTitle)}</h2>
            <ActionForm action=create>
                <Field id="name" name="name" label=t(Msg::NameLabel) autocomplete="off" error=create_error error_id="users-error" />
                <Field id="email" name="email" label=t(Msg::EmailLabel) input_type="email" autocomplete="off" error=create_error error_id="users-error" />
                <Field id="google_email" name="google_email" label=t(Msg::GoogleAddressLabel) input_type="email" autocomplete="off" required=false error=create_error error_id="users-error" />
                <div class="field">
                    <label for="role">{t(Msg::RoleLabel)}</label>
                    <select id="role" name="role">
                        <option value="user" selected>{t(Msg::RoleUser)}</option>
                        <option value="admin">{t(Msg::RoleAdmin)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="language">{t(Msg::LanguageLabel)}</label>
                    <select id="language" name="language">
                        {pforte_shared::Lang::ALL
                            .into_iter()
                            .map(|l| {
                                view! {
                                    <option value=l.code() lang=l.code() selected=l == lang()>
                                        {l.name()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <Submit class="primary">{t(Msg::CreateUserButton)}</Submit>
            </ActionForm>
            <nav class="links">
                <a href="/admin/apps">{t(Msg::Apps)}</a>
                <a href="/">{t(Msg::HomeTitle)}</a>
            </nav>
        </Card>
    }
}

/// "Edit": a disclosure with the user's Google address and "Save" (no script needed).
#[component]
fn EditUser(row: UserRowResponse, edit: ServerAction<SetGoogleAddress>) -> impl IntoView {
    let field = format!("google_email_{}", row.id);
    view! {
        <details class="edit">
            <summary aria-label=fill(t(Msg::EditUserLabel), "name", &row.email)>{t(Msg::EditButton)}</summary>
            <ActionForm action=edit>
                <input type="hidden" name="user_id" value=row.id.to_string() />
                <div class="field">
                    <label for=field.clone()>{t(Msg::GoogleAddressLabel)}</label>
                    <input id=field type="email" name="google_email" autocomplete="off" maxlength="256" value=row.google_email.unwrap_or_default() />
                </div>
                <Submit class="secondary small">{t(Msg::SaveButton)}</Submit>
            </ActionForm>
        </details>
    }
}

/// "Invited", "Active, locked", "Invited, invitation blocked after wrong codes": one text.
fn status_line(row: &UserRowResponse) -> String {
    let mut line = status_text(row.status).to_owned();
    for (on, msg) in [
        (row.two_factor, Msg::StatusTwoFactor),
        (row.invitation_blocked, Msg::StatusInvitationBlocked),
        (row.locked, Msg::StatusLocked),
    ] {
        if on {
            line.push_str(", ");
            line.push_str(t(msg));
        }
    }
    line
}

#[component]
fn UserTable(
    rows: Vec<UserRowResponse>,
    resend: ServerAction<ResendInvitation>,
    reset: ServerAction<SendPasswordReset>,
    reset_two_factor: ServerAction<ResetTwoFactor>,
    status: ServerAction<SetUserActive>,
    unlock: ServerAction<UnlockUser>,
    edit: ServerAction<SetGoogleAddress>,
) -> impl IntoView {
    view! {
        <DataTable labelledby=PAGE_TITLE_ID columns=&[Msg::NameLabel, Msg::EmailLabel, Msg::RoleLabel, Msg::ColumnStatus, Msg::ColumnActions]>
                    {rows
                        .into_iter()
                        .map(|row| {
                            let invited = row.status == UserStatusView::Invited;
                            let id = row.id.to_string();
                            let status_id = id.clone();
                            let unlock_id = id.clone();
                            let reset_id = id.clone();
                            let active = row.status == UserStatusView::Active;
                            let reset_label = fill(t(Msg::SendPasswordResetLabel), "name", &row.email);
                            let two_factor_label = fill(t(Msg::ResetTwoFactorLabel), "name", &row.email);
                            let two_factor_id = id.clone();
                            let editable = row.can_edit_google_address.then(|| row.clone());
                            view! {
                                <tr>
                                    <td>{row.name.clone()}</td>
                                    <td>{row.email.clone()}</td>
                                    <td>{role_text(row.role)}</td>
                                    <td>{status_line(&row)}</td>
                                    <td>
                                        <div class="row-actions">
                                            {invited.then(|| view! {
                                                <ActionForm action=resend>
                                                    <input type="hidden" name="user_id" value=id.clone() />
                                                    <Submit class="secondary small">{t(Msg::ResendInvitation)}</Submit>
                                                </ActionForm>
                                            })}
                                            {active.then(|| view! {
                                                <ActionForm action=reset>
                                                    <input type="hidden" name="user_id" value=reset_id />
                                                    <Submit class="secondary small" attr:aria-label=reset_label>{t(Msg::SendPasswordReset)}</Submit>
                                                </ActionForm>
                                            })}
                                            {(row.two_factor && row.can_change_status).then(|| view! {
                                                <ActionForm action=reset_two_factor>
                                                    <input type="hidden" name="user_id" value=two_factor_id />
                                                    <Submit class="secondary small" attr:aria-label=two_factor_label>{t(Msg::ResetTwoFactor)}</Submit>
                                                </ActionForm>
                                            })}
                                            {row.can_change_status.then(|| {
                                                let disabled = row.status == UserStatusView::Disabled;
                                                let (text, label, active) = if disabled {
                                                    (Msg::Reactivate, Msg::ReactivateLabel, "yes")
                                                } else {
                                                    (Msg::Deactivate, Msg::DeactivateLabel, "no")
                                                };
                                                let label = fill(t(label), "name", &row.email);
                                                view! {
                                                    <ActionForm action=status>
                                                        <input type="hidden" name="user_id" value=status_id />
                                                        <input type="hidden" name="active" value=active />
                                                        <Submit class="secondary small" attr:aria-label=label>{t(text)}</Submit>
                                                    </ActionForm>
                                                }
                                            })}
                                            {row.locked.then(|| view! {
                                                <ActionForm action=unlock>
                                                    <input type="hidden" name="user_id" value=unlock_id />
                                                    <Submit class="secondary small" attr:aria-label=fill(t(Msg::UnlockLabel), "name", &row.email)>{t(Msg::Unlock)}</Submit>
                                                </ActionForm>
                                            })}
                                            {editable.map(|row| view! { <EditUser row edit /> })}
                                        </div>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
        </DataTable>
    }
}
