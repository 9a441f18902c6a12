//! Reading one `iamlint-ignore` comment: scope, rule names (with their spans, for fixes that
//! drop one), reason and expiry date.

use super::comments::Comment;
use super::date::Date;
use crate::finding::Code;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `iamlint-ignore-file:` — every finding of the named rules in the file.
    File,
    /// `iamlint-ignore:` — the object or field on the target line (zero-based), if any.
    Line(Option<usize>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Range<usize>,
    /// The rule's code when the name is a known code or rule name.
    pub code: Option<Code>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub comment: Comment,
    pub scope: Scope,
    pub names: Vec<Name>,
    pub reason: Option<String>,
    pub until: Option<Date>,
    /// Why the directive cannot be read; it then silences nothing.
    pub malformed: Option<String>,
}

static UNTIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\buntil\s+(\d\S*)").expect("valid regex"));

/// The directive in a comment, if the comment is one. `resolve` maps a rule name or code
/// to its canonical code.
pub fn parse(text: &str, comment: &Comment, resolve: &dyn Fn(&str) -> Option<Code>) -> Option<Directive> {
    let body = &text[comment.body.clone()];
    let lead = body.len() - body.trim_start().len();
    let start = comment.body.start + lead;
    let rest = &text[start..comment.body.end];
    let (scope, after) = if let Some(r) = rest.strip_prefix("iamlint-ignore-file") {
        (Scope::File, r)
    } else if let Some(r) = rest.strip_prefix("iamlint-ignore") {
        (Scope::Line(None), r)
    } else {
        return None;
    };
    // `iamlint-ignored` is a word, not a directive; `iamlint-ignore IAM401` is a typo for one.
    if after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let mut d =
        Directive { comment: comment.clone(), scope, names: Vec::new(), reason: None, until: None, malformed: None };
    let Some(list) = after.strip_prefix(':') else {
        d.malformed = Some("a suppression needs a `:` before its rules (`iamlint-ignore: IAM401 -- reason`)".into());
        return Some(d);
    };
    let list_start = comment.body.end - list.len();
    let (names, reason) = match list.find("--") {
        Some(i) => (&list[..i], Some(list[i + 2..].trim())),
        None => (list, None),
    };
    // Offsets from the tokens themselves: a separator may be wider than a byte (a
    // non-breaking space), and counting one byte each shifted every later name's span.
    for token in names.split(|c: char| c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()) {
        let at = list_start + (token.as_ptr() as usize - names.as_ptr() as usize);
        d.names.push(Name { text: token.to_string(), span: at..at + token.len(), code: resolve(token) });
    }
    d.reason = reason.filter(|r| !r.is_empty()).map(str::to_string);
    if d.names.is_empty() {
        d.malformed = Some("the suppression names no rule".into());
    } else if let Some(m) = d.reason.as_deref().and_then(|r| UNTIL.captures(r)) {
        match Date::parse(&m[1]) {
            Some(date) => d.until = Some(date),
            None => d.malformed = Some(format!("expiry date `{}` is not a date (write until YYYY-MM-DD)", &m[1])),
        }
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suppress::comments::{comments, Syntax};

    fn resolve(s: &str) -> Option<Code> {
        crate::catalogue::Catalogue::builtin().find(s).map(|r| r.code.clone())
    }

    fn one(text: &str) -> Option<Directive> {
        let c = comments(Syntax::Yaml, text, crate::syntax::yaml::Limits::default()).into_iter().next()?;
        parse(text, &c, &resolve)
    }

    #[test]
    fn codes_names_reason_and_expiry() {
        let text = "a: 1  # iamlint-ignore: IAM401, token-name IAM999 -- migration window, until 2027-03-31\n";
        let d = one(text).unwrap();
        assert_eq!(d.scope, Scope::Line(None));
        let names: Vec<_> = d.names.iter().map(|n| (&text[n.span.clone()], n.code.as_deref())).collect();
        assert_eq!(names, vec![("IAM401", Some("IAM401")), ("token-name", Some("IAM102")), ("IAM999", None)]);
        assert_eq!(d.reason.as_deref(), Some("migration window, until 2027-03-31"));
        assert_eq!(d.until, Some(Date { year: 2027, month: 3, day: 31 }));
        assert_eq!(d.malformed, None);
    }

    #[test]
    fn name_spans_survive_wide_separators() {
        let text = "a: 1  # iamlint-ignore: IAM999\u{a0}IAM401,\u{3000}token-name\n";
        let d = one(text).unwrap();
        let names: Vec<_> = d.names.iter().map(|n| &text[n.span.clone()]).collect();
        assert_eq!(names, ["IAM999", "IAM401", "token-name"]);
    }

    #[test]
    fn file_scope_and_no_reason() {
        let d = one("# iamlint-ignore-file: IAM203\n").unwrap();
        assert_eq!(d.scope, Scope::File);
        assert_eq!(d.reason, None);
        assert_eq!(one("# iamlint-ignore: IAM203 --   \n").unwrap().reason, None);
    }

    #[test]
    fn malformed_and_non_directives() {
        assert!(one("# iamlint-ignore IAM401\n").unwrap().malformed.is_some());
        assert!(one("# iamlint-ignore:\n").unwrap().malformed.is_some());
        assert!(one("# iamlint-ignore: IAM401 -- until 2027-02-30\n").unwrap().malformed.is_some());
        assert!(one("# iamlint-ignored here\n").is_none());
        assert!(one("# see iamlint-ignore: docs\n").is_none());
        let d = one("# iamlint-ignore: IAM401 -- until the migration is done\n").unwrap();
        assert_eq!((d.until, d.malformed), (None, None));
    }
}
