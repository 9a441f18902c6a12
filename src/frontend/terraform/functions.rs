//! The Terraform functions iamlint evaluates: those real IAM code uses to build names and
//! maps (lower, upper, replace, format, join, split, merge, concat, toset, tomap, lookup,
//! try, coalesce, and a few collection helpers). Any other function is unknown.
//!
//! Functions that pick a value (lookup, try, coalesce, merge, concat) keep the picked
//! value's own span, so a finding still points at the literal; functions that transform
//! one return a computed value spanning the call.

use super::value::{make_set, number_text, Entry, K, V};
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

pub fn call(name: &str, args: Vec<V>, span: Span, budget: &Budget) -> V {
    let size: usize = args.iter().map(|a| a.items().map_or(1, <[V]>::len) + a.map().map_or(0, BTreeMap::len)).sum();
    if !budget.spend(size as u64) {
        return V::unknown(span);
    }
    // Functions that look through errors and unknowns themselves.
    match name {
        "try" => return try_(args, span),
        "can" => {
            return match args.as_slice() {
                [a] if a.is_error() => V::computed(K::Bool(false), span),
                [a] if a.is_unknown() => V::unknown(span),
                [_] => V::computed(K::Bool(true), span),
                _ => V::error(span),
            }
        }
        "coalesce" => return coalesce(args, span),
        "lookup" => return lookup(args, span),
        _ => {}
    }
    if let Some(opaque) = args.iter().find(|a| a.is_opaque()) {
        return if opaque.is_error() { V::error(span) } else { V::unknown(span) };
    }
    let text = |i: usize| args.get(i).and_then(V::to_text);
    let string = |s: String| {
        if s.len() > MAX_STRING {
            V::unknown(span)
        } else {
            V::computed(K::Str(s), span)
        }
    };
    match (name, args.len()) {
        ("lower", 1) => text(0).map_or_else(|| V::error(span), |s| string(s.to_lowercase())),
        ("upper", 1) => text(0).map_or_else(|| V::error(span), |s| string(s.to_uppercase())),
        ("trimspace", 1) => text(0).map_or_else(|| V::error(span), |s| string(s.trim().to_string())),
        ("tostring", 1) => match &args[0].kind {
            K::Str(_) => args[0].clone(),
            _ => text(0).map_or_else(|| V::error(span), string),
        },
        ("replace", 3) => match (text(0), text(1), text(2)) {
            (Some(s), Some(from), Some(to)) => replace(&s, &from, &to).map_or_else(|| V::error(span), string),
            _ => V::error(span),
        },
        ("format", n) if n >= 1 => match text(0) {
            Some(f) => format(&f, &args[1..]).map_or_else(|| V::error(span), string),
            None => V::error(span),
        },
        ("join", n) if n >= 2 => join(&args, span),
        ("split", 2) => match (text(0), text(1)) {
            (Some(sep), Some(s)) => {
                let parts = if sep.is_empty() { s.chars().count() } else { s.matches(sep.as_str()).count() + 1 };
                if !budget.spend(parts as u64) {
                    return V::unknown(span);
                }
                let parts: Vec<V> = if sep.is_empty() {
                    s.chars().map(|c| V::computed(K::Str(c.to_string()), span)).collect()
                } else {
                    s.split(sep.as_str()).map(|p| V::computed(K::Str(p.to_string()), span)).collect()
                };
                V::computed(K::List(Rc::new(parts)), span)
            }
            _ => V::error(span),
        },
        ("merge", _) => merge(&args, span),
        ("concat", _) => {
            let mut out = Vec::new();
            for a in &args {
                match a.items() {
                    Some(items) => out.extend(items.iter().cloned()),
                    None => return V::error(span),
                }
            }
            V::computed(K::List(Rc::new(out)), span)
        }
        ("toset", 1) => match args[0].items() {
            Some(items) => make_set(items, span),
            None => V::error(span),
        },
        ("tolist", 1) => match args[0].items() {
            Some(items) => V::computed(K::List(Rc::new(items.to_vec())), span),
            None => V::error(span),
        },
        ("tomap", 1) => match &args[0].kind {
            K::Map(_) => args[0].clone(),
            _ => V::error(span),
        },
        ("keys", 1) => match args[0].map() {
            Some(m) => {
                let keys = m.iter().map(|(k, e)| e.key_value(k)).collect();
                V::computed(K::List(Rc::new(keys)), span)
            }
            None => V::error(span),
        },
        ("values", 1) => match args[0].map() {
            Some(m) => V::computed(K::List(Rc::new(m.values().map(|e| e.value.clone()).collect())), span),
            None => V::error(span),
        },
        ("length", 1) => {
            let n = match &args[0].kind {
                K::Str(s) => s.chars().count(),
                K::List(items) | K::Set(items) => items.len(),
                K::Map(m) => m.len(),
                _ => return V::error(span),
            };
            V::computed(K::Number(n as f64), span)
        }
        ("contains", 2) => match args[0].items() {
            Some(items) => {
                let found: Option<Vec<bool>> = items.iter().map(|i| equal(i, &args[1])).collect();
                match found {
                    Some(found) => V::computed(K::Bool(found.contains(&true)), span),
                    None => V::unknown(span),
                }
            }
            None => V::error(span),
        },
        ("flatten", 1) => {
            let mut out = Vec::new();
            if flatten(&args[0], &mut out, 0) {
                V::computed(K::List(Rc::new(out)), span)
            } else {
                V::unknown(span)
            }
        }
        ("distinct", 1) => match args[0].items() {
            // Comparing every pair: only for lists small enough to be real code.
            Some(items) if !budget.spend((items.len() * items.len()) as u64) => V::unknown(span),
            Some(items) => {
                let mut out: Vec<V> = Vec::new();
                for item in items {
                    let mut seen = false;
                    for o in &out {
                        match equal(o, item) {
                            Some(true) => seen = true,
                            Some(false) => {}
                            None => return V::unknown(span),
                        }
                    }
                    if !seen {
                        out.push(item.clone());
                    }
                }
                V::computed(K::List(Rc::new(out)), span)
            }
            None => V::error(span),
        },
        _ => V::unknown(span),
    }
}

