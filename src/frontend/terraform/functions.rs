//! The Terraform functions iamlint evaluates: those real IAM code uses to build names and
//! maps (lower, upper, replace, format, join, split, merge, concat, toset, tomap, lookup,
//! try, coalesce, and a few collection helpers). Any other function is unknown.
//!
//! Functions that pick a value (lookup, try, coalesce, merge, concat) keep the picked
//! value's own span, so a finding still points at the literal; functions that transform
//! one return a computed value spanning the call.

use super::value::{make_set, number_text, Entry, Value, ValueKind};
use crate::source::Span;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Longest string a function or template may build.
pub const MAX_STRING: usize = 1 << 20;

/// Evaluation steps one module may spend.
const FUEL: u64 = 1_000_000;

pub struct Budget {
    fuel: Cell<u64>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { fuel: Cell::new(FUEL) }
    }
}

impl Budget {
    pub fn spend(&self, n: u64) -> bool {
        match self.fuel.get().checked_sub(n) {
            Some(left) => {
                self.fuel.set(left);
                true
            }
            None => {
                self.fuel.set(0);
                false
            }
        }
    }
}

pub fn call(name: &str, args: Vec<Value>, span: Span, budget: &Budget) -> Value {
    let size: usize = args.iter().map(|a| a.items().map_or(1, <[Value]>::len) + a.map().map_or(0, BTreeMap::len)).sum();
    if !budget.spend(size as u64) {
        return Value::unknown(span);
    }
    // Functions that look through errors and unknowns themselves.
    match name {
        "try" => return try_(args, span),
        "can" => {
            return match args.as_slice() {
                [a] if a.is_error() => Value::computed(ValueKind::Bool(false), span),
                [a] if a.is_unknown() => Value::unknown(span),
                [_] => Value::computed(ValueKind::Bool(true), span),
                _ => Value::error(span),
            }
        }
        "coalesce" => return coalesce(args, span),
        "lookup" => return lookup(args, span),
        _ => {}
    }
    if let Some(opaque) = args.iter().find(|a| a.is_opaque()) {
        return if opaque.is_error() { Value::error(span) } else { Value::unknown(span) };
    }
    let text = |i: usize| args.get(i).and_then(Value::to_text);
    let string = |s: String| {
        if s.len() > MAX_STRING {
            Value::unknown(span)
        } else {
            Value::computed(ValueKind::Str(s), span)
        }
    };
    match (name, args.len()) {
        ("lower", 1) => text(0).map_or_else(|| Value::error(span), |s| string(s.to_lowercase())),
        ("upper", 1) => text(0).map_or_else(|| Value::error(span), |s| string(s.to_uppercase())),
        ("trimspace", 1) => text(0).map_or_else(|| Value::error(span), |s| string(s.trim().to_string())),
        ("tostring", 1) => match &args[0].kind {
            ValueKind::Str(_) => args[0].clone(),
            _ => text(0).map_or_else(|| Value::error(span), string),
        },
        ("replace", 3) => match (text(0), text(1), text(2)) {
            (Some(s), Some(from), Some(to)) => replace(&s, &from, &to).map_or_else(|| Value::error(span), string),
            _ => Value::error(span),
        },
        ("format", n) if n >= 1 => match text(0) {
            Some(f) => format(&f, &args[1..]).map_or_else(|| Value::error(span), string),
            None => Value::error(span),
        },
        ("join", n) if n >= 2 => join(&args, span),
        ("split", 2) => match (text(0), text(1)) {
            (Some(sep), Some(s)) => {
                let parts = if sep.is_empty() { s.chars().count() } else { s.matches(sep.as_str()).count() + 1 };
                if !budget.spend(parts as u64) {
                    return Value::unknown(span);
                }
                let parts: Vec<Value> = if sep.is_empty() {
                    s.chars().map(|c| Value::computed(ValueKind::Str(c.to_string()), span)).collect()
                } else {
                    s.split(sep.as_str()).map(|p| Value::computed(ValueKind::Str(p.to_string()), span)).collect()
                };
                Value::computed(ValueKind::List(Rc::new(parts)), span)
            }
            _ => Value::error(span),
        },
        ("merge", _) => merge(&args, span),
        ("concat", _) => {
            let mut out = Vec::new();
            for a in &args {
                match a.items() {
                    Some(items) => out.extend(items.iter().cloned()),
                    None => return Value::error(span),
                }
            }
            Value::computed(ValueKind::List(Rc::new(out)), span)
        }
        ("toset", 1) => match args[0].items() {
            Some(items) => make_set(items, span),
            None => Value::error(span),
        },
        ("tolist", 1) => match args[0].items() {
            Some(items) => Value::computed(ValueKind::List(Rc::new(items.to_vec())), span),
            None => Value::error(span),
        },
        ("tomap", 1) => match &args[0].kind {
            ValueKind::Map(_) => args[0].clone(),
            _ => Value::error(span),
        },
        ("keys", 1) => match args[0].map() {
            Some(m) => {
                let keys = m.iter().map(|(k, e)| e.key_value(k)).collect();
                Value::computed(ValueKind::List(Rc::new(keys)), span)
            }
            None => Value::error(span),
        },
        ("values", 1) => match args[0].map() {
            Some(m) => Value::computed(ValueKind::List(Rc::new(m.values().map(|e| e.value.clone()).collect())), span),
            None => Value::error(span),
        },
        ("length", 1) => {
            let n = match &args[0].kind {
                ValueKind::Str(s) => s.chars().count(),
                ValueKind::List(items) | ValueKind::Set(items) => items.len(),
                ValueKind::Map(m) => m.len(),
                _ => return Value::error(span),
            };
            Value::computed(ValueKind::Number(n as f64), span)
        }
        ("contains", 2) => match args[0].items() {
            Some(items) => {
                let found: Option<Vec<bool>> = items.iter().map(|i| equal(i, &args[1])).collect();
                match found {
                    Some(found) => Value::computed(ValueKind::Bool(found.contains(&true)), span),
                    None => Value::unknown(span),
                }
            }
            None => Value::error(span),
        },
        ("flatten", 1) => {
            let mut out = Vec::new();
            if flatten(&args[0], &mut out, 0) {
                Value::computed(ValueKind::List(Rc::new(out)), span)
            } else {
                Value::unknown(span)
            }
        }
        ("distinct", 1) => match args[0].items() {
            // Comparing every pair: only for lists small enough to be real code.
            Some(items) if !budget.spend((items.len() * items.len()) as u64) => Value::unknown(span),
            Some(items) => {
                let mut out: Vec<Value> = Vec::new();
                for item in items {
                    let mut seen = false;
                    for o in &out {
                        match equal(o, item) {
                            Some(true) => seen = true,
                            Some(false) => {}
                            None => return Value::unknown(span),
                        }
                    }
                    if !seen {
                        out.push(item.clone());
                    }
                }
                Value::computed(ValueKind::List(Rc::new(out)), span)
            }
            None => Value::error(span),
        },
        _ => Value::unknown(span),
    }
}

