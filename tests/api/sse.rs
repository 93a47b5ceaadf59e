//! A small Server-Sent Events reader for the tests: what a browser's EventSource sees.

use crate::support::Client;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub id: Option<i64>,
    pub event: String,
    pub data: serde_json::Value,
}

pub struct SseStream {
    response: reqwest::Response,
    buffer: String,
}

impl Client {
    /// Opens `GET /api/live{query}`, sending `Last-Event-ID` when given. Panics unless the
    /// answer is a 200 event stream.
    pub async fn live(&self, query: &str, last_event_id: Option<i64>) -> SseStream {
        let response = self.try_live(query, last_event_id).await;
        assert_eq!(response.status(), 200, "live stream refused");
        let content_type = response.headers()["content-type"].to_str().unwrap();
        assert!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        SseStream {
            response,
            buffer: String::new(),
        }
    }

    pub async fn try_live(&self, query: &str, last_event_id: Option<i64>) -> reqwest::Response {
        let mut request = self.http.get(format!("{}/api/live{query}", self.base));
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        request.send().await.expect("live request")
    }
}

impl SseStream {
    /// The next event within `wait`, or `None`. Comments (keep-alives) are skipped.
    pub async fn next(&mut self, wait: Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(event) = self.parse_one() {
                return Some(event);
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk()).await;
            match chunk {
                Ok(Ok(Some(bytes))) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                _ => return None,
            }
        }
    }

    /// Reads events up to and including the first named `name`.
    pub async fn until(&mut self, name: &str, wait: Duration) -> Vec<SseEvent> {
        let mut seen = Vec::new();
        while let Some(event) = self.next(wait).await {
            let done = event.event == name;
            seen.push(event);
            if done {
                return seen;
            }
        }
        panic!("no {name} event within {wait:?}; saw {seen:?}");
    }

    /// The next `appointment` (or `times`) event, skipping others.
    pub async fn next_change(&mut self, wait: Duration) -> Option<SseEvent> {
        while let Some(event) = self.next(wait).await {
            if event.id.is_some() {
                return Some(event);
            }
        }
        None
    }

    fn parse_one(&mut self) -> Option<SseEvent> {
        loop {
            let end = self.buffer.find("\n\n")?;
            let block: String = self.buffer.drain(..end + 2).collect();
            let (mut id, mut event, mut data) = (None, String::from("message"), String::new());
            for line in block.lines() {
                let (field, value) = line.split_once(':').unwrap_or((line, ""));
                let value = value.strip_prefix(' ').unwrap_or(value);
                match field {
                    "id" => id = value.parse().ok(),
                    "event" => event = value.to_string(),
                    "data" => data.push_str(value),
                    _ => {}
                }
            }
            if data.is_empty() {
                continue; // a comment or a retry-only block
            }
            let data = serde_json::from_str(&data).unwrap_or(serde_json::Value::String(data));
            return Some(SseEvent { id, event, data });
        }
    }
}
