//! An oracle for `syntax::rewrite`, shared by `tests/fix_props.rs` and the `fix_scalars`
//! fuzz target: every value of a text is replaced, one at a time, by a new string; each
//! replacement offered must stay within the value, and leave a text that parses to the same
//! structure with every other value unchanged and the new string in place.
//!
//! A YAML text with control characters (tabs included) that the replacement leaves
//! unparsable is let through: saphyr reads `key:<tab>` followed by a control character and
//! rejects it followed by a letter, which no local rewrite can know, and `fix::fix` undoes
//! any fix that makes a file stop parsing.

use iamlint::syntax::rewrite::{self, Replacement, Syntax, Value};
use iamlint::syntax::yaml::{self, Limits, Node};

/// Values tried per text, so that one long input stays quick.
const MAX_VALUES: usize = 32;

/// A scalar as the tree reads it: where it is written, its text, whether it is null.
#[derive(Debug, PartialEq)]
struct Read {
    range: std::ops::Range<usize>,
    text: String,
    null: bool,
}

/// The tree's shape (node kinds and lengths) and its value scalars, in document order.
/// Keys are part of the shape: they are never replaced here.
fn walk(node: &Node, shape: &mut String, values: &mut Vec<Read>) {
    match node {
        Node::Scalar(s) => {
            shape.push('s');
            values.push(Read { range: s.start..s.end, text: s.text.clone(), null: node.is_null() });
        }
        Node::Seq { items, .. } => {
            shape.push_str(&format!("[{}", items.len()));
            items.iter().for_each(|n| walk(n, shape, values));
            shape.push(']');
        }
        Node::Map { entries, .. } => {
            shape.push_str(&format!("{{{}", entries.len()));
            for (k, v) in entries {
                shape.push_str(&format!("{:?}", k.as_str()));
                walk(v, shape, values);
            }
            shape.push('}');
        }
    }
}

fn splice(text: &str, r: &Replacement) -> String {
    format!("{}{}{}", &text[..r.range.start], r.text, &text[r.range.end..])
}

/// Checks every replacement of the values of a YAML text; how many were offered.
pub fn check_yaml(text: &str, new: &str) -> Result<usize, String> {
    // An anchored value is copied where it is aliased: its copies change with it.
    if text.contains('&') {
        return Ok(0);
    }
    let Ok(docs) = yaml::parse(text, Limits::default()) else { return Ok(0) };
    let (mut shape, mut before) = (String::new(), Vec::new());
    docs.iter().for_each(|d| walk(d, &mut shape, &mut before));
    let mut offered = 0;
    for (i, value) in before.iter().enumerate().take(MAX_VALUES) {
        let old = if value.null { Value::Null } else { Value::Str(&value.text) };
        let Some(r) = rewrite::replace(Syntax::Yaml, text, value.range.clone(), old, Value::Str(new)) else {
            continue;
        };
        offered += 1;
        if r.range.start < value.range.start || r.range.end > value.range.end {
            return Err(format!("{r:?} reaches out of the value at {:?}", value.range));
        }
        let fixed = splice(text, &r);
        let docs = match yaml::parse(&fixed, Limits::default()) {
            Ok(docs) => docs,
            Err(_) if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r') => continue,
            Err(e) => return Err(format!("{fixed:?} does not parse: {e:?}")),
        };
        let (mut shape_after, mut after) = (String::new(), Vec::new());
        docs.iter().for_each(|d| walk(d, &mut shape_after, &mut after));
        if shape_after != shape {
            return Err(format!("the structure of {fixed:?} changed"));
        }
        for (j, (a, b)) in before.iter().zip(&after).enumerate() {
            let same = if i == j { b.text == new && !b.null } else { a.text == b.text && a.null == b.null };
            if !same {
                return Err(format!("value {j} of {fixed:?} reads {:?}, replacing value {i} with {new:?}", b.text));
            }
        }
    }
    Ok(offered)
}

/// An HCL attribute: its key, where its value is written, the value when it is a literal
/// string.
struct Attr {
    key: String,
    range: std::ops::Range<usize>,
    literal: Option<String>,
}

/// Every attribute of a body and of its blocks, in written order.
fn attributes(text: &str) -> Option<Vec<Attr>> {
    use hcl_edit::expr::Expression;
    use hcl_edit::structure::Body;
    use hcl_edit::Span as _;
    fn literal(e: &Expression) -> Option<String> {
        let text = |elements: &mut dyn Iterator<Item = &hcl_edit::template::Element>| {
            elements
                .map(|e| match e {
                    hcl_edit::template::Element::Literal(l) => Some(l.value().as_str()),
                    _ => None,
                })
                .collect::<Option<String>>()
        };
        match e {
            Expression::String(s) => Some(s.value().clone()),
            Expression::StringTemplate(t) => text(&mut t.iter()),
            Expression::HeredocTemplate(h) => text(&mut h.template.iter()),
            _ => None,
        }
    }
    fn collect(body: &Body, out: &mut Vec<Attr>) {
        for a in body.attributes() {
            out.push(Attr {
                key: a.key.to_string(),
                range: a.value.span().unwrap_or(0..0),
                literal: literal(&a.value),
            });
        }
        body.blocks().for_each(|b| collect(&b.body, out));
    }
    iamlint::syntax::hcl::check_nesting(text).ok()?;
    let body = hcl_edit::parser::parse_body(text).ok()?;
    let mut out = Vec::new();
    collect(&body, &mut out);
    Some(out)
}

/// Checks every replacement of the literal string attributes of an HCL text.
pub fn check_hcl(text: &str, new: &str) -> Result<usize, String> {
    let Some(before) = attributes(text) else { return Ok(0) };
    let mut offered = 0;
    for (i, Attr { range, literal, .. }) in before.iter().enumerate().take(MAX_VALUES) {
        let Some(old) = literal else { continue };
        let Some(r) = rewrite::replace(Syntax::Hcl, text, range.clone(), Value::Str(old), Value::Str(new)) else {
            continue;
        };
        offered += 1;
        if r.range.start < range.start || r.range.end > range.end {
            return Err(format!("{r:?} reaches out of the value at {range:?}"));
        }
        let fixed = splice(text, &r);
        let after = attributes(&fixed).ok_or_else(|| format!("{fixed:?} does not parse"))?;
        if after.len() != before.len() {
            return Err(format!("the attributes of {fixed:?} changed"));
        }
        for (j, (a, b)) in before.iter().zip(&after).enumerate() {
            let same = if i == j {
                b.literal.as_deref() == Some(new) && fixed[b.range.clone()].starts_with('"')
            } else {
                a.key == b.key && text[a.range.clone()] == fixed[b.range.clone()]
            };
            if !same {
                return Err(format!("attribute {j} of {fixed:?} changed, replacing attribute {i} with {new:?}"));
            }
        }
    }
    Ok(offered)
}
