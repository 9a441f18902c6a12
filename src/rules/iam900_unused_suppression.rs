//! IAM900 unused-suppression: an `iamlint-ignore` comment that silences nothing, names no
//! rule, has expired, lacks a required reason, or names a rule the configuration makes
//! unsuppressible.
//!
//! Whether a suppression is used depends on every other rule's findings, so the
//! suppression pass (`crate::suppress`) reports this rule after all others have run; the
//! model alone holds nothing for it to check.

use super::{Context, Declaration, Fixes, Safety};
use crate::finding::{Finding, Severity};

pub const RULE: Declaration = Declaration {
    code: "IAM900",
    name: "unused-suppression",
    severity: Severity::Warning,
    enabled: true,
    reads_settings: false,
    fix: Fixes::Sometimes(Safety::Safe),
    docs: include_str!("../../rules/IAM900.toml"),
};

pub fn check(_cx: &Context, _out: &mut Vec<Finding>) {}
