//! Values of evaluated Terraform expressions. Every value keeps the span where it is
//! written — a map entry in `locals`, a tfvars value, a variable default — so a finding on
//! `name = each.key` points at the key in the map, not at `each.key`. A value iamlint
//! computed (a template with interpolations, a function result) is marked `computed`; its
//! span is the expression, which a fix must never overwrite.

use crate::source::Span;
use std::collections::BTreeMap;
use std::rc::Rc;

/// An evaluated expression: what it is, where it is written, and whether iamlint computed it.
#[derive(Clone, Debug)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
    pub computed: bool,
}

/// What a value is, as Terraform's type system sees it, plus iamlint's unknown and error.
#[derive(Clone, Debug)]
pub enum ValueKind {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    /// A list or tuple.
    List(Rc<Vec<Value>>),
    /// A set: elements in Terraform's order (strings sort lexically), no duplicates.
    Set(Rc<Vec<Value>>),
    /// A map or object; keys in lexical order, as Terraform iterates them.
    Map(Rc<BTreeMap<String, Entry>>),
    /// A managed resource or data source: its attributes are known only after apply, but
    /// what it refers to is known (`kestra_group.bots`, `kestra_group.g["x"]`, `data.x.y`).
    Ref {
        address: String,
        attr: bool,
    },
    /// Depends on something iamlint cannot know (a variable without a value, a function it
    /// does not implement, a module output).
    Unknown,
    /// An expression Terraform itself would reject (a missing map key, a null in a
    /// template). Never reported on; `try` and `can` look through it.
    Error,
}

#[derive(Clone, Debug)]
pub struct Entry {
    /// Where the key is written.
    pub key: Span,
    /// The key was computed (a `for` expression's `lower(x) => ...`), not written.
    pub key_computed: bool,
    pub value: Value,
}

impl Entry {
    pub fn new(key: Span, value: Value) -> Entry {
        Entry { key, key_computed: false, value }
    }

    /// The key as a value of its own (`each.key`, `keys(m)`).
    pub fn key_value(&self, key: &str) -> Value {
        Value { kind: ValueKind::Str(key.to_string()), span: self.key, computed: self.key_computed }
    }
}

/// A local whose value nests lists, sets and maps deeper than this is unknown. A chain of
/// locals each wrapping the one before (`l2 = [local.l1]`) builds arbitrarily deep values
/// without any one expression being deep, and walking or dropping one recursively would
/// overflow the stack. Every cached local stays within it, so a new value is at most this
/// plus one expression's nesting deep, and measuring it recursively is safe.
pub const MAX_NESTING: usize = 64;

impl Value {
    /// How many lists, sets and maps deep the value nests. Shared parts are measured once:
    /// a value that doubles at every level costs no more than its distinct parts.
    pub fn nesting(&self) -> usize {
        fn depth(v: &Value, memo: &mut std::collections::HashMap<*const (), usize>) -> usize {
            let ptr = match &v.kind {
                ValueKind::List(items) | ValueKind::Set(items) => Rc::as_ptr(items) as *const (),
                ValueKind::Map(m) => Rc::as_ptr(m) as *const (),
                _ => return 0,
            };
            if let Some(&d) = memo.get(&ptr) {
                return d;
            }
            let inner = match &v.kind {
                ValueKind::List(items) | ValueKind::Set(items) => items.iter().map(|i| depth(i, memo)).max(),
                ValueKind::Map(m) => m.values().map(|e| depth(&e.value, memo)).max(),
                _ => None,
            };
            let d = 1 + inner.unwrap_or(0);
            memo.insert(ptr, d);
            d
        }
        depth(self, &mut std::collections::HashMap::new())
    }

    pub fn new(kind: ValueKind, span: Span) -> Value {
        Value { kind, span, computed: false }
    }

    pub fn computed(kind: ValueKind, span: Span) -> Value {
        Value { kind, span, computed: true }
    }

    pub fn unknown(span: Span) -> Value {
        Value::computed(ValueKind::Unknown, span)
    }

    pub fn error(span: Span) -> Value {
        Value::computed(ValueKind::Error, span)
    }

    pub fn string(s: impl Into<String>, span: Span) -> Value {
        Value::new(ValueKind::Str(s.into()), span)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.kind, ValueKind::Unknown | ValueKind::Ref { .. })
    }

    pub fn is_error(&self) -> bool {
        matches!(self.kind, ValueKind::Error)
    }

    /// Unknown or erroneous: nothing can be said about it.
    pub fn is_opaque(&self) -> bool {
        matches!(self.kind, ValueKind::Unknown | ValueKind::Error | ValueKind::Ref { .. })
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A primitive as Terraform converts it to a string (numbers and bools convert).
    pub fn to_text(&self) -> Option<String> {
        match &self.kind {
            ValueKind::Str(s) => Some(s.clone()),
            ValueKind::Number(n) => Some(number_text(*n)),
            ValueKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Value]> {
        match &self.kind {
            ValueKind::List(items) | ValueKind::Set(items) => Some(items),
            _ => None,
        }
    }

    pub fn map(&self) -> Option<&BTreeMap<String, Entry>> {
        match &self.kind {
            ValueKind::Map(m) => Some(m),
            _ => None,
        }
    }
}

/// Terraform prints whole numbers without a fraction.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A set of primitives, as `toset` and a `set(...)` type build it: converted to strings
/// when mixed, sorted and without duplicates. None when an element is not a primitive.
pub fn make_set(items: &[Value], span: Span) -> Value {
    if items.iter().any(Value::is_opaque) {
        return Value::unknown(span);
    }
    let mut out: Vec<(String, Value)> = Vec::with_capacity(items.len());
    let mut seen = std::collections::HashSet::new();
    let all_strings = items.iter().all(|v| matches!(v.kind, ValueKind::Str(_)));
    for item in items {
        let Some(text) = item.to_text() else {
            return if matches!(item.kind, ValueKind::Null) { Value::error(span) } else { Value::unknown(span) };
        };
        if !seen.insert(text.clone()) {
            continue;
        }
        let v = if all_strings { item.clone() } else { Value { kind: ValueKind::Str(text.clone()), ..item.clone() } };
        out.push((text, v));
    }
    if all_strings {
        out.sort_by(|a, b| a.0.cmp(&b.0));
    }
    Value::computed(ValueKind::Set(Rc::new(out.into_iter().map(|(_, v)| v).collect())), span)
}
