//! Every mail Pforte sends is written as a [`Letter`]: paragraphs, a call to action (a button), a
//! code set large, links with a lead-in, and small print. It renders a plain-text part and an HTML
//! part; the HTML comes from a maud template, which escapes every value put into it.

use crate::outbox::Mail;
use maud::{DOCTYPE, html};
use pforte_shared::Lang;

/// Who a mail is for, and the language it is written in: the user's.
#[derive(Clone, Copy, Debug)]
pub struct Recipient<'a> {
    pub email: &'a str,
    pub lang: Lang,
    /// The IANA time zone the recipient reads times in.
    pub zone: &'a str,
}

impl Recipient<'_> {
    /// UNIX seconds `at` as the recipient reads them, the zone named.
    pub fn time(&self, at: i64) -> String {
        crate::zone::format_in_zone(at, self.zone, self.lang)
    }
}

impl<'a> From<&'a crate::account::User> for Recipient<'a> {
    fn from(user: &'a crate::account::User) -> Self {
        Recipient {
            email: &user.email,
            lang: user.lang,
            zone: &user.time_zone,
        }
    }
}

/// One block of a letter, in order.
#[derive(Clone)]
enum Block {
    Text(String),
    /// A code, set large in HTML.
    Code(String),
    /// The call to action: a button in HTML, the label and the link on their own lines in text.
    Action {
        label: String,
        link: String,
    },
    /// A link after a sentence that says what it is for ("If this wasn't you:").
    Link {
        lead: String,
        label: String,
        link: String,
    },
    /// Closing lines in smaller print.
    Small(String),
}

/// A mail being written. Its blocks may hold codes and links with tokens: `Debug` leaves them out.
#[derive(Clone)]
pub struct Letter {
    to: String,
    subject: String,
    lang: Lang,
    blocks: Vec<Block>,
}

impl std::fmt::Debug for Letter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Letter")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl Letter {
    /// A letter to `to`, written in their language.
    pub fn to(to: Recipient<'_>, subject: impl Into<String>) -> Letter {
        Letter::new(to.email, subject, to.lang)
    }

    fn new(to: &str, subject: impl Into<String>, lang: Lang) -> Letter {
        Letter {
            to: to.to_owned(),
            subject: subject.into(),
            lang,
            blocks: Vec::new(),
        }
    }

    /// The language the letter is written in.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn text(mut self, text: impl Into<String>) -> Letter {
        self.blocks.push(Block::Text(text.into()));
        self
    }

    pub fn code(mut self, code: impl Into<String>) -> Letter {
        self.blocks.push(Block::Code(code.into()));
        self
    }

    pub fn action(mut self, label: impl Into<String>, link: impl Into<String>) -> Letter {
        self.blocks.push(Block::Action {
            label: label.into(),
            link: link.into(),
        });
        self
    }

    pub fn link(
        mut self,
        lead: impl Into<String>,
        label: impl Into<String>,
        link: impl Into<String>,
    ) -> Letter {
        self.blocks.push(Block::Link {
            lead: lead.into(),
            label: label.into(),
            link: link.into(),
        });
        self
    }

    pub fn small(mut self, text: impl Into<String>) -> Letter {
        self.blocks.push(Block::Small(text.into()));
        self
    }

    fn plain_text(&self) -> String {
        let mut text = String::new();
        for block in &self.blocks {
            match block {
                Block::Text(t) | Block::Code(t) | Block::Small(t) => text.push_str(t),
                Block::Action { label, link } => text.push_str(&format!("{label}:\n{link}")),
                Block::Link { lead, label, link } => {
                    text.push_str(&format!("{lead} {label}:\n{link}"));
                }
            }
            text.push_str("\n\n");
        }
        text.truncate(text.trim_end().len());
        text.push('\n');
        text
    }

    fn html(&self) -> String {
        const BUTTON: &str = "display:inline-block;background:#1f4e79;color:#ffffff;padding:12px 20px;\
                              border-radius:6px;text-decoration:none;font-weight:600";
        html! {
            (DOCTYPE)
            html lang=(self.lang.code()) {
                head {
                    meta charset="utf-8";
                    meta name="color-scheme" content="light dark";
                    title { (self.subject) }
                }
                body style="font-family:system-ui,sans-serif;color:#1b2430;line-height:1.5" {
                    @for block in &self.blocks {
                        @match block {
                            Block::Text(t) => p { (t) },
                            Block::Code(code) => p style="font-size:28px;letter-spacing:6px;font-weight:700" { (code) },
                            Block::Action { label, link } => p { a href=(link) style=(BUTTON) { (label) } },
                            Block::Link { lead, label, link } => p { (lead) " " a href=(link) { (label) } },
                            Block::Small(t) => p style="font-size:13px;color:#4a5563" { (t) },
                        }
                    }
                }
            }
        }
        .into_string()
    }

    /// The finished mail, both parts.
    pub fn build(self) -> Mail {
        Mail {
            text: self.plain_text(),
            html: self.html(),
            to: self.to,
            subject: self.subject,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Mail {
        Letter::new("a@example.com", "Subject <b>", Lang::En)
            .text("Hello <Ben> & \"friends\"")
            .code("123456")
            .action("Go", "https://pforte.test/x?a=1&b=\"2\"")
            .link("Not you?", "This wasn't me", "https://pforte.test/not-me/t")
            .small("Small print")
            .build()
    }

    #[test]
    fn text_part_has_every_block_and_link() {
        let mail = sample();
        assert_eq!(
            mail.text,
            "Hello <Ben> & \"friends\"\n\n123456\n\nGo:\nhttps://pforte.test/x?a=1&b=\"2\"\n\n\
             Not you? This wasn't me:\nhttps://pforte.test/not-me/t\n\nSmall print\n"
        );
    }

    #[test]
    fn debug_leaves_out_codes_and_links() {
        let letter = Letter::new("a@example.com", "Subject", Lang::En)
            .code("123456")
            .action("Go", "https://pforte.test/reset-password/secret");
        let shown = format!("{letter:?} {:?}", letter.clone().build());
        assert!(
            !shown.contains("123456") && !shown.contains("secret"),
            "{shown}"
        );
    }

    #[test]
    fn html_part_escapes_every_value() {
        let mail = sample();
        assert!(mail.html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
        assert!(
            mail.html
                .contains("Hello &lt;Ben&gt; &amp; &quot;friends&quot;")
        );
        assert!(mail.html.contains("<title>Subject &lt;b&gt;</title>"));
        assert!(
            mail.html
                .contains("href=\"https://pforte.test/x?a=1&amp;b=&quot;2&quot;\"")
        );
        assert!(!mail.html.contains("<Ben>"));
        assert!(mail.html.contains(">This wasn't me</a>"));
    }
}
