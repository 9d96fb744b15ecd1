//! `/account/security`: trusted devices ("Remove", "Remove all"), active sessions ("Sign out",
//! "Sign out everywhere else"), recent security activity, "Change password", two-factor
//! authentication and the linked Google account. The page reads all of it in one resource.

use crate::IslandScripts;
use crate::api::{
    ChangePassword, RemoveAllDevices, RemoveDevice, SignOutElsewhere, SignOutSession,
    google_account, security_overview, two_factor_state,
};
use crate::components::alert::{ErrorAlert, FlashStatus, any_error, error_of};
use crate::components::card::Card;
use crate::components::field::Field;
use crate::components::new_password::{NewPasswordFields, SavedUsername};
use crate::components::submit::Submit;
use crate::components::table::DataTable;
use crate::components::time::LocalTime;
use crate::i18n::t;
use crate::pages::google_account::GoogleSection;
use crate::pages::two_factor::TwoFactorSection;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use pforte_shared::i18n::fill;
use pforte_shared::types::{ActivityKind, ActivityView, SessionView, TrustedDeviceView};
use pforte_shared::{AppError, Msg};

fn activity_text(kind: ActivityKind) -> &'static str {
    t(match kind {
        ActivityKind::SignedIn => Msg::ActivitySignedIn,
        ActivityKind::SignInFailed => Msg::ActivitySignInFailed,
        ActivityKind::CodeFailed => Msg::ActivityCodeFailed,
        ActivityKind::DeviceTrusted => Msg::ActivityDeviceTrusted,
        ActivityKind::DeviceRemoved => Msg::ActivityDeviceRemoved,
        ActivityKind::PasswordChanged => Msg::ActivityPasswordChanged,
        ActivityKind::AppCodeFailed => Msg::ActivityAppCodeFailed,
        ActivityKind::TwoFactorOn => Msg::ActivityTwoFactorOn,
        ActivityKind::TwoFactorOff => Msg::ActivityTwoFactorOff,
        ActivityKind::GoogleLinked => Msg::ActivityGoogleLinked,
        ActivityKind::GoogleUnlinked => Msg::ActivityGoogleUnlinked,
    })
}

/// The ids of the sections' headings, which name their tables (and, in `data-table`, the forms
/// that act on a whole table, for the page script to bring the focus back to).
const DEVICES: &str = "devices-title";
const SESSIONS: &str = "sessions-title";
const ACTIVITY: &str = "activity-title";

#[component]
pub fn AccountSecurity() -> impl IntoView {
    let remove = ServerAction::<RemoveDevice>::new();
    let remove_all = ServerAction::<RemoveAllDevices>::new();
    let change = ServerAction::<ChangePassword>::new();
    let sign_out = ServerAction::<SignOutSession>::new();
    let sign_out_elsewhere = ServerAction::<SignOutElsewhere>::new();
    // Everything the page shows, in one resource: the devices, sessions and activity, the
    // two-factor state and the linked Google account.
    let page = Resource::new(
        || (),
        |_| async {
            (
                security_overview().await,
                two_factor_state().await,
                google_account().await,
            )
        },
    );
    let error = any_error(vec![error_of(remove), error_of(remove_all)]);
    let session_error = any_error(vec![error_of(sign_out), error_of(sign_out_elsewhere)]);
    let change_error = error_of(change);
    // What the form post that led here did ("Your password was changed.").
    let flash = crate::flash::take();
    view! {
        <Card title=Msg::Security wide=true>
            <FlashStatus flash />
            <Suspense fallback=|| view! { <p>{t(Msg::Working)}</p> }>
                {move || Suspend::new(async move {
                    let (overview, two_factor, google) = page.await;
                    // The password form fills in the username for password managers.
                    let email = overview.as_ref().ok().map(|o| o.email.clone());
                    // Each part shows its own failure; the others stay usable.
                    let lists = match overview {
                        Ok(o) => EitherOf3::A(view! {
                            <h2 id=DEVICES>{t(Msg::TrustedDevicesTitle)}</h2>
                            <ErrorAlert error />
                            <Devices devices=o.devices remove remove_all />
                            <h2 id=SESSIONS>{t(Msg::ActiveSessionsTitle)}</h2>
                            <ErrorAlert error=session_error />
                            <Sessions sessions=o.sessions sign_out sign_out_elsewhere />
                            <h2 id=ACTIVITY>{t(Msg::ActivityTitle)}</h2>
                            <Activity rows=o.activity />
                        }),
                        Err(AppError::NotSignedIn) => EitherOf3::B(view! {
                            <Redirect path="/login?next=%2Faccount%2Fsecurity" />
                        }),
                        Err(e) => EitherOf3::C(view! { <ErrorAlert error=Some(e) /> }),
                    };
                    view! {
                        {lists}
                        <h2 id="password-title">{t(Msg::ChangePasswordTitle)}</h2>
                        <ActionForm action=change attr:aria-labelledby="password-title">
                            <ErrorAlert error=change_error id="change-error" />
                            {email.map(|email| view! { <SavedUsername email /> })}
                            <Field id="current_password" name="current_password" label=t(Msg::CurrentPasswordLabel) input_type="password" autocomplete="current-password" maxlength=pforte_shared::password::MAX_BYTES as u32 error=change_error error_id="change-error" />
                            <NewPasswordFields name="new_password" repeat_name="new_password_repeat" label=t(Msg::NewPasswordLabel) repeat_label=t(Msg::RepeatNewPasswordLabel) error=change_error error_id="change-error" />
                            <Submit class="primary">{t(Msg::ChangePasswordButton)}</Submit>
                        </ActionForm>
                        <TwoFactorSection state=two_factor />
                        // Nothing when Google sign-in is not configured.
                        {google.transpose().map(|state| view! { <GoogleSection state /> })}
                    }
                })}
            </Suspense>
            <nav class="links"><a href="/">{t(Msg::HomeTitle)}</a></nav>
        </Card>
        <IslandScripts />
    }
}