/// The first argument Terraform can evaluate without an error.
fn try_(args: Vec<V>, span: Span) -> V {
    for a in args {
        match a.kind {
            K::Error => continue,
            // Terraform cannot decide before the value is known, and neither can we.
            K::Unknown | K::Ref { .. } => return V::unknown(span),
            _ => return a,
        }
    }
    V::error(span)
}

/// The first argument that is neither null nor an empty string.
fn coalesce(args: Vec<V>, span: Span) -> V {
    for a in args {
        match &a.kind {
            K::Error => return V::error(span),
            K::Unknown | K::Ref { .. } => return V::unknown(span),
            K::Null => continue,
            K::Str(s) if s.is_empty() => continue,
            _ => return a,
        }
    }
    V::error(span)
}

fn lookup(args: Vec<V>, span: Span) -> V {
    let (map, key, default) = match args.as_slice() {
        [m, k] => (m, k, None),
        [m, k, d] => (m, k, Some(d)),
        _ => return V::error(span),
    };
    if map.is_error() || key.is_error() {
        return V::error(span);
    }
    let (Some(m), Some(k)) = (map.map(), key.to_text()) else {
        return if map.is_unknown() || key.is_unknown() { V::unknown(span) } else { V::error(span) };
    };
    match (m.get(&k), default) {
        (Some(e), _) => e.value.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => V::error(span),
    }
}

fn join(args: &[V], span: Span) -> V {
    let Some(sep) = args[0].to_text() else { return V::error(span) };
    let mut parts = Vec::new();
    for list in &args[1..] {
        let Some(items) = list.items() else { return V::error(span) };
        for item in items {
            match item.to_text() {
                Some(t) => parts.push(t),
                None if item.is_unknown() => return V::unknown(span),
                None => return V::error(span),
            }
        }
    }
    let out = parts.join(&sep);
    if out.len() > MAX_STRING {
        return V::unknown(span);
    }
    V::computed(K::Str(out), span)
}

