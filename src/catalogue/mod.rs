//! The rules of one run: the built-in rules and the organisation policies loaded for it,
//! as one value that the pipeline passes to selection, rules, suppression and rendering.
//! Nothing about it is global, so runs with different policy sets can share a process (a
//! test binary, an editor's language server).

mod explain;
pub use explain::explain;

use crate::finding::{Code, Finding};
use crate::policy::{self, Policy};
use crate::rules::{self, Context, FixAvailability, RuleMeta, Safety};
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

/// How a rule finds problems: built-in rules are Rust functions over the model;
/// organisation policies are loaded at run time from YAML (`crate::policy`).
#[derive(Clone)]
pub enum Check {
    Builtin(rules::Check),
    Policy(Box<Policy>),
}

#[derive(Clone)]
pub struct Rule {
    pub code: Code,
    pub check: Check,
    pub meta: RuleMeta,
}

impl Rule {
    pub fn run(&self, cx: &Context, out: &mut Vec<Finding>) {
        match &self.check {
            Check::Builtin(check) => check(cx, out),
            Check::Policy(policy) => policy::check(&self.code, policy, cx, out),
        }
    }

    pub fn policy(&self) -> Option<&Policy> {
        match &self.check {
            Check::Policy(p) => Some(p),
            Check::Builtin(_) => None,
        }
    }
}

#[derive(Clone)]
pub struct Catalogue {
    rules: Vec<Rule>,
}

/// The built-in rules with their documentation parsed, once per process: they are
/// constants, the same for every run.
static BUILTIN: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    rules::BUILTIN
        .iter()
        .map(|(declaration, check)| Rule {
            code: Code::Builtin(declaration.code),
            check: Check::Builtin(*check),
            meta: declaration.meta(),
        })
        .collect()
});

impl Default for Catalogue {
    fn default() -> Self {
        Catalogue::builtin()
    }
}

impl Catalogue {
    /// The built-in rules alone.
    pub fn builtin() -> Catalogue {
        Catalogue { rules: BUILTIN.clone() }
    }

    /// The built-in rules and the policies under `paths` (`--rules`, `rules-dir`).
    pub fn load(paths: &[PathBuf]) -> Result<Catalogue, policy::LoadError> {
        let policies = if paths.is_empty() { Vec::new() } else { policy::load(paths)? };
        Ok(Catalogue::with_policies(policies))
    }

    /// The built-in rules and `policies` (already checked for clashes by `policy::load`).
    pub fn with_policies(policies: Vec<Policy>) -> Catalogue {
        let mut catalogue = Catalogue::builtin();
        catalogue.rules.extend(policies.into_iter().map(policy_rule));
        catalogue
    }

    /// Built-in rules in code order, then policies in the order they were read.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// A rule by code (`IAM101`) or name (`service-account-name`), case-insensitively.
    pub fn find(&self, key: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.code.eq_ignore_ascii_case(key) || r.meta.name.eq_ignore_ascii_case(key))
    }

    /// How safe the fixes of the rule with this code are; unsafe for a code the catalogue
    /// does not know (a fix nobody declared is not trusted).
    pub fn fix_safety(&self, code: &str) -> Safety {
        self.rules.iter().find(|r| *r.code == *code).and_then(|r| r.meta.safety).unwrap_or(Safety::Unsafe)
    }

    /// Whether `--fix` applies this finding's fix without `--unsafe-fixes`.
    pub fn safe_fix(&self, f: &Finding) -> bool {
        f.fix.is_some() && self.fix_safety(&f.code) == Safety::Safe
    }

    /// The rule's name, or "" for a code the catalogue does not know.
    pub fn name_of(&self, code: &str) -> &str {
        self.rules.iter().find(|r| *r.code == *code).map_or("", |r| r.meta.name.as_str())
    }
}

/// A shared catalogue for the stages of one run.
pub type Shared = Arc<Catalogue>;

fn policy_rule(policy: Policy) -> Rule {
    let meta = RuleMeta {
        code: policy.code.clone(),
        name: policy.name.clone(),
        severity: policy.severity,
        enabled: policy.enabled,
        reads_settings: false,
        fix: if policy.fix.is_some() { FixAvailability::Sometimes } else { FixAvailability::None },
        // A policy's fix sets a field the organisation chose: iamlint cannot tell whether
        // it changes what Kestra grants, so it is applied only when asked.
        safety: policy.fix.as_ref().map(|_| Safety::Unsafe),
        docs: policy::docs(&policy),
    };
    Rule { code: Code::Policy(Arc::from(policy.code.as_str())), check: Check::Policy(Box::new(policy)), meta }
}
