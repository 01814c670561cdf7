//! `service`: TODO.

use bunraku_model::Resource;

use super::{Context, ProviderError};

/// Applies a service resource.
pub fn apply(_res: &Resource, _ctx: &mut Context) -> Result<(), ProviderError> {
    Err(ProviderError::new("not implemented yet"))
}

/// Restarts a service after an event.
pub fn refresh(_res: &Resource, _ctx: &mut Context) -> Result<(), ProviderError> {
    Ok(())
}
