//! Integration tests: the same bodies run on SQLite and PostgreSQL.

mod access;
mod auth;
mod availability;
mod booking;
mod clinic_day;
mod hardening;
mod idempotency;
mod insight;
mod live;
mod mail;
mod migrations;
mod notifications;
mod pages;
mod plans;
mod profiles;
mod rescheduling;
mod scheduling;
mod sse;
mod staff;
mod support;
mod walk_in_booking;
mod walk_ins;
