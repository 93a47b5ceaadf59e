pub mod admin;
pub mod auth;
pub mod book;
pub mod doctor;
pub mod home;
pub mod my_appointments;
