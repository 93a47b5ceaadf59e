//! The notification outbox: how fast one worker delivers what the booking load wrote (to a
//! folder of .eml files, so the mail server's speed is not measured), and the same with two
//! workers sharing the table (two app processes).

use appointments::server::config::Config;
use appointments::server::db::{outbox, Db};
use appointments::server::notify::{MailSettings, Worker};
use std::sync::Arc;
use std::time::Instant;

pub async fn section(db: &Db, config: &Config) {
    let waiting = pending(db).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = config.clone();
    config.mail = MailSettings::Folder {
        dir: dir.path().to_path_buf(),
        from: appointments::server::notify::DEFAULT_MAIL_FROM.into(),
    };
    let config = Arc::new(config);
    let half = waiting / 2;
    let one = Worker::new(db.clone(), config.clone())
        .await
        .expect("worker");
    // First half by one worker, second half by two at once.
    let started = Instant::now();
    let mut sent = 0;
    while sent < half {
        let rows = outbox::claim(db, chrono::Utc::now().timestamp(), 120, 4)
            .await
            .unwrap();
        if rows.is_empty() {
            break;
        }
        sent += one
            .deliver_claimed(rows, chrono::Utc::now())
            .await
            .unwrap()
            .sent;
    }
    let alone = started.elapsed();
    println!(
        "| outbox: one worker delivers {sent} messages (text, HTML, iCalendar; .eml files) | {:.0} messages/s |",
        sent as f64 / alone.as_secs_f64()
    );
    let two = Worker::new(db.clone(), config).await.expect("worker");
    let started = Instant::now();
    let now = chrono::Utc::now();
    let (a, b) = tokio::join!(one.deliver_due(now), two.deliver_due(now));
    let both = a.unwrap().sent + b.unwrap().sent;
    let shared = started.elapsed();
    println!(
        "| outbox: two workers deliver the other {both} | {:.0} messages/s |",
        both as f64 / shared.as_secs_f64()
    );
    let files = std::fs::read_dir(dir.path())
        .map(|d| d.count())
        .unwrap_or(0);
    println!(
        "| outbox: .eml files written / messages sent | {files} / {} |",
        sent + both
    );
}

async fn pending(db: &Db) -> usize {
    let now = chrono::Utc::now().timestamp();
    let sql = format!(
        "SELECT COUNT(*) FROM notifications WHERE state = 'pending' AND next_attempt_at <= {now}"
    );
    db.scalar_i64(&sql).await.unwrap_or(0) as usize
}
