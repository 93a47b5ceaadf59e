pub mod availability;
pub mod dashboard;
pub mod services;
