//! Policy files, read with the project's spanned YAML tree so that every problem has a
//! line. A file holds one rule (a mapping), a list of rules, or `rules: [...]`; several
//! YAML documents (`---`) are allowed. Every problem in every rule is collected, so one
//! run shows them all.

use super::fields::{self, FieldPath, FieldType, Subject};
use super::load::PolicyError;
use super::{Condition, FixSpec, Op, Pattern, Piece, Policy, Scalar, Source, Template, Test};
use crate::duration::{self, Duration};
use crate::finding::Severity;
use crate::source::SourceFile;
use crate::suggest;
use crate::syntax::yaml::{self, Limits, Node};

const RULE_KEYS: [&str; 11] =
    ["code", "name", "severity", "enabled", "applies-to", "description", "message", "help", "when", "assert", "fix"];
const REQUIRED_KEYS: [&str; 6] = ["code", "name", "severity", "applies-to", "message", "assert"];
pub const OPERATORS: [&str; 10] = [
    "equals",
    "in",
    "matches",
    "not-matches",
    "exists",
    "absent",
    "max-length",
    "min-items",
    "max-items",
    "max-duration",
];
const COMBINATORS: [&str; 3] = ["all", "any", "not"];
const SEVERITIES: [&str; 3] = ["error", "warning", "info"];

/// Every node of a policy becomes a compiled test, run on every object: a policy file has
/// hundreds of nodes, and aliases may not multiply them into the hundreds of thousands
/// (a 0.5 KB file of nested aliases once made 111,111 tests and took minutes). Aliases
/// count as the copies they make, as in manifests.
const LIMITS: Limits = Limits { max_depth: 64, max_nodes: 10_000 };

/// Every rule of one policy file, or the problems that keep some from loading.
pub fn parse_file(display: &str, text: &str) -> (Vec<Policy>, Vec<PolicyError>) {
    let file = SourceFile::new(display.to_string(), display.into(), text.into(), false);
    let mut p = Parser { file: &file, errors: Vec::new() };
    let docs = match yaml::parse(text, LIMITS) {
        Ok(docs) => docs,
        Err(e) => {
            p.error(e.offset, format!("invalid YAML: {}", e.message), None);
            return (Vec::new(), p.errors);
        }
    };
    let mut rules = Vec::new();
    for doc in &docs {
        p.document(doc, &mut rules);
    }
    if rules.is_empty() && p.errors.is_empty() {
        p.error(
            0,
            "the file defines no rule".into(),
            Some("a policy file holds a rule, a list of rules, or `rules: [...]`".into()),
        );
    }
    let policies = rules.into_iter().filter_map(|node| p.rule(node)).collect();
    (policies, p.errors)
}

struct Parser<'a> {
    file: &'a SourceFile,
    errors: Vec<PolicyError>,
}

impl<'a> Parser<'a> {
    fn error(&mut self, offset: usize, message: String, help: Option<String>) {
        let pos = self.file.position(offset);
        self.errors.push(PolicyError::at(&self.file.display, pos, message, help));
    }

