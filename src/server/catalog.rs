//! Validation of the services a doctor offers.

use super::db::services::ServiceFields;
use crate::domain::models::ServiceInput;
use crate::domain::validation::{
    bounded_text, duration_minutes, service_minutes, FieldError, Price, ServiceName,
};

pub const MAX_DESCRIPTION: usize = 2000;

pub struct ValidService {
    name: ServiceName,
    description: String,
    duration_minutes: u32,
    price: Option<Price>,
    buffer_before_minutes: u32,
    buffer_after_minutes: u32,
    slot_step_minutes: Option<u32>,
    video: bool,
}

impl ValidService {
    pub fn parse(input: &ServiceInput) -> Result<ValidService, FieldError> {
        let price = match (input.price_minor, input.currency.as_deref()) {
            (None, _) => None,
            (Some(amount), Some(currency)) => Some(Price::parse(amount, currency)?),
            (Some(amount), None) => Some(Price::parse(amount, "")?),
        };
        Ok(ValidService {
            name: ServiceName::parse(&input.name)?,
            description: bounded_text("description", &input.description, MAX_DESCRIPTION)?,
            duration_minutes: duration_minutes(input.duration_minutes)?,
            price,
            buffer_before_minutes: service_minutes(
                "buffer_before_minutes",
                input.buffer_before_minutes,
                0,
            )?,
            buffer_after_minutes: service_minutes(
                "buffer_after_minutes",
                input.buffer_after_minutes,
                0,
            )?,
            slot_step_minutes: input
                .slot_step_minutes
                .map(|step| service_minutes("slot_step_minutes", step, 5))
                .transpose()?,
            video: input.video,
        })
    }

    pub fn fields(&self) -> ServiceFields<'_> {
        ServiceFields {
            name: self.name.as_str(),
            description: &self.description,
            duration_minutes: self.duration_minutes,
            price: self.price.as_ref(),
            buffer_before_minutes: self.buffer_before_minutes,
            buffer_after_minutes: self.buffer_after_minutes,
            slot_step_minutes: self.slot_step_minutes,
            video: self.video,
        }
    }
}
