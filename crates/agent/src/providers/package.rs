//! `package`: TODO.

use bunraku_model::Resource;

use super::{Context, ProviderError};

/// Applies a package resource.
pub fn apply(_res: &Resource, _ctx: &mut Context) -> Result<(), ProviderError> {
    Err(ProviderError::new("not implemented yet"))
}
