//! A small SMTP server for the tests: speaks enough SMTP for lettre, keeps every message it
//! accepted, and can refuse mail (451) to play an outage, or hold each message unanswered at the
//! end of its data (`stall`) to catch senders in the middle of delivering.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    pub refuse: Arc<AtomicBool>,
    pub messages: Arc<Mutex<Vec<String>>>,
    /// While true, a message's final "." gets no answer: the sender waits in the middle of
    /// delivering. A message whose sender goes away meanwhile is not accepted.
    pub stall: Arc<tokio::sync::watch::Sender<bool>>,
    /// Messages held by `stall` right now.
    pub stalled: Arc<AtomicUsize>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
        let sink = SmtpSink {
            port: listener.local_addr().expect("addr").port(),
            refuse: Arc::new(AtomicBool::new(false)),
            messages: Arc::new(Mutex::new(Vec::new())),
            stall: Arc::new(tokio::sync::watch::channel(false).0),
            stalled: Arc::new(AtomicUsize::new(0)),
        };
        let server = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let server = server.clone();
                tokio::spawn(async move { server.session(stream).await });
            }
        });
        sink
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Pforte's SMTP mailer, pointed at this server.
    pub fn mailer(&self) -> pforte_auth::mailer::Mailer {
        pforte_auth::mailer::Mailer::new(
            Some(&self.url()),
            "Pforte <no-reply@pforte.test>",
            "unused".into(),
        )
        .expect("mailer")
    }

    pub fn received(&self) -> Vec<String> {
        self.messages.lock().expect("lock").clone()
    }

    async fn session(&self, stream: tokio::net::TcpStream) {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        let _ = write.write_all(b"220 sink.test ESMTP\r\n").await;
        while let Ok(Some(line)) = lines.next_line().await {
            let verb = line
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250 sink.test\r\n",
                "MAIL" if self.refuse.load(Ordering::SeqCst) => b"451 4.3.0 try again later\r\n",
                "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 OK\r\n",
                "DATA" => {
                    let _ = write.write_all(b"354 go ahead\r\n").await;
                    let mut message = String::new();
                    let mut complete = false;
                    while let Ok(Some(data)) = lines.next_line().await {
                        if data == "." {
                            complete = true;
                            break;
                        }
                        message.push_str(&data);
                        message.push('\n');
                    }
                    if !complete {
                        return;
                    }
                    let mut stall = self.stall.subscribe();
                    if *stall.borrow() {
                        self.stalled.fetch_add(1, Ordering::SeqCst);
                        // The sender says nothing until it has an answer: a line, or the end,
                        // means it went away.
                        let released = tokio::select! {
                            _ = stall.wait_for(|s| !*s) => true,
                            _ = lines.next_line() => false,
                        };
                        self.stalled.fetch_sub(1, Ordering::SeqCst);
                        if !released {
                            return;
                        }
                    }
                    self.messages.lock().expect("lock").push(message);
                    b"250 queued\r\n"
                }
                "QUIT" => {
                    let _ = write.write_all(b"221 bye\r\n").await;
                    return;
                }
                _ => b"502 not implemented\r\n",
            };
            if write.write_all(reply).await.is_err() {
                return;
            }
        }
    }
}

/// The plain-text part of a received message, decoded (lettre writes it as 7bit, quoted-printable
/// or base64, whichever fits).
pub fn plain_text(message: &str) -> String {
    use base64::Engine as _;
    let start = message
        .find("Content-Type: text/plain")
        .unwrap_or_else(|| panic!("no text part: {message}"));
    let part = &message[start..];
    let (head, body) = part.split_once("\n\n").expect("part headers");
    let body = body.split("\n--").next().unwrap_or_default();
    let encoding = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Transfer-Encoding: "))
        .unwrap_or("7bit")
        .trim();
    match encoding {
        "base64" => {
            let joined: String = body.split_whitespace().collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(joined)
                .expect("base64 part");
            String::from_utf8(bytes).expect("utf-8 part")
        }
        "quoted-printable" => {
            let joined = body.replace("=\n", "");
            let mut bytes = Vec::new();
            let raw = joined.as_bytes();
            let mut i = 0;
            while i < raw.len() {
                if raw[i] == b'=' && i + 2 < raw.len() {
                    let hex = std::str::from_utf8(&raw[i + 1..i + 3]).unwrap_or("");
                    if let Ok(b) = u8::from_str_radix(hex, 16) {
                        bytes.push(b);
                        i += 3;
                        continue;
                    }
                }
                bytes.push(raw[i]);
                i += 1;
            }
            String::from_utf8(bytes).expect("utf-8 part")
        }
        _ => body.to_owned(),
    }
}

/// The Message-ID header of a received message.
pub fn message_id(message: &str) -> String {
    message
        .lines()
        .find_map(|line| line.strip_prefix("Message-ID: "))
        .unwrap_or_else(|| panic!("no Message-ID: {message}"))
        .trim()
        .to_owned()
}
