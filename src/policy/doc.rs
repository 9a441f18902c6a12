//! A policy in words, for `iamlint explain` and the catalogue's metadata.

use super::fields::FieldType;
use super::{fix, Condition, Op, Policy, Scalar, Test};
use crate::rules::RuleMeta;

/// What the policy checks, one condition a line.
pub fn describe(policy: &Policy) -> String {
    let mut out = format!("Applies to {}", policy.subject.plural());
    match &policy.when {
        Some(when) => {
            out.push_str(" where:\n");
            condition(when, 1, &mut out);
        }
        None => out.push_str(".\n"),
    }
    out.push_str("Must hold:\n");
    condition(&policy.assert, 1, &mut out);
    out
}

fn condition(c: &Condition, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    match c {
        Condition::Test(t) => out.push_str(&format!("{indent}- {}\n", test(t))),
        Condition::Not(inner) => {
            out.push_str(&format!("{indent}- not:\n"));
            condition(inner, depth + 1, out);
        }
        Condition::All(parts) | Condition::Any(parts) => {
            let word = if matches!(c, Condition::All(_)) { "all of" } else { "any of" };
            out.push_str(&format!("{indent}- {word}:\n"));
            for p in parts {
                condition(p, depth + 1, out);
            }
        }
    }
}

fn test(t: &Test) -> String {
    let f = &t.field.text;
    // Value tests on a list hold for every item.
    let each = if t.field.ty() == FieldType::List { "every item of " } else { "" };
    let list = |v: &[Scalar]| v.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
    match &t.op {
        Op::Equals(v) => format!("{each}`{f}` equals `{v}`"),
        Op::In(v) => format!("{each}`{f}` is one of {}", list(v)),
        Op::Matches(p) => format!("{each}`{f}` matches `{}`", p.0.as_str()),
        Op::NotMatches(p) => format!("{each}`{f}` does not match `{}`", p.0.as_str()),
        Op::Exists(true) => format!("`{f}` is set"),
        Op::Exists(false) => format!("`{f}` is absent"),
        Op::MaxLength(n) => format!("{each}`{f}` is at most {n} characters long"),
        Op::MinItems(n) => format!("`{f}` has at least {n} item{}", plural(*n)),
        Op::MaxItems(n) => format!("`{f}` has at most {n} item{}", plural(*n)),
        Op::MaxDuration(d) => format!("`{f}` is at most {} ({})", d.to_iso(), d.human()),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `iamlint explain` for a policy: its documentation, its condition in words, and the
/// definition as written.
pub fn explain(m: &RuleMeta, policy: &Policy) -> String {
    let mut out = format!("# {} {}\n\n", m.code, m.name);
    if let Some(d) = &policy.description {
        out.push_str(&format!("{}\n\n", d.trim()));
    }
    out.push_str(&format!(
        "Organisation policy from {}:{}. Default severity: {}{}. Fix: {}.\n\n",
        policy.source.path,
        policy.source.line,
        m.severity.as_str(),
        if m.enabled { "" } else { " (opt-in: enable with --extend-select)" },
        policy
            .fix
            .as_ref()
            .map_or_else(|| "none".to_string(), |f| format!("{}, when the field is written", fix::describe(f)))
    ));
    out.push_str(&format!("## What it checks\n\n{}\n", m.docs.what.trim_end()));
    out.push_str(&format!("\n## Message\n\n{}\n\nhelp: {}\n", policy.message.source, policy.help.source));
    out.push_str(&format!("\n## Definition\n\n```yaml\n{}\n```\n", policy.source.text));
    out
}
