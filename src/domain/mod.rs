//! Pure business rules shared by the server and the WASM client: no I/O here.

pub mod clinic_day;
pub mod hours;
pub mod insight;
pub mod models;
pub mod notify;
pub mod profile;
pub mod role;
pub mod schedule;
pub mod status;
pub mod time_range;
pub mod validation;
pub mod walk_in;
pub mod wall_clock;

pub use role::Role;
pub use status::{AppointmentStatus, StatusAction};
pub use time_range::TimeRange;
