//! The rule catalogue. Each rule is one module with a `CODE` and a `check`; its metadata
//! and documentation are data in `rules/<CODE>.toml`, compiled in, so `iamlint explain`
//! and the docs can never drift from the code (a test runs every documented example).

mod edits;
mod iam001_syntax_error;
mod iam002_unknown_key;
mod iam101_service_account_name;
mod iam102_token_name;
mod iam103_duplicate_name;
mod iam201_token_never_expires;
mod iam202_token_max_age_too_long;
mod iam203_token_extended_expiry;
mod iam204_invalid_duration;
mod iam301_super_admin_service_account;
mod iam401_service_account_missing_group;
mod iam402_service_account_personal_info;
mod iam601_hardcoded_credential;
mod iam602_token_output_not_sensitive;

use crate::duration::Duration;
use crate::finding::{Finding, Severity};
use crate::model::Workspace;
use serde::Deserialize;
use std::sync::LazyLock;

/// Settings rules read; filled from the command line and (later) the config file.
#[derive(Clone, Debug)]
pub struct Settings {
    pub max_token_age: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { max_token_age: Duration::days(90) }
    }
}

pub struct Context<'a> {
    pub ws: &'a Workspace,
    pub settings: &'a Settings,
}

pub type Check = fn(&Context, &mut Vec<Finding>);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    None,
    Always,
    Sometimes,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub file: String,
    pub source: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    #[serde(default = "yes")]
    pub enabled: bool,
    pub fix: FixAvailability,
    pub summary: String,
    pub what: String,
    pub why: String,
    #[serde(default)]
    pub fix_notes: Option<String>,
    pub bad: Example,
    pub good: Example,
    #[serde(default)]
    pub references: Vec<String>,
}

fn yes() -> bool {
    true
}

pub struct RuleEntry {
    pub code: &'static str,
    pub check: Check,
    pub meta: RuleMeta,
}

macro_rules! catalogue {
    ($($code:literal => $module:ident),* $(,)?) => {
        fn load() -> Vec<RuleEntry> {
            vec![$({
                let text = include_str!(concat!("../../rules/", $code, ".toml"));
                let meta: RuleMeta = toml::from_str(text)
                    .unwrap_or_else(|e| panic!("rules/{}.toml is malformed: {e}", $code));
                RuleEntry { code: $module::CODE, check: $module::check, meta }
            }),*]
        }
    };
}

catalogue! {
    "IAM001" => iam001_syntax_error,
    "IAM002" => iam002_unknown_key,
    "IAM101" => iam101_service_account_name,
    "IAM102" => iam102_token_name,
    "IAM103" => iam103_duplicate_name,
    "IAM201" => iam201_token_never_expires,
    "IAM202" => iam202_token_max_age_too_long,
    "IAM203" => iam203_token_extended_expiry,
    "IAM204" => iam204_invalid_duration,
    "IAM301" => iam301_super_admin_service_account,
    "IAM401" => iam401_service_account_missing_group,
    "IAM402" => iam402_service_account_personal_info,
    "IAM601" => iam601_hardcoded_credential,
    "IAM602" => iam602_token_output_not_sensitive,
}

static REGISTRY: LazyLock<Vec<RuleEntry>> = LazyLock::new(load);

pub fn all() -> &'static [RuleEntry] {
    &REGISTRY
}

/// A rule by code (`IAM101`) or name (`service-account-name`), case-insensitively.
pub fn find(key: &str) -> Option<&'static RuleEntry> {
    all().iter().find(|r| r.code.eq_ignore_ascii_case(key) || r.meta.name.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_matches_code() {
        let mut names = std::collections::HashSet::new();
        for r in all() {
            assert_eq!(r.code, r.meta.code, "rules/{}.toml names another code", r.code);
            assert!(names.insert(r.meta.name.clone()), "duplicate rule name {}", r.meta.name);
            assert!(
                r.meta.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                r.meta.name
            );
        }
    }
}
