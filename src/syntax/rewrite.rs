//! Writing a new value where a scalar is written, in the file's own syntax. Every fix that
//! changes a value goes through `replace`, so that each style is handled once:
//!
//! - the text at the range must read back, with the real parser, as the value the fix
//!   means to replace (a template, a reference, an alias or a span that is not exactly one
//!   scalar gets no replacement);
//! - the replacement keeps the written style where it can hold the new value (quotes stay
//!   the same quotes, a plain scalar stays plain when YAML reads the new text as a string,
//!   a one-line `>-` block keeps its header), else takes the nearest style that can: a
//!   block scalar whose chomping would add a line break, or an HCL heredoc (which always
//!   ends with one), becomes a quoted string;
//! - the replacement must read back, with the real parser, as the new value; else there is
//!   none.
//!
//! The replaced range never reaches past the written value: a block scalar's range ends with
//! its last content line, and a comment on its header line is written back unchanged.

mod hcl;
mod json;
mod yaml;

use std::ops::Range;

/// The syntax a value is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Yaml,
    /// Strict JSON, whose strings are data (manifests, `*.tfvars.json`).
    Json,
    /// Terraform JSON (`*.tf.json`), whose strings are templates (`${` is an interpolation).
    TerraformJson,
    /// HCL (`*.tf`, `*.tfvars`).
    Hcl,
}

/// A scalar value, as a fix reads or writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Str(&'a str),
}

/// A range of the text and what to write there instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replacement {
    pub range: Range<usize>,
    pub text: String,
}

/// How to write `new` where `text[at]` holds a value that reads as `old`, or `None` when
/// it does not read so, or when no replacement that stays within it reads back as `new`.
pub fn replace(syntax: Syntax, text: &str, at: Range<usize>, old: Value, new: Value) -> Option<Replacement> {
    text.get(at.clone())?;
    match syntax {
        Syntax::Yaml => yaml::replace(text, at, old, new),
        Syntax::Json => json::replace(text, at, old, new, false),
        Syntax::TerraformJson => json::replace(text, at, old, new, true),
        Syntax::Hcl => hcl::replace(text, at, old, new),
    }
}

/// Whether a string written where a boolean goes reads as `b` (`"true"`, YAML 1.1's `yes`
/// and `on`, as Jackson reads them).
fn means_bool(s: &str, b: bool) -> bool {
    let words: &[&str] = if b { &["true", "yes", "on", "y"] } else { &["false", "no", "off", "n"] };
    words.iter().any(|w| s.eq_ignore_ascii_case(w))
}

/// Whether a value read from the text is the one a fix expects there. A boolean may be
/// written as a string (Terraform and Jackson convert it), and a policy names the value of
/// a flag as text.
fn reads_as(read: Value, expected: Value) -> bool {
    match (read, expected) {
        (Value::Str(s), Value::Bool(b)) | (Value::Bool(b), Value::Str(s)) => means_bool(s, b),
        (read, expected) => read == expected,
    }
}

#[cfg(test)]
mod tests;
