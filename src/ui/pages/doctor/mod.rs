pub mod availability;
pub mod dashboard;
pub mod profile;
pub mod services;
pub mod today;
