pub mod admin;
pub mod auth;
pub mod doctor;
pub mod doctors;
pub mod home;
pub mod insight;
pub mod lazy;
pub mod my_appointments;
