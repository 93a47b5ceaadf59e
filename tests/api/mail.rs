//! A real SMTP server for the tests (aiosmtpd, from `scripts/setup.sh`'s virtualenv) and
//! Python's `email` + `icalendar` to read what it received: parsers independent of ours.

use appointments::server::config::Config;
use appointments::server::notify::{MailSettings, SmtpTls, Worker};
use serde_json::Value;
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

fn python() -> String {
    std::env::var("TEST_PYTHON")
        .unwrap_or_else(|_| format!("{}/target/py/bin/python", env!("CARGO_MANIFEST_DIR")))
}

fn tool(name: &str) -> String {
    format!("{}/tests/tools/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub struct SmtpServer {
    child: Child,
    pub port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        let maildir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("mail"))
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e} (run scripts/setup.sh)", python()));
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return SmtpServer {
                    child,
                    port,
                    maildir,
                };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("aiosmtpd did not start on port {port}");
    }

    /// Every message received so far, oldest first (see tests/tools/read_mail.py).
    pub fn messages(&self) -> Vec<Value> {
        let output = Command::new(python())
            .arg(tool("read_mail.py"))
            .arg(self.maildir.path().join("mail"))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "read_mail.py: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice::<Value>(&output.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    /// Messages to `address`.
    pub fn to(&self, address: &str) -> Vec<Value> {
        self.messages()
            .into_iter()
            .filter(|m| m["to"].as_array().unwrap().iter().any(|a| a == address))
            .collect()
    }

    /// A worker delivering to this server, with `adjust` applied to the app's config.
    pub async fn worker(
        &self,
        app: &crate::support::TestApp,
        adjust: impl FnOnce(&mut Config),
    ) -> Worker {
        let mut config = app.config.clone();
        config.mail = smtp(self.port);
        config.public_url = "https://clinic.example".into();
        adjust(&mut config);
        Worker::new(app.db.clone(), Arc::new(config)).await.unwrap()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn smtp(port: u16) -> MailSettings {
    MailSettings::Smtp {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        credentials: None,
        from: "Test Clinic <clinic@clinic.example>".into(),
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An iCalendar document as `icalendar` reads it (tests/tools/read_ics.py).
pub fn parse_ics(document: &str) -> Value {
    let mut child = Command::new(python())
        .arg(tool("read_ics.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(document.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "read_ics.py: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}
