//! Validation of the services a doctor offers.

use super::db::services::ServiceFields;
use crate::domain::models::ServiceInput;
use crate::domain::validation::{
    bounded_text, duration_minutes, service_minutes, Checks, FieldError, Price, ServiceName,
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
    /// Every field is checked, and every problem reported at once.
    pub fn parse(input: &ServiceInput) -> Result<ValidService, FieldError> {
        let mut checks = Checks::default();
        let price = match (input.price_minor, input.currency.as_deref()) {
            (None, _) => Some(None),
            (Some(amount), currency) => {
                checks.take(Price::parse(amount, currency.unwrap_or_default()).map(Some))
            }
        };
        let name = checks.take(ServiceName::parse(&input.name));
        let description = checks.take(bounded_text(
            "description",
            &input.description,
            MAX_DESCRIPTION,
        ));
        let duration = checks.take(duration_minutes(input.duration_minutes));
        let minutes = |field, value| service_minutes(field, value, 0);
        let before = checks.take(minutes(
            "buffer_before_minutes",
            input.buffer_before_minutes,
        ));
        let after = checks.take(minutes("buffer_after_minutes", input.buffer_after_minutes));
        let step = checks.take(
            input
                .slot_step_minutes
                .map(|step| service_minutes("slot_step_minutes", step, 5))
                .transpose(),
        );
        checks.finish(|| {
            Some(ValidService {
                name: name?,
                description: description?,
                duration_minutes: duration?,
                price: price?,
                buffer_before_minutes: before?,
                buffer_after_minutes: after?,
                slot_step_minutes: step?,
                video: input.video,
            })
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
