//! The built-in rules. Each is one module that declares the rule once (`RULE`: code, name,
//! severity, fix and its safety) and checks the model (`check`); its documentation is data
//! in `rules/<CODE>.toml`, compiled in, so `iamlint explain` and the docs can never drift
//! from the code (a test runs every documented example). The rules of one run, built-in
//! and policies, are a `crate::catalogue::Catalogue` value.

pub(crate) mod edits;
mod legacy_migration;
mod moved;
mod provider_pin;

use crate::access::AccessGraph;
use crate::duration::Duration;
use crate::finding::{Finding, Severity};
use crate::model::Workspace;
use crate::source::Span;
use serde::Deserialize;
use std::sync::OnceLock;

/// Settings rules read, from the command line and the configuration file. Compared whole:
/// nested configurations with equal settings share one run of the rules that read them.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// The files whose findings are kept (`None`: all): a rule that `reads_settings`, run once
    /// per nested configuration's settings, skips the rest rather than build findings and
    /// fixes to be dropped.
    wanted: Option<&'a (dyn Fn(crate::source::FileId) -> bool + Sync)>,
}

impl<'a> Context<'a> {
    pub fn new(ws: &'a Workspace, settings: &'a Settings) -> Self {
        Context { ws, settings, access: OnceLock::new(), wanted: None }
    }

    /// A context whose findings are kept only in the files `wanted` accepts.
    pub fn scoped(
        ws: &'a Workspace,
        settings: &'a Settings,
        wanted: &'a (dyn Fn(crate::source::FileId) -> bool + Sync),
    ) -> Self {
        Context { wanted: Some(wanted), ..Context::new(ws, settings) }
    }

    /// Whether a finding placed at `span` would be kept.
    pub fn wants(&self, span: Span) -> bool {
        self.wanted.is_none_or(|wanted| wanted(span.file))
    }

    /// The access graph, built by the first rule that asks and shared by the others.
    pub fn access(&self) -> &AccessGraph {
        self.access.get_or_init(|| AccessGraph::build(self.ws))
    }
}

/// A built-in rule as its file declares it: everything the engine needs to know about the
/// rule besides its check. The long prose (`docs`) is data in `rules/<CODE>.toml`.
pub struct Declaration {
    pub code: &'static str,
    /// kebab-case; selectable and suppressible like the code.
    pub name: &'static str,
    pub severity: Severity,
    /// False for an opt-in rule, run only when selected.
    pub enabled: bool,
    /// Whether its findings depend on `Settings` (`cx.settings`): with nested configurations
    /// such a rule runs once per distinct settings, every other rule once per run, with one
    /// configuration's settings for all (a test checks each rule keeps its word).
    pub reads_settings: bool,
    pub fix: Fixes,
    pub docs: &'static str,
}

/// Whether a rule's findings carry a fix, and whether applying it is safe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fixes {
    None,
    Always(Safety),
    Sometimes(Safety),
}

/// A fix is safe when it cannot change what Kestra grants or who exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Safety {
    Safe,
    Unsafe,
}

impl Fixes {
    pub fn availability(self) -> FixAvailability {
        match self {
            Fixes::None => FixAvailability::None,
            Fixes::Always(_) => FixAvailability::Always,
            Fixes::Sometimes(_) => FixAvailability::Sometimes,
        }
    }

