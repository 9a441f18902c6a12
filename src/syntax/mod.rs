//! Spanned syntax trees for the input languages. Front ends lower these into the model.

pub mod hcl;
pub mod rewrite;
pub mod yaml;