/// The first argument Terraform can evaluate without an error.
fn try_(args: Vec<Value>, span: Span) -> Value {
    for a in args {
        match a.kind {
            ValueKind::Error => continue,
            // Terraform cannot decide before the value is known, and neither can we.
            ValueKind::Unknown | ValueKind::Ref { .. } => return Value::unknown(span),
            _ => return a,
        }
    }
    Value::error(span)
}

/// The first argument that is neither null nor an empty string.
fn coalesce(args: Vec<Value>, span: Span) -> Value {
    for a in args {
        match &a.kind {
            ValueKind::Error => return Value::error(span),
            ValueKind::Unknown | ValueKind::Ref { .. } => return Value::unknown(span),
            ValueKind::Null => continue,
            ValueKind::Str(s) if s.is_empty() => continue,
            _ => return a,
        }
    }
    Value::error(span)
}

fn lookup(args: Vec<Value>, span: Span) -> Value {
    let (map, key, default) = match args.as_slice() {
        [m, k] => (m, k, None),
        [m, k, d] => (m, k, Some(d)),
        _ => return Value::error(span),
    };
    if map.is_error() || key.is_error() {
        return Value::error(span);
    }
    let (Some(m), Some(k)) = (map.map(), key.to_text()) else {
        return if map.is_unknown() || key.is_unknown() { Value::unknown(span) } else { Value::error(span) };
    };
    match (m.get(&k), default) {
        (Some(e), _) => e.value.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => Value::error(span),
    }
}

