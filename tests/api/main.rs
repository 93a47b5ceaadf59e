//! Integration tests: the same bodies run on SQLite and PostgreSQL.

mod access;
mod auth;
mod availability;
mod booking;
mod hardening;
mod plans;
mod profiles;
mod rescheduling;
mod scheduling;
mod support;
