//! Delivery of outbox mails: SMTP through lettre, or — without `PFORTE_SMTP_URL` — the development
//! mailbox, which logs each mail's recipient, subject, links and codes and writes it as `.eml` to a folder.

use crate::outbox::Claimed;
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

/// How a `PFORTE_SMTP_URL` secures its connection to the mail server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// `smtps://`: TLS from the first byte.
    Wrapper,
    /// `?tls=required`: STARTTLS, or no mail.
    Required,
    /// `?tls=opportunistic`: STARTTLS when offered.
    Opportunistic,
    /// Plain `smtp://`.
    None,
}

impl SmtpTls {
    pub fn of(url: &url::Url) -> SmtpTls {
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        match (url.scheme(), tls.as_deref()) {
            ("smtps", _) => SmtpTls::Wrapper,
            (_, Some("required")) => SmtpTls::Required,
            (_, Some("opportunistic")) => SmtpTls::Opportunistic,
            _ => SmtpTls::None,
        }
    }

    /// Mail (codes, links) cannot cross the network readable.
    pub fn is_enforced(self) -> bool {
        matches!(self, SmtpTls::Wrapper | SmtpTls::Required)
    }
}

impl Mailer {
    /// `smtp_url` as in `PFORTE_SMTP_URL` (`smtp://user:pass@host:587?tls=required`); `None` → development mailbox.
    pub fn new(smtp_url: Option<&str>, from: &str, dev_dir: PathBuf) -> Result<Mailer, String> {
        Mailer::with_ca(smtp_url, from, dev_dir, None)
    }

    /// [`Mailer::new`], trusting the PEM certificates `ca_pem` (`PFORTE_SMTP_CA_FILE`: a relay
    /// with a private CA) besides the public roots for the TLS of `smtps://` and `?tls=…`.
    pub fn with_ca(
        smtp_url: Option<&str>,
        from: &str,
        dev_dir: PathBuf,
        ca_pem: Option<&[u8]>,
    ) -> Result<Mailer, String> {
        use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("invalid PFORTE_MAIL_FROM: {e}"))?;
        let Some(url) = smtp_url else {
            return Ok(Mailer::DevMailbox { dir: dev_dir, from });
        };
        let invalid = || {
            "invalid PFORTE_SMTP_URL: expected smtp://[user:pass@]host[:port][?tls=required]"
                .to_owned()
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| invalid())?
            .timeout(Some(std::time::Duration::from_secs(20)));
        if let Some(pem) = ca_pem {
            let parsed = url::Url::parse(url).map_err(|_| invalid())?;
            let host = parsed.host_str().ok_or_else(invalid)?.to_owned();
            const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
            if !pem.windows(BEGIN.len()).any(|w| w == BEGIN) {
                return Err("invalid PFORTE_SMTP_CA_FILE: no PEM certificate in it".to_owned());
            }
            let certificate = Certificate::from_pem(pem)
                .map_err(|e| format!("invalid PFORTE_SMTP_CA_FILE: {e}"))?;
            let parameters = TlsParameters::builder(host)
                .add_root_certificate(certificate)
                .build()
                .map_err(|e| format!("invalid PFORTE_SMTP_CA_FILE: {e}"))?;
            builder = match SmtpTls::of(&parsed) {
                SmtpTls::Wrapper => builder.tls(Tls::Wrapper(parameters)),
                SmtpTls::Required => builder.tls(Tls::Required(parameters)),
                SmtpTls::Opportunistic => builder.tls(Tls::Opportunistic(parameters)),
                SmtpTls::None => {
                    return Err(
                        "PFORTE_SMTP_CA_FILE needs TLS: use smtps:// or ?tls=required in PFORTE_SMTP_URL"
                            .to_owned(),
                    );
                }
            };
        }
        Ok(Mailer::Smtp {
            transport: builder.build(),
            from,
        })
    }

    /// The Message-ID of an outbox mail: the same on every try, so that a mail sent twice (an
    /// instance killed between the relay's "accepted" and recording it) can be told apart — and
    /// dropped by receivers that remove duplicates. A hash of the row's id, time and recipient
    /// under the sender's domain: unique enough, and it does not tell recipients how many mails
    /// Pforte has sent.
    fn message_id(from: &Mailbox, claimed: &Claimed) -> String {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(
            format!("{}:{}:{}", claimed.id, claimed.created_at, claimed.mail.to).as_bytes(),
        );
        format!(
            "<pforte.{}@{}>",
            &hex::encode(digest)[..32],
            from.email.domain()
        )
    }

    fn message(from: &Mailbox, claimed: &Claimed) -> Result<Message, DeliveryError> {
        let mail = &claimed.mail;
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| DeliveryError(format!("bad recipient: {e}")))?;
        Message::builder()
            .from(from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(Mailer::message_id(from, claimed)))
            .header(AutoSubmitted)
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| DeliveryError(format!("cannot build mail: {e}")))
    }

    pub async fn deliver(&self, claimed: &Claimed) -> Result<(), DeliveryError> {
        let (id, mail) = (claimed.id, &claimed.mail);
        match self {
            Mailer::Smtp { transport, from } => {
                let message = Mailer::message(from, claimed)?;
                transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| DeliveryError(format!("SMTP: {e}")))
            }
            Mailer::DevMailbox { dir, from } => {
                let message = Mailer::message(from, claimed)?;
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

#[cfg(test)]
mod tests {
    use super::Mailer;

    /// A self-signed certificate made for this test (its key was thrown away).
    const CA: &str = "-----BEGIN CERTIFICATE-----
MIIBiDCCAS2gAwIBAgIUGzWig2jVmuglIoWoI8loEnGFkoUwCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOcGZvcnRlLXRlc3QtY2EwHhcNMjYxMjA1MTkwNTE5WhcNMzYx
MjAyMTkwNTE5WjAZMRcwFQYDVQQDDA5wZm9ydGUtdGVzdC1jYTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABEpUQwnbV/npTpypSVwz1iBRSTqs+9FYImTG7i875wJM
3Zr6pvuy1BNv8nLiPGyR0XLR9Eyncg3EbiyQ5eWYk+ijUzBRMB0GA1UdDgQWBBQW
rlPfyjzjnZRGKW8rPaIr/EkK9TAfBgNVHSMEGDAWgBQWrlPfyjzjnZRGKW8rPaIr
/EkK9TAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCQ5LJy8hYi
sm26Q7Cy9IncJJhJESt2q2KMp00LxuHdqQIhAPmFwn2ZOK0DxfN1ve0M315mIifn
Ofgo/ICl3yVe9pRa
-----END CERTIFICATE-----
";

    fn with_ca(url: &str, pem: &str) -> Result<Mailer, String> {
        Mailer::with_ca(
            Some(url),
            "Pforte <a@b.example>",
            "unused".into(),
            Some(pem.as_bytes()),
        )
    }

    #[test]
    fn a_private_ca_needs_a_certificate_and_tls() {
        let err = with_ca("smtps://mail.example.com", "not a certificate").err();
        assert!(err.is_some_and(|e| e.contains("no PEM certificate")));
        let err = with_ca("smtp://mail.example.com", CA).err();
        assert!(err.is_some_and(|e| e.contains("needs TLS")));
        for url in [
            "smtps://mail.example.com",
            "smtp://mail.example.com?tls=required",
            "smtp://mail.example.com:2525?tls=opportunistic",
        ] {
            assert!(matches!(with_ca(url, CA), Ok(Mailer::Smtp { .. })), "{url}");
        }
    }
}
