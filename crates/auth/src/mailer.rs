//! Delivery of outbox mails: SMTP through lettre, or — without `PFORTE_SMTP_URL` — the development
//! mailbox, which logs each mail's recipient, subject, links and codes and writes it as `.eml` to a folder.

use crate::outbox::Mail;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    DevMailbox {
        dir: PathBuf,
        from: Mailbox,
    },
}

/// `Auto-Submitted: auto-generated`: mail systems send no vacation replies or other automatic
/// answers to Pforte's mails.
#[derive(Clone, Copy, Debug)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// Why a mail could not be delivered this time. Holds no mail content.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DeliveryError(String);

impl Mailer {
    /// `smtp_url` as in `PFORTE_SMTP_URL` (`smtp://user:pass@host:587?tls=required`); `None` → development mailbox.
    pub fn new(smtp_url: Option<&str>, from: &str, dev_dir: PathBuf) -> Result<Mailer, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("invalid PFORTE_MAIL_FROM: {e}"))?;
        match smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|_| "invalid PFORTE_SMTP_URL: expected smtp://[user:pass@]host[:port][?tls=required]".to_owned())?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build();
                Ok(Mailer::Smtp { transport, from })
            }
            None => Ok(Mailer::DevMailbox { dir: dev_dir, from }),
        }
    }

    fn message(from: &Mailbox, mail: &Mail) -> Result<Message, DeliveryError> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| DeliveryError(format!("bad recipient: {e}")))?;
        Message::builder()
            .from(from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(AutoSubmitted)
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| DeliveryError(format!("cannot build mail: {e}")))
    }

    pub async fn deliver(&self, id: i64, mail: &Mail) -> Result<(), DeliveryError> {
        match self {
            Mailer::Smtp { transport, from } => {
                let message = Mailer::message(from, mail)?;
                transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| DeliveryError(format!("SMTP: {e}")))
            }
            Mailer::DevMailbox { dir, from } => {
                let message = Mailer::message(from, mail)?;
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| DeliveryError(format!("cannot create {}: {e}", dir.display())))?;
                let path = dir.join(format!("{id:06}.eml"));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .map_err(|e| DeliveryError(format!("cannot write {}: {e}", path.display())))?;
                // The development mailbox is for running locally: it shows the links so that a
                // newcomer can follow them. Never configured in production (PFORTE_SMTP_URL set).
                let words = || mail.text.split_whitespace();
                let links: Vec<&str> = words()
                    .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
                    .collect();
                let codes: Vec<&str> = words()
                    .map(|w| w.trim_matches(|c: char| !c.is_ascii_digit()))
                    .filter(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
                    .collect();
                tracing::info!(
                    to = %mail.to,
                    subject = %mail.subject,
                    links = ?links,
                    codes = ?codes,
                    file = %path.display(),
                    "development mailbox"
                );
                Ok(())
            }
        }
    }
}
