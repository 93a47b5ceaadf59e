//! Server functions: the application's HTTP API. Each one is `POST /api/<name>` with a JSON
//! body and answers JSON; errors carry `{"error": kind, "detail": ...}` and an HTTP status
//! (see docs/api.md). Bodies only authenticate, authorise and call one service function.

pub mod admin;
pub mod auth;
pub mod booking;
pub mod clinic_day;
pub mod directory;
pub mod doctor;
pub mod hours;
pub mod insight;
pub mod messages;
