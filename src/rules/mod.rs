//! The rule catalogue. Each rule is one module with a `CODE` and a `check`; its metadata
//! and documentation are data in `rules/<CODE>.toml`, compiled in, so `iamlint explain`
//! and the docs can never drift from the code (a test runs every documented example).

pub(crate) mod edits;
mod iam001_syntax_error;
mod iam002_unknown_key;
mod iam101_service_account_name;
mod iam102_token_name;
mod iam103_duplicate_name;
mod iam201_token_never_expires;
mod iam202_token_max_age_too_long;
mod iam203_token_extended_expiry;
mod iam204_invalid_duration;
mod iam205_privileged_token;
mod iam301_super_admin_service_account;
mod iam302_wildcard_role;
mod iam303_iam_escalation;
mod iam304_tenant_wide_binding;
mod iam305_secret_access;
mod iam306_direct_sa_binding;
mod iam401_service_account_missing_group;
mod iam402_service_account_personal_info;
mod iam403_missing_description;
mod iam501_unknown_reference;
mod iam502_unknown_permission;
mod iam503_legacy_permissions;
mod iam601_hardcoded_credential;
mod iam602_token_output_not_sensitive;
mod iam900_unused_suppression;
mod legacy_migration;

use crate::access::AccessGraph;
use crate::duration::Duration;
use crate::finding::{Finding, Severity};
use crate::model::Workspace;
use serde::Deserialize;
use std::sync::{LazyLock, OnceLock};

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
    access: OnceLock<AccessGraph>,
}

impl<'a> Context<'a> {
    pub fn new(ws: &'a Workspace, settings: &'a Settings) -> Self {
        Context { ws, settings, access: OnceLock::new() }
    }

    /// The access graph, built by the first rule that asks and shared by the others.
    pub fn access(&self) -> &AccessGraph {
        self.access.get_or_init(|| AccessGraph::build(self.ws))
    }
}

/// How a rule finds problems: built-in rules are Rust functions over the model;
/// organisation policies are loaded at run time from YAML (`crate::policy`).
#[derive(Clone)]
pub enum Check {
    Builtin(fn(&Context, &mut Vec<Finding>)),
    Policy(Box<crate::policy::Policy>),
}

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
    /// Every built-in rule documents both (a test checks it); policies may not.
    #[serde(default)]
    pub bad: Option<Example>,
    #[serde(default)]
    pub good: Option<Example>,
    #[serde(default)]
    pub references: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Clone)]
pub struct RuleEntry {
    pub code: &'static str,
    pub check: Check,
    pub meta: RuleMeta,
}

impl RuleEntry {
    pub fn run(&self, cx: &Context, out: &mut Vec<Finding>) {
        match &self.check {
            Check::Builtin(check) => check(cx, out),
            Check::Policy(policy) => crate::policy::check(self.code, policy, cx, out),
        }
    }

    pub fn policy(&self) -> Option<&crate::policy::Policy> {
        match &self.check {
            Check::Policy(p) => Some(p),
            Check::Builtin(_) => None,
        }
    }
}

macro_rules! catalogue {
    ($($code:literal => $module:ident),* $(,)?) => {
        fn load() -> Vec<RuleEntry> {
            vec![$({
                let text = include_str!(concat!("../../rules/", $code, ".toml"));
                let meta: RuleMeta = toml::from_str(text)
                    .unwrap_or_else(|e| panic!("rules/{}.toml is malformed: {e}", $code));
                RuleEntry { code: $module::CODE, check: Check::Builtin($module::check), meta }
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
    "IAM205" => iam205_privileged_token,
    "IAM301" => iam301_super_admin_service_account,
    "IAM302" => iam302_wildcard_role,
    "IAM303" => iam303_iam_escalation,
    "IAM304" => iam304_tenant_wide_binding,
    "IAM305" => iam305_secret_access,
    "IAM306" => iam306_direct_sa_binding,
    "IAM401" => iam401_service_account_missing_group,
    "IAM402" => iam402_service_account_personal_info,
    "IAM403" => iam403_missing_description,
    "IAM501" => iam501_unknown_reference,
    "IAM502" => iam502_unknown_permission,
    "IAM503" => iam503_legacy_permissions,
    "IAM601" => iam601_hardcoded_credential,
    "IAM602" => iam602_token_output_not_sensitive,
    "IAM900" => iam900_unused_suppression,
}

static BUILTIN: LazyLock<Vec<RuleEntry>> = LazyLock::new(load);

/// Built-in rules and the installed policies. Fixed on first use, so that every stage
/// (selection, rules, renderers, suppressions) sees one catalogue for the whole run.
static REGISTRY: OnceLock<Vec<RuleEntry>> = OnceLock::new();

/// Every rule: built-in ones, then installed organisation policies.
pub fn all() -> &'static [RuleEntry] {
    REGISTRY.get_or_init(|| BUILTIN.clone())
}

pub fn builtin() -> &'static [RuleEntry] {
    &BUILTIN
}

/// Adds runtime rules to the catalogue, if it is not in use yet; false when it already is
/// (then `extra` is not called). See `policy::install`.
pub fn install(extra: impl FnOnce() -> Vec<RuleEntry>) -> bool {
    let mut installed = false;
    REGISTRY.get_or_init(|| {
        installed = true;
        let mut rules = BUILTIN.clone();
        rules.extend(extra());
        rules
    });
    installed
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
        for r in builtin() {
            assert_eq!(r.code, r.meta.code, "rules/{}.toml names another code", r.code);
            assert!(r.meta.bad.is_some() && r.meta.good.is_some(), "rules/{}.toml needs bad and good examples", r.code);
            assert!(names.insert(r.meta.name.clone()), "duplicate rule name {}", r.meta.name);
            assert!(
                r.meta.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                r.meta.name
            );
        }
    }
}
