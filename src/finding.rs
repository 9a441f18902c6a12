//! What a rule reports, and how a fix is expressed: byte-span edits, nothing else.

use crate::model::Origin;
use crate::source::Span;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::sync::Arc;

/// A rule's code (`IAM101`, `ORG001`): a built-in rule's is a constant, a policy's is read
/// from its file at run time. Compares, hashes and orders as the text it holds.
#[derive(Clone)]
pub enum Code {
    Builtin(&'static str),
    Policy(Arc<str>),
}

impl Code {
    pub fn as_str(&self) -> &str {
        match self {
            Code::Builtin(s) => s,
            Code::Policy(s) => s,
        }
    }
}

impl std::ops::Deref for Code {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Code {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&'static str> for Code {
    fn from(s: &'static str) -> Self {
        Code::Builtin(s)
    }
}

impl PartialEq for Code {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Code {}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for Code {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `pad`, not `write_str`: tables align codes with `{:<8}`.
        f.pad(self.as_str())
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// One replacement of a byte range (an insertion when the range is empty).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
}

/// A secondary location that explains the finding (the first of two duplicates, a link
/// in a chain of grants).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// How a `reaching` label starts: suppressions know by it that a finding placed on a value
/// written elsewhere is about the object the label names.
pub const REACHING: &str = "used by ";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<Label>,
    pub fix: Option<Fix>,
    /// For a finding a chain of grants makes (IAM205, IAM303, IAM305): the identity of each
    /// path (`access::chain::identities`), sorted. A baseline records them, so that a new
    /// path to a recorded account is a new finding. Empty for other findings.
    pub chain: Vec<String>,
}

impl Finding {
    /// Severity is set by the engine from the rule's metadata and the configuration.
    pub fn new(code: impl Into<Code>, span: Span, message: impl Into<String>) -> Self {
        Finding {
            code: code.into(),
            severity: Severity::Error,
            span,
            message: message.into(),
            help: None,
            labels: Vec::new(),
            fix: None,
            chain: Vec::new(),
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label { span, message: message.into() });
        self
    }

    /// When the value is written outside the object's own block (a `locals` map entry, a
    /// tfvars value, a variable default), a secondary label at the block names the object
    /// instance it reaches, e.g. `kestra_service_account.accounts["etl"]`.
    pub fn reaching(self, origin: &Origin) -> Self {
        if origin.extent.contains(self.span) {
            return self;
        }
        let message = format!("{REACHING}`{}`", origin.address);
        self.label(origin.span, message)
    }

    pub fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }
}

/// Characters of input a message quotes (between backticks) before the middle is cut:
/// a name is shown whole up to here. A 100 KB name evaluated into three hundred accounts
/// made every message about them 100 KB, 32 MB of output for a 118 KB file.
pub const MAX_QUOTED: usize = 120;
/// Characters of any one text of a finding (message, help, label) at most.
pub const MAX_TEXT: usize = 2_000;

/// `text` with each backtick-quoted run longer than `MAX_QUOTED` characters cut in the
/// middle (`…`), and the whole cut at `MAX_TEXT`; borrowed when nothing is cut.
pub fn shorten_quoted(text: &str) -> std::borrow::Cow<'_, str> {
    let runs: Vec<&str> = text.split('`').collect();
    let long = |s: &str| s.chars().nth(MAX_QUOTED).is_some();
    let too_long = text.chars().nth(MAX_TEXT).is_some();
    if !too_long && !runs.iter().skip(1).step_by(2).any(|r| long(r)) {
        return text.into();
    }
    let mut out = String::new();
    for (i, run) in runs.iter().enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd runs are quoted, unless the last backtick is unpaired.
        if i % 2 == 1 && i + 1 < runs.len() && long(run) {
            let head: String = run.chars().take(MAX_QUOTED * 2 / 3).collect();
            let tail: Vec<char> = run.chars().rev().take(MAX_QUOTED / 4).collect();
            out.push_str(&head);
            out.push('…');
            out.extend(tail.into_iter().rev());
        } else {
            out.push_str(run);
        }
    }
    if let Some((at, _)) = out.char_indices().nth(MAX_TEXT) {
        out.truncate(at);
        out.push('…');
    }
    out.into()
}

#[cfg(test)]
mod shorten_tests {
    use super::*;

    #[test]
    fn long_quoted_runs_are_cut_in_the_middle() {
        assert!(matches!(shorten_quoted("name `short` ok"), std::borrow::Cow::Borrowed(_)));
        let long = format!("a{}z", "é".repeat(500));
        let text = format!("service account `{long}` is bad; rename it to `{long}`");
        let short = shorten_quoted(&text);
        assert!(short.chars().count() < 2 * MAX_QUOTED + 60, "{short}");
        assert!(short.starts_with("service account `aé") && short.ends_with("éz`"), "{short}");
        assert_eq!(short.matches('`').count(), 4);
        let unpaired = format!("x `{}", "b".repeat(5_000));
        assert_eq!(shorten_quoted(&unpaired).chars().count(), MAX_TEXT + 1);
    }
}
