//! Evaluating a policy over the model.
//!
//! Tests are three-valued: a test on a value iamlint cannot evaluate is unknown, and
//! `all`/`any`/`not` follow Kleene's logic (`all` is false as soon as one part is false,
//! whatever the others are). A policy selects an object only when `when` is true, and
//! reports it only when `assert` is false, so no finding ever depends on an unknown value.

use super::fields::{self, Env, Item, Object, Value};
use super::{fix, Condition, Op, Piece, Policy, Scalar, Template, Test};
use crate::duration;
use crate::finding::{Code, Finding};
use crate::rules::Context;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown,
}

/// A truth value and the span that decides it (the field that failed), when one does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub truth: Truth,
    pub at: Option<Span>,
}

impl Outcome {
    fn new(truth: Truth, at: Option<Span>) -> Self {
        Outcome { truth, at }
    }

    fn from_bool(b: bool, at: Option<Span>) -> Self {
        Outcome::new(if b { Truth::True } else { Truth::False }, at)
    }

    fn unknown() -> Self {
        Outcome::new(Truth::Unknown, None)
    }
}

/// Reports every object of the policy's kind that `when` selects and `assert` rejects.
pub fn check(code: &Code, policy: &Policy, cx: &Context, out: &mut Vec<Finding>) {
    let env = Env::new(cx);
    for obj in Object::all(env.ws(), policy.subject) {
        if let Some(when) = &policy.when {
            if eval(&env, obj, when).truth != Truth::True {
                continue;
            }
        }
        let outcome = eval(&env, obj, &policy.assert);
        if outcome.truth != Truth::False {
            continue;
        }
        let span = outcome.at.unwrap_or(obj.origin().span);
        let finding = Finding::new(code.clone(), span, render(&env, obj, &policy.message))
            .help(render(&env, obj, &policy.help))
            .fix(policy.fix.as_ref().and_then(|f| fix::fix(env.ws(), obj, f)));
        out.push(finding);
    }
}

pub fn eval(env: &Env, obj: Object, cond: &Condition) -> Outcome {
    match cond {
        Condition::Test(test) => eval_test(env, obj, test),
        Condition::Not(inner) => {
            let o = eval(env, obj, inner);
            let truth = match o.truth {
                Truth::True => Truth::False,
                Truth::False => Truth::True,
                Truth::Unknown => Truth::Unknown,
            };
            Outcome::new(truth, o.at)
        }
        Condition::All(parts) => combine(env, obj, parts, Truth::False),
        Condition::Any(parts) => combine(env, obj, parts, Truth::True),
    }
}

/// `all` (decisive = false) and `any` (decisive = true): the first decisive part decides,
/// at its own span; otherwise an unknown part makes the whole unknown; otherwise every
/// part agrees, and the span is theirs if they share one (else the object's).
fn combine(env: &Env, obj: Object, parts: &[Condition], decisive: Truth) -> Outcome {
    let outcomes: Vec<Outcome> = parts.iter().map(|p| eval(env, obj, p)).collect();
    if let Some(o) = outcomes.iter().find(|o| o.truth == decisive) {
        return *o;
    }
    if outcomes.iter().any(|o| o.truth == Truth::Unknown) {
        return Outcome::unknown();
    }
    let truth = if decisive == Truth::True { Truth::False } else { Truth::True };
    let first = outcomes.first().and_then(|o| o.at);
    let shared = if outcomes.iter().all(|o| o.at == first) { first } else { None };
    Outcome::new(truth, shared)
}

fn eval_test(env: &Env, obj: Object, test: &Test) -> Outcome {
    let value = fields::value(env, obj, &test.field);
    match (&test.op, value) {
        (_, Value::Unknown) => Outcome::unknown(),
        (Op::Exists(want), value) => {
            exists(&value).map_or_else(Outcome::unknown, |(has, at)| Outcome::from_bool(has == *want, at))
        }
        (op @ (Op::MinItems(_) | Op::MaxItems(_)), value) => count(op, &value),
        (op, Value::List { items, complete, span }) => every(op, &items, complete, span),
        (op, Value::Absent) => Outcome::from_bool(on_absent(op), None),
        (op, Value::Text { text, span }) => scalar(op, &Scalar::Text(text), span),
        // A default (unwritten) flag has no span of its own: the object is reported.
        (op, Value::Bool { value, span, written }) => {
            Outcome::new(scalar(op, &Scalar::Bool(value), span).truth, written.then_some(span))
        }
    }
}