fn merge(args: &[V], span: Span) -> V {
    let mut out: BTreeMap<String, Entry> = BTreeMap::new();
    for a in args {
        match &a.kind {
            K::Null => {}
            K::Map(m) => out.extend(m.iter().map(|(k, e)| (k.clone(), e.clone()))),
            _ => return V::error(span),
        }
    }
    V::computed(K::Map(Rc::new(out)), span)
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
fn format(spec: &str, args: &[V]) -> Option<String> {
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
            ('d', K::Number(n)) if n.fract() == 0.0 => number_text(*n),
            ('d', K::Str(s)) => s.trim().parse::<i64>().ok()?.to_string(),
            ('f', K::Number(n)) => format!("{:.*}", precision.unwrap_or(6), n),
            ('t', K::Bool(b)) => b.to_string(),
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

fn flatten(v: &V, out: &mut Vec<V>, depth: usize) -> bool {
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
pub fn equal(a: &V, b: &V) -> Option<bool> {
    if a.is_opaque() || b.is_opaque() {
        return None;
    }
    Some(match (&a.kind, &b.kind) {
        (K::Null, K::Null) => true,
        (K::Str(x), K::Str(y)) => x == y,
        (K::Number(x), K::Number(y)) => x == y,
        (K::Bool(x), K::Bool(y)) => x == y,
        (K::List(x), K::List(y)) | (K::Set(x), K::Set(y)) => {
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
        (K::Map(x), K::Map(y)) => {
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

    fn s(text: &str) -> V {
        V::string(text, Span::new(FileId(0), 0, 0))
    }

    fn run(name: &str, args: Vec<V>) -> V {
        call(name, args, Span::new(FileId(0), 0, 0), &Budget::default())
    }

    #[test]
    fn string_functions() {
        assert_eq!(run("lower", vec![s("ETL_Bot")]).as_str(), Some("etl_bot"));
        assert_eq!(run("replace", vec![s("a_b_c"), s("_"), s("-")]).as_str(), Some("a-b-c"));
        assert_eq!(run("replace", vec![s("a1b22"), s("/[0-9]+/"), s("-")]).as_str(), Some("a-b-"));
        assert_eq!(run("format", vec![s("%s-%[1]s %q"), s("x"), s("y")]).as_str(), Some("x-x \"y\""));
        assert_eq!(
            run("format", vec![s("%s-%03d"), s("x"), V::new(K::Number(7.0), s("").span)]).as_str(),
            Some("x-007")
        );
        assert_eq!(run("format", vec![s("%-4s|%%"), s("ab")]).as_str(), Some("ab  |%"));
    }

    #[test]
    fn picking_functions_keep_spans() {
        let far = V::string("etl", Span::new(FileId(3), 10, 15));
        let null = V::new(K::Null, Span::new(FileId(0), 0, 0));
        let picked = run("coalesce", vec![null, s(""), far.clone()]);
        assert_eq!(picked.span, far.span);
        assert!(!picked.computed);
        let picked = run("try", vec![V::error(Span::new(FileId(0), 0, 0)), far.clone()]);
        assert_eq!(picked.span, far.span);
        assert!(run("try", vec![V::unknown(Span::new(FileId(0), 0, 0)), far]).is_unknown());
    }

    #[test]
    fn sets_sort_and_deduplicate() {
        let list = V::new(K::List(Rc::new(vec![s("b"), s("a"), s("b")])), s("").span);
        let set = run("toset", vec![list]);
        let items: Vec<&str> = set.items().unwrap().iter().filter_map(V::as_str).collect();
        assert_eq!(items, ["a", "b"]);
    }

    #[test]
    fn unknown_arguments_make_unknown_results() {
        assert!(run("lower", vec![V::unknown(s("").span)]).is_unknown());
        assert!(run("no_such_function", vec![s("x")]).is_unknown());
        assert!(run("lower", vec![V::error(s("").span)]).is_error());
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
