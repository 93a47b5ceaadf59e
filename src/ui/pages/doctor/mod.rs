pub mod availability;
pub mod dashboard;
pub mod profile;
pub mod queue;
pub mod services;
pub mod today;
pub mod walk_in_form;
