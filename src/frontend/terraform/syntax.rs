//! One view of a Terraform body over both syntaxes: native HCL (hcl-edit, which keeps the
//! byte span of every block, attribute and expression) and Terraform JSON (`*.tf.json`,
//! read into iamlint's spanned JSON tree). Lowering is schema-driven — it asks for the
//! attributes and blocks a resource type has — which is exactly what Terraform JSON needs,
//! since there an attribute and a nested block look alike.

use crate::source::{FileId, Span};
use crate::syntax::yaml::Node;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{BlockLabel, Body};
use hcl_edit::Span as _;

/// An expression in either syntax. HCL expressions may come from a template parsed out of a
/// JSON string, so their offsets are relative to `base`.
#[derive(Clone, Copy)]
pub enum ExprRef<'a> {
    Hcl { expr: &'a Expression, file: FileId, base: usize },
    Json { node: &'a Node, file: FileId },
}

pub fn hcl_span(file: FileId, base: usize, range: Option<std::ops::Range<usize>>) -> Span {
    let r = range.unwrap_or(0..0);
    Span::new(file, base + r.start, base + r.end)
}

#[derive(Clone, Copy)]
pub enum BodyRef<'a> {
    Hcl(&'a Body, FileId),
    Json(&'a Node, FileId),
    /// A block and the blocks of override files merged into it, in the order Terraform
    /// merges them (`*_override.tf`): a later layer's attribute replaces an earlier one's,
    /// and a later layer's nested blocks of a type replace all earlier ones of that type.
    Merged(&'a [BodyRef<'a>]),
}

pub struct AttrRef<'a> {
    pub key: &'a str,
    pub key_span: Span,
    /// The whole `key = value` entry.
    pub span: Span,
    pub value: ExprRef<'a>,
}

pub struct BlockRef<'a> {
    pub ident: &'a str,
    pub labels: Vec<&'a str>,
    pub body: BodyRef<'a>,
    /// The whole block.
    pub span: Span,
    /// Where the block starts: `resource "x" "y" {`, or a JSON label through its `{`.
    pub header: Span,
}

fn label(l: &BlockLabel) -> &str {
    match l {
        BlockLabel::Ident(i) => i.as_str(),
        BlockLabel::String(s) => s.as_str(),
    }
}

impl<'a> BodyRef<'a> {
    pub fn attr(&self, key: &str) -> Option<AttrRef<'a>> {
        match *self {
            BodyRef::Hcl(body, file) => body.get_attribute(key).map(|a| AttrRef {
                key: a.key.as_str(),
                key_span: hcl_span(file, 0, a.key.span()),
                span: hcl_span(file, 0, a.span()),
                value: ExprRef::Hcl { expr: &a.value, file, base: 0 },
            }),
            BodyRef::Json(node, file) => {
                let (k, v) = node.entry(key)?;
                Some(AttrRef {
                    key: k.as_str().unwrap_or_default(),
                    key_span: Span::new(file, k.start(), k.end()),
                    span: Span::new(file, k.start(), v.end()),
                    value: ExprRef::Json { node: v, file },
                })
            }
            BodyRef::Merged(layers) => layers.iter().rev().find_map(|l| l.attr(key)),
        }
    }

    /// Every attribute, in written order (a `locals` block, a tfvars file).
    pub fn attrs(&self) -> Vec<AttrRef<'a>> {
        match *self {
            BodyRef::Hcl(body, file) => body
                .attributes()
                .map(|a| AttrRef {
                    key: a.key.as_str(),
                    key_span: hcl_span(file, 0, a.key.span()),
                    span: hcl_span(file, 0, a.span()),
                    value: ExprRef::Hcl { expr: &a.value, file, base: 0 },
                })
                .collect(),
            BodyRef::Json(Node::Map { entries, .. }, file) => entries
                .iter()
                .filter_map(|(k, v)| {
                    let key = k.as_str()?;
                    (key != "//").then(|| AttrRef {
                        key,
                        key_span: Span::new(file, k.start(), k.end()),
                        span: Span::new(file, k.start(), v.end()),
                        value: ExprRef::Json { node: v, file },
                    })
                })
                .collect(),
            BodyRef::Json(..) => Vec::new(),
            BodyRef::Merged(layers) => {
                let mut out: Vec<AttrRef<'a>> = Vec::new();
                for attr in layers.iter().flat_map(BodyRef::attrs) {
                    match out.iter_mut().find(|a| a.key == attr.key) {
                        Some(written) => *written = attr,
                        None => out.push(attr),
                    }
                }
                out
            }
        }
    }

    /// The layer whose nested blocks of type `ident` (static or `dynamic`) win.
    fn winning(layers: &[BodyRef<'a>], ident: &str) -> Option<BodyRef<'a>> {
        layers.iter().rev().find(|l| !l.blocks(ident).is_empty() || !l.dynamic_blocks(ident).is_empty()).copied()
    }

    /// Nested blocks without labels named `ident` (`groups { id = ... }`). In JSON, an
    /// object or a list of objects under that key.
    pub fn blocks(&self, ident: &str) -> Vec<BlockRef<'a>> {
        match *self {
            BodyRef::Hcl(body, file) => body
                .blocks()
                .filter(|b| b.ident.as_str() == ident && b.labels.is_empty())
                .map(|b| hcl_block(b, file))
                .collect(),
            BodyRef::Json(node, file) => match node.entry(ident) {
                Some((k, v)) => json_blocks(k.as_str().unwrap_or_default(), Vec::new(), k, v, file),
                None => Vec::new(),
            },
            BodyRef::Merged(layers) => Self::winning(layers, ident).map_or_else(Vec::new, |l| l.blocks(ident)),
        }
    }

    /// `dynamic "LABEL" { for_each = ..., content { ... } }` blocks for one label.
    pub fn dynamic_blocks(&self, of: &str) -> Vec<BlockRef<'a>> {
        match *self {
            BodyRef::Hcl(body, file) => body
                .blocks()
                .filter(|b| b.ident.as_str() == "dynamic" && b.labels.first().is_some_and(|l| label(l) == of))
                .map(|b| hcl_block(b, file))
                .collect(),
            BodyRef::Json(node, file) => {
                let Some(Node::Map { entries, .. }) = node.get("dynamic") else { return Vec::new() };
                entries
                    .iter()
                    .filter(|(k, _)| k.as_str() == Some(of))
                    .flat_map(|(k, v)| json_blocks("dynamic", vec![k.as_str().unwrap_or_default()], k, v, file))
                    .collect()
            }
            BodyRef::Merged(layers) => Self::winning(layers, of).map_or_else(Vec::new, |l| l.dynamic_blocks(of)),
        }
    }

    /// The top-level blocks of a file, with their labels, in written order.
    pub fn top_blocks(&self) -> Vec<BlockRef<'a>> {
        match *self {
            BodyRef::Hcl(body, file) => body.blocks().map(|b| hcl_block(b, file)).collect(),
            BodyRef::Json(node, file) => json_top_blocks(node, file),
            BodyRef::Merged(layers) => layers.first().map_or_else(Vec::new, BodyRef::top_blocks),
        }
    }
}

