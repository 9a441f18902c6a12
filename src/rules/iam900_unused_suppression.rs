//! IAM900 unused-suppression: an `iamlint-ignore` comment that silences nothing, names no
//! rule, has expired, lacks a required reason, or names a rule the configuration makes
//! unsuppressible.
//!
//! Whether a suppression is used depends on every other rule's findings, so the
//! suppression pass (`crate::suppress`) reports this rule after all others have run; the
//! model alone holds nothing for it to check.

use super::Context;
use crate::finding::Finding;

pub const CODE: &str = crate::suppress::UNUSED_SUPPRESSION;

pub fn check(_cx: &Context, _out: &mut Vec<Finding>) {}