    pub fn safety(self) -> Option<Safety> {
        match self {
            Fixes::None => None,
            Fixes::Always(s) | Fixes::Sometimes(s) => Some(s),
        }
    }
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// A rule's documentation, as `rules/<CODE>.toml` writes it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
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

/// What the catalogue knows of any rule, built-in or policy.
#[derive(Clone, Debug)]
pub struct RuleMeta {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub enabled: bool,
    /// As its declaration says; a policy reads none.
    pub reads_settings: bool,
    pub fix: FixAvailability,
    /// None when the rule has no fix.
    pub safety: Option<Safety>,
    pub docs: Docs,
}

impl Declaration {
    /// The declaration with its documentation read; a malformed file fails the test suite
    /// (`metadata_matches_code`) long before a user sees it.
    pub fn meta(&self) -> RuleMeta {
        let docs: Docs =
            toml::from_str(self.docs).unwrap_or_else(|e| panic!("rules/{}.toml is malformed: {e}", self.code));
        RuleMeta {
            code: self.code.to_string(),
            name: self.name.to_string(),
            severity: self.severity,
            enabled: self.enabled,
            reads_settings: self.reads_settings,
            fix: self.fix.availability(),
            safety: self.fix.safety(),
            docs,
        }
    }
}

/// The built-in rules, declared by their modules, with each one's check.
macro_rules! builtin_rules {
    ($($module:ident),* $(,)?) => {
        $(mod $module;)*
        /// Every built-in rule in code order: its declaration and its check.
        pub const BUILTIN: &[(&Declaration, Check)] = &[$((&$module::RULE, $module::check)),*];
    };
}

/// A built-in rule's check: findings over the model.
pub type Check = fn(&Context, &mut Vec<Finding>);

builtin_rules! {
    iam001_syntax_error,
    iam002_unknown_key,
    iam101_service_account_name,
    iam102_token_name,
    iam103_duplicate_name,
    iam201_token_never_expires,
    iam202_token_max_age_too_long,
    iam203_token_extended_expiry,
    iam204_invalid_duration,
    iam205_privileged_token,
    iam206_ambiguous_token,
    iam301_super_admin_service_account,
    iam302_wildcard_role,
    iam303_iam_escalation,
    iam304_tenant_wide_binding,
    iam305_secret_access,
    iam306_direct_sa_binding,
    iam401_service_account_missing_group,
    iam402_service_account_personal_info,
    iam403_missing_description,
    iam501_unknown_reference,
    iam502_unknown_permission,
    iam503_legacy_permissions,
    iam504_invalid_binding_type,
    iam601_hardcoded_credential,
    iam602_token_output_not_sensitive,
    iam900_unused_suppression,
}

/// The rules other stages name: front ends record problems under these codes.
pub use iam001_syntax_error::RULE as SYNTAX_ERROR;
pub use iam002_unknown_key::RULE as UNKNOWN_KEY;
pub use iam900_unused_suppression::RULE as UNUSED_SUPPRESSION;

/// A built-in rule's declaration by code or name, case-insensitively: for the stages that
/// run before a catalogue exists (reading the configuration).
pub fn builtin(key: &str) -> Option<&'static Declaration> {
    BUILTIN.iter().map(|(d, _)| *d).find(|d| d.code.eq_ignore_ascii_case(key) || d.name.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_are_consistent() {
        let mut names = std::collections::HashSet::new();
        let mut codes = Vec::new();
        for (d, _) in BUILTIN {
            let meta = d.meta();
            assert!(
                meta.docs.bad.is_some() && meta.docs.good.is_some(),
                "rules/{}.toml needs bad and good examples",
                d.code
            );
            assert!(names.insert(d.name), "duplicate rule name {}", d.name);
            assert!(d.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{} is not kebab-case", d.name);
            codes.push(d.code);
        }
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted, "built-in rules are listed once each, in code order");
    }

    /// A rule whose findings change with `Settings` and does not declare `reads_settings`
    /// would be checked with one configuration's settings for every nested one; one that
    /// declares it for nothing would run once per configuration for nothing. Each rule is
    /// run under two far-apart settings over tokens of every kind of lifetime.
    #[test]
    fn every_rule_declares_whether_it_reads_settings() {
        let ws = crate::lint::load_texts(&[(
            "iam.yaml",
            "groups:\n  - name: bots\nserviceAccounts:\n  - name: Ci_Bot\n    groups: [bots]\n    apiTokens:\n\
             \x20     - name: none\n      - name: week\n        maxAge: P7D\n      - name: year\n        maxAge: P365D\n\
             \x20     - name: bad\n        maxAge: 30d\n      - name: slide\n        maxAge: P30D\n        extended: true\n",
        )]);
        let short = Settings { max_token_age: crate::duration::Duration::days(1) };
        let long = Settings { max_token_age: crate::duration::Duration::days(3650) };
        for rule in crate::catalogue::Catalogue::builtin().rules() {
            let found = |settings: &Settings| {
                let mut out = Vec::new();
                rule.run(&Context::new(&ws, settings), &mut out);
                format!("{out:?}")
            };
            assert_eq!(found(&short) != found(&long), rule.meta.reads_settings, "{}", rule.code);
        }
    }
}