/// Whether a field is written with a value: not null, not empty, not an empty list.
fn exists(value: &Value) -> Option<(bool, Option<Span>)> {
    match value {
        Value::Absent => Some((false, None)),
        Value::Unknown => None,
        Value::Text { text, span } => Some((!text.trim().is_empty(), Some(*span))),
        Value::Bool { span, written, .. } => Some((*written, written.then_some(*span))),
        Value::List { items, complete, span } => match items.first() {
            Some(first) => Some((true, span.or(Some(first.span)))),
            None if *complete => Some((false, *span)),
            None => None,
        },
    }
}

/// A test on an absent field: it equals and matches nothing, so `not-matches` holds; an
/// absent text is within any length; an absent max age never expires, beyond any limit.
fn on_absent(op: &Op) -> bool {
    match op {
        Op::Equals(_) | Op::In(_) | Op::Matches(_) | Op::MaxDuration(_) => false,
        Op::NotMatches(_) | Op::MaxLength(_) | Op::MaxItems(_) => true,
        Op::Exists(want) => !want,
        Op::MinItems(min) => *min == 0,
    }
}

fn count(op: &Op, value: &Value) -> Outcome {
    let (n, complete, at) = match value {
        Value::List { items, complete, span } => (items.len(), *complete, span.or(items.first().map(|i| i.span))),
        Value::Absent => (0, true, None),
        // Loading checks `min-items`/`max-items` are used on list fields only.
        _ => return Outcome::unknown(),
    };
    match *op {
        Op::MinItems(min) if n >= min => Outcome::from_bool(true, at),
        Op::MaxItems(max) if n > max => Outcome::from_bool(false, at),
        _ if !complete => Outcome::unknown(),
        Op::MinItems(_) => Outcome::from_bool(false, at),
        _ => Outcome::from_bool(true, at),
    }
}

/// A value test on a list holds when it holds for every item; the first item that fails
/// is where the finding goes.
fn every(op: &Op, items: &[Item], complete: bool, span: Option<Span>) -> Outcome {
    let mut unknown = !complete;
    for item in items {
        let Some(text) = &item.text else {
            unknown = true;
            continue;
        };
        match scalar(op, &Scalar::Text(text.clone()), item.span).truth {
            Truth::False => return Outcome::from_bool(false, Some(item.span)),
            Truth::Unknown => unknown = true,
            Truth::True => {}
        }
    }
    if unknown {
        return Outcome::unknown();
    }
    let at = match items {
        [one] => Some(one.span),
        _ => span,
    };
    Outcome::from_bool(true, at)
}

fn scalar(op: &Op, value: &Scalar, span: Span) -> Outcome {
    let at = Some(span);
    let text = match value {
        Scalar::Text(t) => t.as_str(),
        Scalar::Bool(_) => "",
    };
    match op {
        Op::Equals(want) => Outcome::from_bool(value == want, at),
        Op::In(set) => Outcome::from_bool(set.contains(value), at),
        Op::Matches(p) => Outcome::from_bool(p.0.is_match(text), at),
        Op::NotMatches(p) => Outcome::from_bool(!p.0.is_match(text), at),
        Op::MaxLength(max) => Outcome::from_bool(text.chars().count() <= *max, at),
        Op::MaxDuration(max) => match duration::parse(text) {
            // Zero is "never expires" (IAM201): beyond any limit.
            Ok(d) => Outcome::from_bool(d.seconds > 0 && d <= *max, at),
            // Not a duration Kestra accepts: IAM204's finding, not comparable here.
            Err(_) => Outcome::unknown(),
        },
        // Decided on the whole value before its items are looked at.
        Op::Exists(_) | Op::MinItems(_) | Op::MaxItems(_) => Outcome::unknown(),
    }
}

/// A message or help with its placeholders filled from the object.
pub fn render(env: &Env, obj: Object, template: &Template) -> String {
    let mut out = String::new();
    for piece in &template.pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Field(path) => out.push_str(&show(&fields::value(env, obj, path))),
        }
    }
    out
}

fn show(value: &Value) -> String {
    match value {
        Value::Absent => "none".into(),
        Value::Unknown => "unknown".into(),
        Value::Text { text, .. } => text.clone(),
        Value::Bool { value, .. } => value.to_string(),
        Value::List { items, .. } if items.is_empty() => "none".into(),
        Value::List { items, .. } => {
            items.iter().map(|i| i.text.as_deref().unwrap_or("unknown")).collect::<Vec<_>>().join(", ")
        }
    }
}