fn join(args: &[Value], span: Span) -> Value {
    let Some(sep) = args[0].to_text() else { return Value::error(span) };
    let mut parts = Vec::new();
    for list in &args[1..] {
        let Some(items) = list.items() else { return Value::error(span) };
        for item in items {
            match item.to_text() {
                Some(t) => parts.push(t),
                None if item.is_unknown() => return Value::unknown(span),
                None => return Value::error(span),
            }
        }
    }
    let out = parts.join(&sep);
    if out.len() > MAX_STRING {
        return Value::unknown(span);
    }
    Value::computed(ValueKind::Str(out), span)
}

fn merge(args: &[Value], span: Span) -> Value {
    let mut out: BTreeMap<String, Entry> = BTreeMap::new();
    for a in args {
        match &a.kind {
            ValueKind::Null => {}
            ValueKind::Map(m) => out.extend(m.iter().map(|(k, e)| (k.clone(), e.clone()))),
            _ => return Value::error(span),
        }
    }
    Value::computed(ValueKind::Map(Rc::new(out)), span)
}

/// `replace`: a substring, or a regular expression when written `/.../`.
fn replace(s: &str, from: &str, to: &str) -> Option<String> {
    if from.len() >= 2 && from.starts_with('/') && from.ends_with('/') {
        let re = regex::RegexBuilder::new(&from[1..from.len() - 1]).size_limit(1 << 20).build().ok()?;
        Some(re.replace_all(s, to).into_owned())
    } else if from.is_empty() {
        None
    } else {
        // Refuse to build huge strings before building them.
        let growth = to.len().saturating_sub(from.len()) * s.matches(from).count();
        (s.len() + growth <= MAX_STRING).then(|| s.replace(from, to))
    }
}

/// Terraform's `format` verbs that matter for names: %s %d %v %q %t %f and %%, with flags,
/// width, precision and explicit argument indexes (`%[2]s`).
fn format(spec: &str, args: &[Value]) -> Option<String> {
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        let mut left = false;
        let mut zero = false;
        while let Some(&f) = chars.peek() {
            match f {
                '-' => left = true,
                '0' => zero = true,
                '+' | ' ' | '#' => {}
                _ => break,
            }
            chars.next();
        }
        let digits = |chars: &mut std::iter::Peekable<std::str::Chars>| {
            let mut n: Option<usize> = None;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d as usize));
                chars.next();
            }
            n
        };
        if chars.peek() == Some(&'[') {
            chars.next();
            next = digits(&mut chars)?.checked_sub(1)?;
            if chars.next() != Some(']') {
                return None;
            }
        }
        let width = digits(&mut chars).unwrap_or(0).min(1024);
        let precision = if chars.peek() == Some(&'.') {
            chars.next();
            Some(digits(&mut chars).unwrap_or(0).min(64))
        } else {
            None
        };
        let verb = chars.next()?;
        let arg = args.get(next)?;
        next += 1;
        let text = match (verb, &arg.kind) {
            ('s' | 'v', _) => arg.to_text()?,
            ('d', ValueKind::Number(n)) if n.fract() == 0.0 => number_text(*n),
            ('d', ValueKind::Str(s)) => s.trim().parse::<i64>().ok()?.to_string(),
            ('f', ValueKind::Number(n)) => format!("{:.*}", precision.unwrap_or(6), n),
            ('t', ValueKind::Bool(b)) => b.to_string(),
            ('q', _) => serde_json::to_string(&arg.to_text()?).ok()?,
            _ => return None,
        };
        let pad = width.saturating_sub(text.chars().count());
        if left {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else {
            let fill = if zero && matches!(verb, 'd' | 'f') { '0' } else { ' ' };
            out.extend(std::iter::repeat_n(fill, pad));
            out.push_str(&text);
        }
        if out.len() > MAX_STRING {
            return None;
        }
    }
    Some(out)
}

