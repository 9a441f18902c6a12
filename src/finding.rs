//! What a rule reports, and how a fix is expressed: byte-span edits, nothing else.

use crate::model::Origin;
use crate::source::Span;
use serde::{Deserialize, Serialize};

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<Label>,
    pub fix: Option<Fix>,
}

impl Finding {
    /// Severity is set by the engine from the rule's metadata and the configuration.
    pub fn new(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity: Severity::Error,
            span,
            message: message.into(),
            help: None,
            labels: Vec::new(),
            fix: None,
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
        let message = format!("used by `{}`", origin.address);
        self.label(origin.span, message)
    }

    pub fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }
}
