//! Server-only code: persistence, the booking service, auth and sessions, HTTP plumbing.

pub mod app;
pub mod auth;
pub mod booking;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod db;
pub mod directory;
pub mod http;
pub mod photos;
pub mod scheduling;
pub mod seed;
pub mod state;