    fn document<'n>(&mut self, doc: &'n Node, rules: &mut Vec<&'n Node>) {
        match doc {
            Node::Map { entries, .. } if doc.get("rules").is_some() => {
                for (k, _) in entries.iter().filter(|(k, _)| k.as_str() != Some("rules")) {
                    self.error(k.start(), "a file with `rules:` holds nothing else".into(), None);
                }
                match doc.get("rules") {
                    Some(Node::Seq { items, .. }) => rules.extend(items),
                    Some(other) => self.error(
                        other.start(),
                        format!("`rules` should be a list, found {}", other.kind_name()),
                        None,
                    ),
                    None => {}
                }
            }
            Node::Map { .. } => rules.push(doc),
            Node::Seq { items, .. } => rules.extend(items),
            n if n.is_null() => {}
            other => self.error(
                other.start(),
                format!("expected a rule, a list of rules or `rules: [...]`, found {}", other.kind_name()),
                None,
            ),
        }
    }

    fn rule(&mut self, node: &Node) -> Option<Policy> {
        let before = self.errors.len();
        let Node::Map { entries, .. } = node else {
            self.error(
                node.start(),
                format!("a rule is a mapping with `code`, `name`, ..., found {}", node.kind_name()),
                None,
            );
            return None;
        };
        for (k, _) in entries {
            match k.as_str() {
                Some(key) if RULE_KEYS.contains(&key) => {}
                Some(key) => {
                    let help = suggest::closest(key, RULE_KEYS).map(|s| format!("did you mean `{s}`?"));
                    self.error(k.start(), format!("unknown key `{key}` in a rule"), help);
                }
                None => self.error(k.start(), "a rule's keys are plain words".into(), None),
            }
        }
        let missing: Vec<&str> = REQUIRED_KEYS.iter().copied().filter(|k| node.get(k).is_none()).collect();
        if !missing.is_empty() {
            let list = missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
            self.error(node.start(), format!("the rule has no {list}"), None);
        }
        let code = self.text(node, "code").and_then(|(s, at)| self.code(s, at));
        let name = self.text(node, "name").and_then(|(s, at)| self.name(s, at));
        let severity = self.text(node, "severity").and_then(|(s, at)| self.severity(&s, at));
        let enabled = match node.get("enabled") {
            None => Some(true),
            Some(v) => self.flag(v, "enabled"),
        };
        let subject = self.text(node, "applies-to").and_then(|(s, at)| self.subject(&s, at));
        let description = self.text(node, "description").map(|(s, _)| s);
        // Without a kind, field paths cannot be checked: say so once, not for every path.
        let subject = subject?;
        let message = self.template(node, "message", subject);
        let help = match node.get("help") {
            Some(_) => self.template(node, "help", subject),
            None => None,
        };
        let when = node.get("when").and_then(|c| self.condition(c, subject));
        let assert = node.get("assert").and_then(|c| self.condition(c, subject));
        let fix = node.get("fix").and_then(|f| self.fix(f, subject));
        if self.errors.len() > before {
            return None;
        }
        let name = name?;
        let source = self.source(node);
        let help = match help {
            Some(help) => help,
            None if node.get("help").is_some() => return None,
            None => default_help(&name, &source),
        };
        Some(Policy {
            code: code?,
            name,
            severity: severity?,
            enabled: enabled?,
            subject,
            description,
            message: message?,
            help,
            when,
            assert: assert?,
            fix,
            source,
        })
    }

    /// A required text value; `None` (with an error) when it is not text.
    fn text(&mut self, map: &Node, key: &str) -> Option<(String, usize)> {
        let v = map.get(key)?;
        match v.as_str() {
            Some(s) if !v.is_null() => Some((s.to_string(), v.start())),
            _ => {
                let found = if v.is_null() { "nothing" } else { v.kind_name() };
                self.error(v.start(), format!("`{key}` should be text, found {found}"), None);
                None
            }
        }
    }

    fn flag(&mut self, v: &Node, what: &str) -> Option<bool> {
        let b = v.as_bool();
        if b.is_none() {
            self.error(v.start(), format!("`{what}` should be true or false"), None);
        }
        b
    }

    fn code(&mut self, code: String, at: usize) -> Option<String> {
        let letters = code.bytes().take_while(u8::is_ascii_uppercase).count();
        let valid = letters > 0 && letters < code.len() && code.bytes().skip(letters).all(|b| b.is_ascii_digit());
        if valid {
            return Some(code);
        }
        self.error(
            at,
            format!("code `{code}` should be capital letters then digits"),
            Some("for example ORG001 or SEC12".into()),
        );
        None
    }

    fn name(&mut self, name: String, at: usize) -> Option<String> {
        let valid = name
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
            && name.starts_with(|c: char| c.is_ascii_lowercase());
        if !valid {
            self.error(
                at,
                format!("name `{name}` should be kebab-case"),
                Some("lowercase words joined by '-', such as `sa-team-prefix`".into()),
            );
            return None;
        }
        if name == "all" {
            self.error(at, "`all` is not a rule name: `--select all` means every rule".into(), None);
            return None;
        }
        Some(name)
    }

    fn severity(&mut self, s: &str, at: usize) -> Option<Severity> {
        let sev = Severity::parse(s);
        if sev.is_none() {
            let help = suggest::closest(s, SEVERITIES)
                .map_or_else(|| "one of error, warning, info".to_string(), |h| format!("did you mean `{h}`?"));
            self.error(at, format!("unknown severity `{s}`"), Some(help));
        }
        sev
    }

    fn subject(&mut self, s: &str, at: usize) -> Option<Subject> {
        let subject = Subject::parse(s);
        if subject.is_none() {
            let kinds: Vec<&str> = Subject::ALL.iter().map(|k| k.keyword()).collect();
            let help = suggest::closest(s, kinds.iter().copied())
                .map_or_else(|| format!("one of {}", kinds.join(", ")), |h| format!("did you mean `{h}`?"));
            self.error(at, format!("unknown `applies-to` kind `{s}`"), Some(help));
        }
        subject
    }

    fn field(&mut self, node: &Node, subject: Subject) -> Option<FieldPath> {
        let Some(path) = node.as_str().filter(|_| !node.is_null()) else {
            self.error(node.start(), format!("`field` should be a field path, found {}", node.kind_name()), None);
            return None;
        };
        match fields::lookup(subject, path) {
            Ok(f) => Some(f),
            Err(e) => {
                self.error(node.start(), e.message, e.help);
                None
            }
        }
    }

    fn template(&mut self, rule: &Node, key: &str, subject: Subject) -> Option<Template> {
        let (source, at) = self.text(rule, key)?;
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = source.as_str();
        let before = self.errors.len();
        while let Some(i) = rest.find(['{', '}']) {
            literal.push_str(&rest[..i]);
            let tail = &rest[i..];
            // `{{` and `}}` are literal braces; so is a lone `}`.
            if let Some(r) = tail.strip_prefix("{{") {
                literal.push('{');
                rest = r;
            } else if let Some(r) = tail.strip_prefix("}}").or_else(|| tail.strip_prefix('}')) {
                literal.push('}');
                rest = r;
            } else if let Some(end) = tail.find('}') {
                let path = tail[1..end].trim();
                match fields::lookup(subject, path) {
                    Ok(f) => {
                        if !literal.is_empty() {
                            pieces.push(Piece::Text(std::mem::take(&mut literal)));
                        }
                        pieces.push(Piece::Field(f));
                    }
                    Err(e) => self.error(at, format!("in `{key}`: placeholder {{{path}}}: {}", e.message), e.help),
                }
                rest = &tail[end + 1..];
            } else {
                self.error(
                    at,
                    format!("in `{key}`: `{{` without a closing `}}`"),
                    Some("write `{{` for a literal brace".into()),
                );
                rest = "";
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        (self.errors.len() == before).then_some(Template { source, pieces })
    }

    fn condition(&mut self, node: &Node, subject: Subject) -> Option<Condition> {
        let entries = match node {
            Node::Map { entries, .. } if !entries.is_empty() => entries,
            _ => {
                self.error(
                    node.start(),
                    format!(
                        "a condition is a mapping: a test (`field` and an operator) or `all`, `any`, `not`; found {}",
                        node.kind_name()
                    ),
                    None,
                );
                return None;
            }
        };
        let combinator = entries.iter().find(|(k, _)| k.as_str().is_some_and(|k| COMBINATORS.contains(&k)));
        if let Some((k, v)) = combinator {
            let key = k.as_str().unwrap_or_default();
            if let Some((other, _)) = entries.iter().find(|(o, _)| o.start() != k.start()) {
                self.error(
                    other.start(),
                    format!("`{key}` stands alone in its mapping"),
                    Some(format!("put `{key}` and the other condition under one `all`")),
                );
                return None;
            }
            return match (key, v) {
                ("not", _) => self.condition(v, subject).map(|c| Condition::Not(Box::new(c))),
                (_, Node::Seq { items, .. }) if !items.is_empty() => {
                    let parts: Vec<Option<Condition>> = items.iter().map(|i| self.condition(i, subject)).collect();
                    let parts: Option<Vec<Condition>> = parts.into_iter().collect();
                    let parts = parts?;
                    Some(if key == "all" { Condition::All(parts) } else { Condition::Any(parts) })
                }
                _ => {
                    self.error(v.start(), format!("`{key}` takes a non-empty list of conditions"), None);
                    None
                }
            };
        }
        self.test(node, entries, subject).map(Condition::Test)
    }

    fn test(&mut self, node: &Node, entries: &[(Node, Node)], subject: Subject) -> Option<Test> {
        let before = self.errors.len();
        let mut ops: Vec<(&str, &Node, &Node)> = Vec::new();
        for (k, v) in entries {
            match k.as_str() {
                Some("field") => {}
                Some(key) if OPERATORS.contains(&key) => ops.push((key, k, v)),
                Some(key) => {
                    let known = OPERATORS.iter().chain(&COMBINATORS).chain(&["field"]).copied();
                    let help = suggest::closest(key, known).map_or_else(
                        || format!("operators: {}", OPERATORS.join(", ")),
                        |s| format!("did you mean `{s}`?"),
                    );
                    self.error(k.start(), format!("unknown operator `{key}`"), Some(help));
                }
                None => self.error(k.start(), "an operator is a plain word".into(), None),
            }
        }
        let field = match node.get("field") {
            Some(f) => self.field(f, subject),
            None => {
                self.error(node.start(), "a test needs a `field`".into(), None);
                None
            }
        };
        if let [_, (second, k, _), ..] = ops.as_slice() {
            self.error(
                k.start(),
                format!("a test takes one operator; `{}` is a second one", second),
                Some("combine tests with `all`".into()),
            );
        }
        if ops.is_empty() && self.errors.len() == before {
            self.error(
                node.start(),
                "the test has no operator".into(),
                Some(format!("one of {}", OPERATORS.join(", "))),
            );
        }
        let field = field?;
        let &(op_name, _, operand) = ops.first()?;
        if self.errors.len() > before {
            return None;
        }
        if !applies(op_name, field.ty()) {
            let fitting: Vec<String> = subject
                .paths()
                .into_iter()
                .filter(|p| fields::lookup(subject, p).is_ok_and(|f| applies(op_name, f.ty())))
                .collect();
            let help = if fitting.is_empty() {
                format!("no field of {} takes `{op_name}`", subject.plural())
            } else {
                format!("`{op_name}` applies to {}", fitting.join(", "))
            };
            self.error(
                operand.start(),
                format!("`{op_name}` does not apply to `{}`, {}", field.text, field.ty().noun()),
                Some(help),
            );
            return None;
        }
        let op = self.operand(op_name, operand, &field)?;
        Some(Test { field, op })
    }

    fn operand(&mut self, op: &str, v: &Node, field: &FieldPath) -> Option<Op> {
        Some(match op {
            "equals" => Op::Equals(self.scalar(v, field, op)?),
            "in" => {
                let Node::Seq { items, .. } = v else {
                    self.error(v.start(), "`in` takes a list of values".into(), None);
                    return None;
                };
                if items.is_empty() {
                    self.error(v.start(), "`in` takes a non-empty list of values".into(), None);
                    return None;
                }
                let values: Option<Vec<Scalar>> = items.iter().map(|i| self.scalar(i, field, op)).collect();
                Op::In(values?)
            }
            "matches" | "not-matches" => {
                let text = self.operand_text(v, op)?;
                let re = match regex::Regex::new(&text) {
                    Ok(re) => Pattern(re),
                    Err(e) => {
                        self.error(
                            v.start(),
                            format!("invalid regular expression `{text}`: {}", regex_problem(&e)),
                            None,
                        );
                        return None;
                    }
                };
                if op == "matches" {
                    Op::Matches(re)
                } else {
                    Op::NotMatches(re)
                }
            }
            "exists" => Op::Exists(self.flag(v, op)?),
            "absent" => Op::Exists(!self.flag(v, op)?),
            "max-length" => Op::MaxLength(self.count(v, op)?),
            "min-items" => Op::MinItems(self.count(v, op)?),
            "max-items" => Op::MaxItems(self.count(v, op)?),
            "max-duration" => {
                let text = self.operand_text(v, op)?;
                match threshold(&text) {
                    Ok(d) => Op::MaxDuration(d),
                    Err(why) => {
                        self.error(
                            v.start(),
                            format!("`max-duration` `{text}` {why}"),
                            Some("for example P30D, PT12H or P2W".into()),
                        );
                        return None;
                    }
                }
            }
            _ => return None,
        })
    }

    fn operand_text(&mut self, v: &Node, op: &str) -> Option<String> {
        match v.as_str() {
            Some(s) if !v.is_null() => Some(s.to_string()),
            _ => {
                self.error(v.start(), format!("`{op}` takes text, found {}", v.kind_name()), None);
                None
            }
        }
    }

    /// A value to compare with `field`: true/false for flags, text for everything else.
    fn scalar(&mut self, v: &Node, field: &FieldPath, op: &str) -> Option<Scalar> {
        if v.is_null() {
            self.error(
                v.start(),
                format!("`{op}` needs a value"),
                Some("test for a missing value with `absent: true`".into()),
            );
            return None;
        }
        if field.ty() == FieldType::Bool {
            let b = v.as_bool();
            if b.is_none() {
                self.error(v.start(), format!("`{}` is true or false", field.text), None);
            }
            return b.map(Scalar::Bool);
        }
        match v.as_str() {
            Some(s) => Some(Scalar::Text(s.to_string())),
            None => {
                self.error(v.start(), format!("`{op}` compares with text, found {}", v.kind_name()), None);
                None
            }
        }
    }

    fn count(&mut self, v: &Node, op: &str) -> Option<usize> {
        let n = v.as_str().filter(|_| matches!(v, Node::Scalar(s) if !s.quoted)).and_then(|s| s.parse().ok());
        if n.is_none() {
            self.error(v.start(), format!("`{op}` takes a whole number"), None);
        }
        n
    }

    fn fix(&mut self, node: &Node, subject: Subject) -> Option<FixSpec> {
        let Node::Map { entries, .. } = node else {
            self.error(node.start(), "`fix` is a mapping: `field` and `value`".into(), None);
            return None;
        };
        for (k, _) in entries {
            if !matches!(k.as_str(), Some("field" | "value")) {
                let key = k.as_str().unwrap_or_default();
                let help = suggest::closest(key, ["field", "value"]).map(|s| format!("did you mean `{s}`?"));
                self.error(k.start(), format!("unknown key `{key}` in `fix`"), help);
            }
        }
        let (Some(f), Some(v)) = (node.get("field"), node.get("value")) else {
            self.error(node.start(), "`fix` needs `field` and `value`".into(), None);
            return None;
        };
        let field = self.field(f, subject)?;
        if !field.settable() {
            let settable: Vec<String> = subject
                .paths()
                .into_iter()
                .filter(|p| fields::lookup(subject, p).is_ok_and(|f| f.settable()))
                .collect();
            self.error(
                f.start(),
                format!("a fix cannot set `{}`", field.text),
                Some(format!("a fix sets one of: {}", settable.join(", "))),
            );
            return None;
        }
        let value = self.scalar(v, &field, "value")?;
        if let Scalar::Text(text) = &value {
            if text.chars().any(char::is_control) {
                self.error(v.start(), "a fix value is one line of text".into(), None);
                return None;
            }
            if field.ty() == FieldType::Duration && !duration::parse(text).is_ok_and(|d| d.seconds > 0) {
                self.error(
                    v.start(),
                    format!("`{text}` is not a max age Kestra accepts"),
                    Some("days, hours, minutes or seconds, such as P30D or PT12H".into()),
                );
                return None;
            }
        }
        Some(FixSpec { field, value })
    }

    fn source(&self, node: &Node) -> Source {
        let text = &self.file.text;
        let start = node.start().min(text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let column = start - line_start;
        let body = text.get(line_start..node.end().min(text.len())).unwrap_or("");
        let mut lines = body.lines();
        let mut out = lines.next().map(|l| l.get(column..).unwrap_or(l).to_string()).unwrap_or_default();
        for line in lines {
            out.push('\n');
            let indent = line.len() - line.trim_start_matches(' ').len();
            out.push_str(&line[indent.min(column)..]);
        }
        Source {
            path: self.file.display.clone(),
            line: self.file.position(start).line,
            text: out.trim_end().to_string(),
        }
    }
}

/// Which field types an operator applies to.
fn applies(op: &str, ty: FieldType) -> bool {
    match op {
        "matches" | "not-matches" | "max-length" => ty != FieldType::Bool,
        "min-items" | "max-items" => ty == FieldType::List,
        "max-duration" => ty == FieldType::Duration,
        _ => true,
    }
}

/// A threshold for `max-duration`. Unlike a max age written for Kestra, a threshold may be
/// in weeks (`P2W` is 14 days): it is only compared, never sent to Kestra. Years and months
/// have no fixed length and are refused.
pub fn threshold(text: &str) -> Result<Duration, String> {
    let weeks_in_seconds = text
        .strip_prefix(['P', 'p'])
        .and_then(|r| r.strip_suffix(['W', 'w']))
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<i128>().ok()?.checked_mul(7 * 86_400));
    let date_part = text.split(['T', 't']).next().unwrap_or_default();
    if text.starts_with(['P', 'p']) && date_part.contains(['Y', 'y', 'M', 'm']) {
        return Err("uses years or months, whose length varies".into());
    }
    let d = match (weeks_in_seconds, duration::parse(text)) {
        (Some(seconds), _) => Duration { seconds },
        (None, Ok(d)) => d,
        (None, Err(duration::DurationError::Invalid { reason, .. })) => return Err(reason),
        (None, Err(duration::DurationError::Negative)) => return Err("is negative".into()),
        (None, Err(duration::DurationError::Fractional)) => return Err("has a fraction of a second".into()),
    };
    if d.seconds <= 0 {
        return Err("is not longer than zero".into());
    }
    Ok(d)
}

/// The regex crate's error without its multi-line caret drawing.
fn regex_problem(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map_or_else(|| text.lines().last().unwrap_or_default().trim().to_string(), str::to_string)
}

/// The help of a policy that gives none: where the policy is written, so that whoever meets
/// its finding can read the rule and ask its owners.
fn default_help(name: &str, source: &Source) -> Template {
    // Shown like the paths of findings: from the current folder, when the policy is below it.
    let path = crate::source::shown(std::path::Path::new(&source.path));
    let text = format!("see the organisation policy `{name}` in {path}:{}", source.line);
    Template { source: text.clone(), pieces: vec![Piece::Text(text)] }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "code: ORG001\nname: t\nseverity: error\napplies-to: service-account\nmessage: m\nhelp: h\n";

    /// Each problem as `line:col: message (help)`.
    fn errors(yaml: &str) -> Vec<String> {
        parse_file("p.yaml", yaml)
            .1
            .iter()
            .map(|e| {
                let p = e.position.expect("a position");
                let help = e.help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
                format!("{}:{}: {}{help}", p.line, p.column, e.message)
            })
            .collect()
    }

    fn assert_errors(body: &str) -> Vec<String> {
        errors(&format!("{HEAD}{body}"))
    }

    #[test]
    fn the_three_file_shapes_and_documents() {
        let one = format!("{HEAD}assert: {{field: name, exists: true}}\n");
        assert_eq!(parse_file("p.yaml", &one).0.len(), 1);
        let indented: String =
            one.lines().map(|l| format!("    {l}\n")).collect::<String>().replacen("    ", "  - ", 1);
        let list = format!("{indented}{}", indented.replace("ORG001", "ORG002").replace("name: t", "name: u"));
        let (policies, errors) = parse_file("p.yaml", &list);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(policies.len(), 2);
        assert_eq!(policies[1].source.line, 8);
        assert!(policies[1].source.text.starts_with("code: ORG002\nname: u\n"), "{}", policies[1].source.text);
        let (policies, errors) = parse_file("p.yaml", &format!("rules:\n{list}"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(policies.len(), 2);
        let (policies, _) = parse_file("p.yaml", &format!("{one}---\n{}", one.replace("ORG001", "ORG002")));
        assert_eq!(policies.len(), 2);
    }

    #[test]
    fn file_shape_errors() {
        assert_eq!(
            errors(""),
            ["1:1: the file defines no rule (a policy file holds a rule, a list of rules, or `rules: [...]`)"]
        );
        assert_eq!(errors("rules: {a: 1}\n"), ["1:8: `rules` should be a list, found a mapping"]);
        assert_eq!(errors("rules: []\nother: 1\n"), ["2:1: a file with `rules:` holds nothing else"]);
        assert_eq!(errors("just text\n"), ["1:1: expected a rule, a list of rules or `rules: [...]`, found a scalar"]);
        assert_eq!(errors("- [1]\n"), ["1:3: a rule is a mapping with `code`, `name`, ..., found a list"]);
    }

    #[test]
    fn bad_yaml_names_the_line() {
        let e = errors("code: ORG001\nassert: [a, b\nname: x\n");
        assert_eq!(e.len(), 1);
        assert!(e[0].starts_with("3:") && e[0].contains("invalid YAML"), "{e:?}");
    }

    #[test]
    fn missing_and_unknown_keys() {
        assert_eq!(
            errors("name: t\nseverity: error\napplies-to: token\nmessage: m\nhelp: h\nassert: {field: name, exists: true}\n"),
            ["1:1: the rule has no `code`"]
        );
        assert_eq!(
            errors("code: ORG001\napplies-to: token\n"),
            ["1:1: the rule has no `name`, `severity`, `message`, `assert`"]
        );
        assert_eq!(
            assert_errors("asert: {field: name, exists: true}\n"),
            ["7:1: unknown key `asert` in a rule (did you mean `assert`?)", "1:1: the rule has no `assert`"]
        );
    }

    #[test]
    fn code_name_severity_and_kind_are_checked() {
        let head = |code: &str, name: &str, sev: &str, kind: &str| {
            errors(&format!("code: {code}\nname: {name}\nseverity: {sev}\napplies-to: {kind}\nmessage: m\nhelp: h\nassert: {{field: name, exists: true}}\n"))
        };
        assert_eq!(
            head("org1", "t", "error", "token"),
            ["1:7: code `org1` should be capital letters then digits (for example ORG001 or SEC12)"]
        );
        assert_eq!(head("ORG", "t", "error", "token").len(), 1);
        assert_eq!(
            head("ORG1", "Team_Prefix", "error", "token"),
            ["2:7: name `Team_Prefix` should be kebab-case (lowercase words joined by '-', such as `sa-team-prefix`)"]
        );
        assert_eq!(
            head("ORG1", "all", "error", "token"),
            ["2:7: `all` is not a rule name: `--select all` means every rule"]
        );
        assert_eq!(head("ORG1", "t", "eror", "token"), ["3:11: unknown severity `eror` (did you mean `error`?)"]);
        assert_eq!(
            head("ORG1", "t", "error", "service-acount"),
            ["4:13: unknown `applies-to` kind `service-acount` (did you mean `service-account`?)"]
        );
        assert_eq!(
            head("ORG1", "t", "error", "robot"),
            ["4:13: unknown `applies-to` kind `robot` (one of service-account, token, user, group, role, binding)"]
        );
        assert_eq!(
            errors(&format!("{HEAD}enabled: maybe\nassert: {{field: name, exists: true}}\n")),
            ["7:10: `enabled` should be true or false"]
        );
    }

    #[test]
    fn unknown_operator_suggests_the_right_one() {
        assert_eq!(
            assert_errors("assert: {field: name, match: '^ci-'}\n"),
            ["7:23: unknown operator `match` (did you mean `matches`?)"]
        );
        assert_eq!(
            assert_errors("assert: {field: name, maxlength: 3}\n"),
            ["7:23: unknown operator `maxlength` (did you mean `max-length`?)"]
        );
        assert!(assert_errors("assert: {field: name, frobnicate: 3}\n")[0].contains("(operators: equals, in, matches"));
    }

    #[test]
    fn unknown_field_for_the_kind() {
        assert_eq!(
            assert_errors("assert: {field: nmae, exists: true}\n"),
            ["7:17: unknown field `nmae` for service accounts (did you mean `name`?)"]
        );
        assert_eq!(
            assert_errors("assert: {field: max_age, exists: true}\n"),
            ["7:17: unknown field `max_age` for service accounts (service accounts have: name, description, super_admin, groups, tenant)"]
        );
        assert!(assert_errors("assert: {field: effective.permissions, exists: true}\n")[0].contains("access graph"));
    }

    #[test]
    fn bad_regex() {
        assert_eq!(
            assert_errors("assert: {field: name, matches: '^(ci'}\n"),
            ["7:32: invalid regular expression `^(ci`: unclosed group"]
        );
        assert_eq!(
            assert_errors("assert: {field: name, not-matches: [a]}\n"),
            ["7:36: `not-matches` takes text, found a list"]
        );
    }

    #[test]
    fn test_shape_errors() {
        assert_eq!(
            assert_errors("assert: {field: name, matches: a, max-length: 3}\n"),
            ["7:35: a test takes one operator; `max-length` is a second one (combine tests with `all`)"]
        );
        assert_eq!(assert_errors("assert: {field: name}\n"), ["7:9: the test has no operator (one of equals, in, matches, not-matches, exists, absent, max-length, min-items, max-items, max-duration)"]);
        assert_eq!(assert_errors("assert: {exists: true}\n"), ["7:9: a test needs a `field`"]);
        assert_eq!(
            assert_errors("assert: x\n"),
            ["7:9: a condition is a mapping: a test (`field` and an operator) or `all`, `any`, `not`; found a scalar"]
        );
        assert_eq!(
            assert_errors("assert: {all: [{field: name, exists: true}], field: name}\n"),
            ["7:46: `all` stands alone in its mapping (put `all` and the other condition under one `all`)"]
        );
        assert_eq!(assert_errors("assert: {any: []}\n"), ["7:15: `any` takes a non-empty list of conditions"]);
        assert_eq!(assert_errors("assert: {not: [a]}\n").len(), 1);
        // Problems deep in a tree are found and placed.
        assert_eq!(
            assert_errors("assert:\n  all:\n    - any:\n        - not: {field: name, in: []}\n"),
            ["10:34: `in` takes a non-empty list of values"]
        );
    }

    #[test]
    fn operands_are_typed_by_their_field() {
        assert_eq!(
            assert_errors("assert: {field: name, min-items: 1}\n"),
            ["7:34: `min-items` does not apply to `name`, a text field (`min-items` applies to groups)"]
        );
        assert_eq!(
            assert_errors("assert: {field: super_admin, matches: x}\n"),
            ["7:39: `matches` does not apply to `super_admin`, a true/false field (`matches` applies to name, description, groups, tenant)"]
        );
        assert_eq!(
            assert_errors("assert: {field: name, max-duration: P1D}\n"),
            ["7:37: `max-duration` does not apply to `name`, a text field (no field of service accounts takes `max-duration`)"]
        );
        assert_eq!(
            assert_errors("assert: {field: super_admin, equals: yes}\n"),
            ["7:38: `super_admin` is true or false"]
        );
        assert_eq!(
            assert_errors("assert: {field: name, equals: null}\n"),
            ["7:31: `equals` needs a value (test for a missing value with `absent: true`)"]
        );
        assert_eq!(
            assert_errors("assert: {field: name, max-length: -1}\n"),
            ["7:35: `max-length` takes a whole number"]
        );
        assert_eq!(assert_errors("assert: {field: name, exists: 1}\n"), ["7:31: `exists` should be true or false"]);
    }

    #[test]
    fn durations_in_thresholds() {
        let token = |op: &str| {
            errors(&format!("code: ORG1\nname: t\nseverity: error\napplies-to: token\nmessage: m\nhelp: h\nassert: {{field: max_age, max-duration: {op}}}\n"))
        };
        assert!(token("P30D").is_empty());
        assert!(token("P2W").is_empty());
        assert!(token("pt12h").is_empty());
        assert_eq!(
            token("P1Y"),
            ["7:40: `max-duration` `P1Y` uses years or months, whose length varies (for example P30D, PT12H or P2W)"]
        );
        assert!(token("PT0S")[0].contains("is not longer than zero"));
        assert!(token("-P1D")[0].contains("is negative"));
        assert_eq!(threshold("P2W"), Ok(Duration::days(14)));
        assert!(threshold("P1W") < threshold("P30D"));
    }

    #[test]
    fn placeholders_are_checked() {
        let msg = |m: &str| {
            errors(&format!("code: ORG1\nname: t\nseverity: error\napplies-to: token\nmessage: \"{m}\"\nhelp: h\nassert: {{field: name, exists: true}}\n"))
        };
        assert!(msg("{name} {max_age} {{x}} }").is_empty());
        assert_eq!(msg("{maxAge}"), ["5:10: in `message`: placeholder {maxAge}: unknown field `maxAge` for API tokens (did you mean `max_age`?)"]);
        assert_eq!(msg("{name"), ["5:10: in `message`: `{` without a closing `}` (write `{{` for a literal brace)"]);
    }

    #[test]
    fn fix_errors() {
        let fix = |f: &str| {
            errors(&format!("code: ORG1\nname: t\nseverity: error\napplies-to: token\nmessage: m\nhelp: h\nassert: {{field: name, exists: true}}\nfix: {f}\n"))
        };
        assert!(fix("{field: max_age, value: P30D}").is_empty());
        assert!(fix("{field: extended, value: false}").is_empty());
        assert_eq!(
            fix("{field: owner, value: x}"),
            ["8:14: a fix cannot set `owner` (a fix sets one of: name, description, max_age, extended)"]
        );
        assert_eq!(
            fix("{field: max_age, value: P2W}"),
            ["8:30: `P2W` is not a max age Kestra accepts (days, hours, minutes or seconds, such as P30D or PT12H)"]
        );
        assert_eq!(fix("{field: extended, value: no}"), ["8:31: `extended` is true or false"]);
        assert_eq!(
            fix("{field: name, valeu: x}"),
            ["8:20: unknown key `valeu` in `fix` (did you mean `value`?)", "8:6: `fix` needs `field` and `value`"]
        );
        assert_eq!(fix("set it"), ["8:6: `fix` is a mapping: `field` and `value`"]);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let yaml = "- code: ORG1\n  name: a\n  severity: fatal\n  applies-to: token\n  message: m\n  help: h\n  assert: {field: max_age, max-duration: P1Y}\n\
                    - code: ORG2\n  name: b\n  severity: error\n  applies-to: token\n  message: m\n  help: h\n  assert: {field: nam, exists: true}\n";
        let e = errors(yaml);
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e[0].starts_with("3:13: unknown severity `fatal`"));
        assert!(e[1].starts_with("7:42: `max-duration` `P1Y`"), "{e:?}");
        assert!(e[2].starts_with("14:19: unknown field `nam`"));
    }
}