fn flatten(v: &Value, out: &mut Vec<Value>, depth: usize) -> bool {
    match v.items() {
        Some(items) if depth < 32 => items.iter().all(|i| flatten(i, out, depth + 1)),
        Some(_) => false,
        None if depth == 0 => false,
        None if v.is_opaque() => false,
        None => {
            out.push(v.clone());
            true
        }
    }
}

/// Terraform's `==` on known values; None when either side is not known.
pub fn equal(a: &Value, b: &Value) -> Option<bool> {
    if a.is_opaque() || b.is_opaque() {
        return None;
    }
    Some(match (&a.kind, &b.kind) {
        (ValueKind::Null, ValueKind::Null) => true,
        (ValueKind::Str(x), ValueKind::Str(y)) => x == y,
        (ValueKind::Number(x), ValueKind::Number(y)) => x == y,
        (ValueKind::Bool(x), ValueKind::Bool(y)) => x == y,
        (ValueKind::List(x), ValueKind::List(y)) | (ValueKind::Set(x), ValueKind::Set(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (p, q) in x.iter().zip(y.iter()) {
                if !equal(p, q)? {
                    return Some(false);
                }
            }
            true
        }
        (ValueKind::Map(x), ValueKind::Map(y)) => {
            if x.len() != y.len() || x.keys().ne(y.keys()) {
                return Some(false);
            }
            for (p, q) in x.values().zip(y.values()) {
                if !equal(&p.value, &q.value)? {
                    return Some(false);
                }
            }
            true
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn s(text: &str) -> Value {
        Value::string(text, Span::new(FileId(0), 0, 0))
    }

    fn run(name: &str, args: Vec<Value>) -> Value {
        call(name, args, Span::new(FileId(0), 0, 0), &Budget::default())
    }

    #[test]
    fn string_functions() {
        assert_eq!(run("lower", vec![s("ETL_Bot")]).as_str(), Some("etl_bot"));
        assert_eq!(run("replace", vec![s("a_b_c"), s("_"), s("-")]).as_str(), Some("a-b-c"));
        assert_eq!(run("replace", vec![s("a1b22"), s("/[0-9]+/"), s("-")]).as_str(), Some("a-b-"));
        assert_eq!(run("format", vec![s("%s-%[1]s %q"), s("x"), s("y")]).as_str(), Some("x-x \"y\""));
        assert_eq!(
            run("format", vec![s("%s-%03d"), s("x"), Value::new(ValueKind::Number(7.0), s("").span)]).as_str(),
            Some("x-007")
        );
        assert_eq!(run("format", vec![s("%-4s|%%"), s("ab")]).as_str(), Some("ab  |%"));
    }

    #[test]
    fn picking_functions_keep_spans() {
        let far = Value::string("etl", Span::new(FileId(3), 10, 15));
        let null = Value::new(ValueKind::Null, Span::new(FileId(0), 0, 0));
        let picked = run("coalesce", vec![null, s(""), far.clone()]);
        assert_eq!(picked.span, far.span);
        assert!(!picked.computed);
        let picked = run("try", vec![Value::error(Span::new(FileId(0), 0, 0)), far.clone()]);
        assert_eq!(picked.span, far.span);
        assert!(run("try", vec![Value::unknown(Span::new(FileId(0), 0, 0)), far]).is_unknown());
    }

    #[test]
    fn sets_sort_and_deduplicate() {
        let list = Value::new(ValueKind::List(Rc::new(vec![s("b"), s("a"), s("b")])), s("").span);
        let set = run("toset", vec![list]);
        let items: Vec<&str> = set.items().unwrap().iter().filter_map(Value::as_str).collect();
        assert_eq!(items, ["a", "b"]);
    }

    #[test]
    fn unknown_arguments_make_unknown_results() {
        assert!(run("lower", vec![Value::unknown(s("").span)]).is_unknown());
        assert!(run("no_such_function", vec![s("x")]).is_unknown());
        assert!(run("lower", vec![Value::error(s("").span)]).is_error());
    }

    #[test]
    fn huge_strings_are_refused() {
        let big = s(&"x".repeat(MAX_STRING / 2 + 1));
        assert!(run("replace", vec![big, s("x"), s("yyy")]).is_opaque());
        let budget = Budget::default();
        assert!(budget.spend(FUEL));
        assert!(!budget.spend(1));
    }
}
