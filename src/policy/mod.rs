//! Policy as code: organisation rules written as YAML files (`--rules DIR`), loaded once
//! per run into that run's `Catalogue`, so that they are selected, re-levelled,
//! suppressed and rendered exactly like built-in rules.
//!
//! - `load`   reads policy files and reports every malformed one (file, line, problem);
//! - `parse`  turns one file's spanned YAML tree into `Policy` values;
//! - `fields` is the field-path vocabulary of each object kind and its resolver;
//! - `eval`   evaluates a policy over the model (three-valued: unknown is never reported);
//! - `doc`    renders a policy for `iamlint explain`.
//!
//! The reference for policy authors is `docs/policies.md`.

mod doc;
mod eval;
mod fields;
mod fix;
mod load;
mod parse;
#[cfg(test)]
mod tests;

pub use doc::{describe, explain};
pub use eval::check;
pub use fields::Subject;
pub use load::{is_policy_file_name, load, LoadError, PolicyError};

use crate::duration::Duration;
use crate::finding::Severity;
use crate::rules::Docs;
use fields::FieldPath;

/// One organisation rule, as written in a policy file.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    /// False for an opt-in policy (`enabled: false`), run only when selected.
    pub enabled: bool,
    pub subject: Subject,
    pub description: Option<String>,
    pub message: Template,
    pub help: Template,
    pub when: Option<Condition>,
    pub assert: Condition,
    pub fix: Option<FixSpec>,
    pub source: Source,
}

/// Where a policy is written, for `iamlint rules`, `iamlint explain` and clash errors.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// The file as the user named it (`rules/org/prefix.yaml`).
    pub path: String,
    pub line: usize,
    /// The rule's own YAML text, dedented.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Test(Test),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Test {
    pub field: FieldPath,
    pub op: Op,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Equals(Scalar),
    In(Vec<Scalar>),
    Matches(Pattern),
    NotMatches(Pattern),
    /// `exists: true` or `absent: false` is `Exists(true)`; the reverse `Exists(false)`.
    Exists(bool),
    MaxLength(usize),
    MinItems(usize),
    MaxItems(usize),
    MaxDuration(Duration),
}

/// An operand, typed by the field it is compared with when the policy is loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scalar {
    Text(String),
    Bool(bool),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Text(s) => f.write_str(s),
            Scalar::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// A compiled regular expression; two patterns are equal when their sources are.
#[derive(Clone, Debug)]
pub struct Pattern(pub regex::Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

/// A message or help text with `{field}` placeholders, checked against the subject's
/// fields when the policy is loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub source: String,
    pub pieces: Vec<Piece>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Text(String),
    Field(FieldPath),
}

/// `fix: {field: extended, value: false}`: set a written field to a value.
#[derive(Clone, Debug, PartialEq)]
pub struct FixSpec {
    pub field: FieldPath,
    pub value: Scalar,
}

/// A policy's documentation, as `iamlint explain` and `iamlint rules` show it.
pub fn docs(policy: &Policy) -> Docs {
    Docs {
        summary: policy
            .description
            .as_deref()
            .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
            .unwrap_or(&policy.message.source)
            .to_string(),
        what: describe(policy),
        why: policy.description.clone().unwrap_or_default(),
        fix_notes: policy.fix.as_ref().map(fix::describe),
        bad: None,
        good: None,
        references: Vec::new(),
    }
}