#[component]
fn Devices(
    devices: Vec<TrustedDeviceView>,
    remove: ServerAction<RemoveDevice>,
    remove_all: ServerAction<RemoveAllDevices>,
) -> impl IntoView {
    if devices.is_empty() {
        return Either::Left(view! { <p>{t(Msg::NoTrustedDevices)}</p> });
    }
    Either::Right(view! {
        <DataTable labelledby=DEVICES columns=&[Msg::ColumnBrowser, Msg::ColumnTrustedSince, Msg::ColumnLastUsed, Msg::ColumnExpires, Msg::ColumnActions]>
                    {devices
                        .into_iter()
                        .map(|d| {
                            let label = fill(t(Msg::RemoveDeviceLabel), "name", &d.browser);
                            view! {
                                <tr>
                                    <td>
                                        {d.browser.clone()}
                                        {d.current.then(|| view! { " " <span class="badge">{t(Msg::ThisDevice)}</span> })}
                                    </td>
                                    <td><LocalTime at=d.created_at /></td>
                                    <td><LocalTime at=d.last_used_at relative=true /></td>
                                    <td><LocalTime at=d.expires_at /></td>
                                    <td>
                                        <ActionForm action=remove>
                                            <input type="hidden" name="device_id" value=d.id.to_string() />
                                            <Submit class="secondary small" attr:aria-label=label>{t(Msg::Remove)}</Submit>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
        </DataTable>
        <ActionForm action=remove_all attr:data-table=DEVICES>
            <Submit class="secondary">{t(Msg::RemoveAll)}</Submit>
        </ActionForm>
    })
}

#[component]
fn Sessions(
    sessions: Vec<SessionView>,
    sign_out: ServerAction<SignOutSession>,
    sign_out_elsewhere: ServerAction<SignOutElsewhere>,
) -> impl IntoView {
    let others = sessions.iter().any(|s| !s.current);
    view! {
        <DataTable labelledby=SESSIONS columns=&[Msg::ColumnBrowser, Msg::ColumnIp, Msg::ColumnSignedIn, Msg::ColumnLastActive, Msg::ColumnActions]>
                    {sessions
                        .into_iter()
                        .map(|s| {
                            let label = fill(
                                t(Msg::SignOutSessionLabel),
                                "name",
                                &format!("{} ({})", s.browser, s.ip),
                            );
                            view! {
                                <tr>
                                    <td>{s.browser.clone()}</td>
                                    <td>{s.ip.clone()}</td>
                                    <td><LocalTime at=s.created_at /></td>
                                    <td><LocalTime at=s.last_seen_at relative=true /></td>
                                    <td>
                                        {if s.current {
                                            Either::Left(view! { <span class="badge">{t(Msg::ThisSession)}</span> })
                                        } else {
                                            Either::Right(view! {
                                                <ActionForm action=sign_out>
                                                    <input type="hidden" name="session_id" value=s.id.to_string() />
                                                    <Submit class="secondary small" attr:aria-label=label>{t(Msg::SignOut)}</Submit>
                                                </ActionForm>
                                            })
                                        }}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
        </DataTable>
        {others.then(|| view! {
            <ActionForm action=sign_out_elsewhere attr:data-table=SESSIONS>
                <Submit class="secondary">{t(Msg::SignOutEverywhereElse)}</Submit>
            </ActionForm>
        })}
    }
}

#[component]
fn Activity(rows: Vec<ActivityView>) -> impl IntoView {
    if rows.is_empty() {
        return Either::Left(view! { <p>{t(Msg::NoActivity)}</p> });
    }
    Either::Right(view! {
        <DataTable labelledby=ACTIVITY columns=&[Msg::ColumnTime, Msg::ColumnEvent, Msg::ColumnBrowser, Msg::ColumnIp]>
                    {rows
                        .into_iter()
                        .map(|a| view! {
                            <tr>
                                <td><LocalTime at=a.at relative=true /></td>
                                <td>{activity_text(a.kind)}</td>
                                <td>{a.browser}</td>
                                <td>{a.ip}</td>
                            </tr>
                        })
                        .collect_view()}
        </DataTable>
    })
}