fn hcl_block(b: &hcl_edit::structure::Block, file: FileId) -> BlockRef<'_> {
    let span = hcl_span(file, 0, b.span());
    let body_start = b.body.span().map_or(span.start, |r| r.start);
    BlockRef {
        ident: b.ident.as_str(),
        labels: b.labels.iter().map(label).collect(),
        body: BodyRef::Hcl(&b.body, file),
        span,
        header: Span::new(file, span.start, body_start),
    }
}

/// The blocks a JSON value stands for: an object is one block, a list of objects several.
fn json_blocks<'a>(
    ident: &'a str,
    labels: Vec<&'a str>,
    key: &'a Node,
    value: &'a Node,
    file: FileId,
) -> Vec<BlockRef<'a>> {
    let one = |body: &'a Node, header_start: usize| BlockRef {
        ident,
        labels: labels.clone(),
        body: BodyRef::Json(body, file),
        span: Span::new(file, body.start(), body.end()),
        header: Span::new(file, header_start, body.start() + 1),
    };
    match value {
        Node::Map { .. } => vec![one(value, key.start())],
        Node::Seq { items, .. } => {
            items.iter().filter(|i| matches!(i, Node::Map { .. })).map(|i| one(i, i.start())).collect()
        }
        _ => Vec::new(),
    }
}

/// Terraform JSON's top level: `{"resource": {"TYPE": {"NAME": {...}}}, "locals": {...}, ...}`.
fn json_top_blocks(root: &Node, file: FileId) -> Vec<BlockRef<'_>> {
    let Node::Map { entries, .. } = root else { return Vec::new() };
    let mut out = Vec::new();
    for (k, v) in entries {
        let Some(ident) = k.as_str() else { continue };
        let depth = match ident {
            "resource" | "data" => 2,
            "provider" | "variable" | "output" | "module" => 1,
            "locals" | "terraform" => 0,
            _ => continue,
        };
        collect_labelled(ident, Vec::new(), k, v, depth, file, &mut out);
    }
    out
}

fn collect_labelled<'a>(
    ident: &'a str,
    labels: Vec<&'a str>,
    key: &'a Node,
    value: &'a Node,
    depth: usize,
    file: FileId,
    out: &mut Vec<BlockRef<'a>>,
) {
    if depth == 0 {
        out.extend(json_blocks(ident, labels, key, value, file));
        return;
    }
    let Node::Map { entries, .. } = value else { return };
    for (k, v) in entries {
        let Some(label) = k.as_str() else { continue };
        let mut labels = labels.clone();
        labels.push(label);
        collect_labelled(ident, labels, k, v, depth - 1, file, out);
    }
}
