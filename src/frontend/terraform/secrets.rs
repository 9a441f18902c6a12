//! Where a Terraform file writes a credential, for redaction: IAM601 reports the
//! credentials of the `kestra` provider and resources; this finds every literal a snippet
//! must not show.
//!
//! - A string under a key that looks like a credential, in any block, object or tfvars
//!   file, in any case or spelling (`password`, `Password`, `client_secret`, an
//!   `extra_headers` object's `Authorization`). A string that is one interpolation
//!   (`"${var.x}"`) is a reference, not a literal; a key that holds credentials
//!   (`tokens = { ... }`) stars a string written there, not what is nested in it.
//! - The default of a variable declared `sensitive = true` or named like a credential.
//! - The parts of a credential built from parts: `"${local.p}_SUFFIX"` is starred where it
//!   is written, and so is the literal of `local.p` (and of the locals and variables it
//!   reads in turn), wherever that is.
//!
//! Found syntactically, with the evaluator only to find locals and variables: a literal
//! that might end up in a credential is starred, whether or not that branch is taken.

use super::eval::Evaluator;
use super::syntax::{hcl_span, BodyRef, ExprRef};
use super::value::ValueKind;
use crate::frontend::credentials::{credential_key, KeyClass};
use crate::model::FileModel;
use crate::source::{FileId, Span};
use crate::syntax::yaml::Node;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;
use std::collections::HashSet;

/// Deeper expressions are not searched (hcl-edit bounds nesting when parsing already).
const MAX_DEPTH: usize = 128;

/// Stars every literal credential of a file's body; `vars` for a var file, whose body is
/// assignments rather than blocks.
pub fn mark_literals(ev: &Evaluator<'_>, body: BodyRef<'_>, vars: bool, model: &mut FileModel) {
    let mut walk = Walk { ev, model, locals: HashSet::new() };
    match body {
        BodyRef::Hcl(body, file) => walk.body(body, file, false, 0),
        BodyRef::Json(node, file) if vars => walk.json_attrs(node, file, false, 0),
        // Each file's literals are starred where the file is marked.
        BodyRef::Merged(_) => {}
        BodyRef::Json(..) => {
            // Blocks by schema: a label (`"output": {"deploy_token": ...}`) is a name, not
            // a key holding a value.
            for block in body.top_blocks() {
                let BodyRef::Json(node, file) = block.body else { continue };
                let declared = node.get("sensitive").and_then(Node::as_bool) == Some(true);
                let variable = sensitive_variable(block.ident, block.labels.first().copied(), declared);
                walk.json_attrs(node, file, variable, 1);
            }
        }
    }
}

/// Whether the value under `key` is a credential: a credential's key, or a key holding
/// credentials when a string is written there directly.
fn credential_value(key: &str, scalar: bool) -> bool {
    match credential_key(key) {
        Some(KeyClass::Container) => scalar,
        Some(_) => true,
        None => false,
    }
}

/// Whether a template is nothing but interpolations (`"${var.x}"`): a reference.
fn only_interpolations<'t>(mut elements: impl Iterator<Item = &'t Element>) -> bool {
    elements.all(|e| !matches!(e, Element::Literal(l) if !l.is_empty()))
}

/// Stars the sources of a credential whose value iamlint computed: the literals of the
/// locals and variables its expression reads.
pub fn mark_sources(ev: &Evaluator<'_>, value: ExprRef<'_>, model: &mut FileModel) {
    let mut walk = Walk { ev, model, locals: HashSet::new() };
    walk.expr_ref(value, true, 0);
}

struct Walk<'e, 'a, 'm> {
    ev: &'e Evaluator<'a>,
    model: &'m mut FileModel,
    /// Locals already followed: a cycle or a shared local is searched once.
    locals: HashSet<String>,
}

/// Whether a block is a variable whose value is a credential: declared sensitive, or named
/// like one.
fn sensitive_variable(ident: &str, label: Option<&str>, sensitive: bool) -> bool {
    ident == "variable" && (sensitive || label.and_then(credential_key).is_some())
}

/// A string literal or template: what a key holding credentials may hold directly.
fn is_string(e: &Expression) -> bool {
    matches!(e, Expression::String(_) | Expression::StringTemplate(_) | Expression::HeredocTemplate(_))
}

impl Walk<'_, '_, '_> {
    fn mark(&mut self, span: Span) {
        self.model.secrets.push(span);
    }

    /// A quoted literal's span without its quotes (the value alone is starred).
    fn mark_unquoted(&mut self, file: FileId, start: usize, end: usize, quoted: bool) {
        if quoted && end >= start + 2 {
            self.mark(Span::new(file, start + 1, end - 1));
        } else {
            self.mark(Span::new(file, start, end));
        }
    }

    fn body(&mut self, body: &Body, file: FileId, in_variable: bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for structure in body.iter() {
            match structure {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    let inside = credential_value(key, is_string(&a.value)) || (in_variable && key == "default");
                    self.expr(&a.value, file, 0, inside, depth + 1);
                }
                Structure::Block(b) => {
                    let label = b.labels.first().map(|l| match l {
                        hcl_edit::structure::BlockLabel::Ident(i) => i.as_str(),
                        hcl_edit::structure::BlockLabel::String(s) => s.as_str(),
                    });
                    let declared = b
                        .body
                        .get_attribute("sensitive")
                        .is_some_and(|a| matches!(&a.value, Expression::Bool(v) if *v.value()));
                    let variable = sensitive_variable(b.ident.as_str(), label, declared);
                    self.body(&b.body, file, variable, depth + 1);
                }
            }
        }
    }

    fn expr_ref(&mut self, e: ExprRef<'_>, inside: bool, depth: usize) {
        match e {
            ExprRef::Hcl { expr, file, base } => self.expr(expr, file, base, inside, depth),
            ExprRef::Json { node, file } => self.json(node, file, inside, depth),
        }
    }

    fn expr(&mut self, e: &Expression, file: FileId, base: usize, inside: bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let d = depth + 1;
        let span = hcl_span(file, base, e.span());
        match e {
            Expression::String(_) if inside => self.mark_unquoted(file, span.start, span.end, true),
            Expression::StringTemplate(t) if inside => {
                if !only_interpolations(t.iter()) {
                    self.mark_unquoted(file, span.start, span.end, true);
                }
                self.template_parts(t.iter(), file, base, inside, d);
            }
            Expression::HeredocTemplate(h) => {
                if inside && !only_interpolations(h.template.iter()) {
                    self.mark(span);
                }
                self.template_parts(h.template.iter(), file, base, inside, d);
            }
            Expression::StringTemplate(t) => self.template_parts(t.iter(), file, base, inside, d),
            Expression::Traversal(t) => {
                for op in t.operators.iter() {
                    if let TraversalOperator::Index(i) = op.value() {
                        self.expr(i, file, base, inside, d);
                    }
                }
                if !inside {
                    return;
                }
                let Expression::Variable(root) = &t.expr else {
                    self.expr(&t.expr, file, base, inside, d);
                    return;
                };
                let Some(TraversalOperator::GetAttr(name)) = t.operators.first().map(|o| o.value()) else { return };
                self.reference(root.as_str(), name.as_str(), d);
            }
            Expression::Object(o) => {
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => Some(i.as_str()),
                        ObjectKey::Expression(Expression::String(s)) => Some(s.as_str()),
                        ObjectKey::Expression(_) => None,
                    };
                    let credential = key.is_some_and(|k| credential_value(k, is_string(v.expr())));
                    self.expr(v.expr(), file, base, inside || credential, d);
                }
            }
            Expression::Array(items) => items.iter().for_each(|i| self.expr(i, file, base, inside, d)),
            Expression::Parenthesis(p) => self.expr(p.inner(), file, base, inside, d),
            Expression::Conditional(c) => {
                self.expr(&c.true_expr, file, base, inside, d);
                self.expr(&c.false_expr, file, base, inside, d);
            }
            Expression::FuncCall(f) => f.args.iter().for_each(|a| self.expr(a, file, base, inside, d)),
            Expression::UnaryOp(op) => self.expr(&op.expr, file, base, inside, d),
            Expression::BinaryOp(op) => {
                self.expr(&op.lhs_expr, file, base, inside, d);
                self.expr(&op.rhs_expr, file, base, inside, d);
            }
            Expression::ForExpr(f) => {
                self.expr(&f.intro.collection_expr, file, base, inside, d);
                self.expr(&f.value_expr, file, base, inside, d);
                if let Some(k) = &f.key_expr {
                    self.expr(k, file, base, inside, d);
                }
            }
            _ => {}
        }
    }

    fn template_parts<'t>(
        &mut self,
        elements: impl Iterator<Item = &'t Element>,
        file: FileId,
        base: usize,
        inside: bool,
        depth: usize,
    ) {
        for element in elements {
            if let Element::Interpolation(i) = element {
                self.expr(&i.expr, file, base, inside, depth);
            }
        }
    }

    /// `local.NAME` or `var.NAME` read by a credential: the literal behind it is starred.
    fn reference(&mut self, root: &str, name: &str, depth: usize) {
        match root {
            "local" if self.locals.insert(name.to_string()) => {
                if let Some(expr) = self.ev.local_expr(name) {
                    self.expr_ref(expr, true, depth);
                }
            }
            "var" => {
                let Some(v) = self.ev.var(name) else { return };
                if matches!(v.kind, ValueKind::Unknown) {
                    return;
                }
                let quoted = matches!(&v.kind, ValueKind::Str(s) if !v.computed && v.span.len() == s.len() + 2);
                self.mark_unquoted(v.span.file, v.span.start, v.span.end, quoted);
            }
            _ => {}
        }
    }

    /// A Terraform JSON body's attributes: the value of a credential's key, and a
    /// sensitive variable's `default`.
    fn json_attrs(&mut self, node: &Node, file: FileId, in_variable: bool, depth: usize) {
        let Node::Map { entries, .. } = node else { return };
        for (k, v) in entries {
            let key = k.as_str().unwrap_or_default();
            let inside = credential_value(key, matches!(v, Node::Scalar(_))) || (in_variable && key == "default");
            self.json(v, file, inside, depth + 1);
        }
    }

    /// A Terraform JSON value: its strings are starred when `inside` a credential (or under
    /// a credential's key below), and templates in them are followed.
    fn json(&mut self, node: &Node, file: FileId, inside: bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match node {
            Node::Scalar(s) if s.quoted && inside => {
                let template = s.text.contains("${").then(|| hcl_edit::parser::parse_template(&s.text).ok()).flatten();
                if !template.as_ref().is_some_and(|t| only_interpolations(t.iter())) {
                    self.mark_unquoted(file, s.start, s.end, true);
                }
                if let Some(t) = template {
                    self.json_template(&t, file, s.start + 1, depth + 1);
                }
            }
            Node::Scalar(_) => {}
            Node::Seq { items, .. } => items.iter().for_each(|i| self.json(i, file, inside, depth + 1)),
            Node::Map { entries, .. } => {
                for (k, v) in entries {
                    let key = k.as_str().unwrap_or_default();
                    let credential = credential_value(key, matches!(v, Node::Scalar(_)));
                    self.json(v, file, inside || credential, depth + 1);
                }
            }
        }
    }

    fn json_template(&mut self, t: &Template, file: FileId, base: usize, depth: usize) {
        self.template_parts(t.iter(), file, base, true, depth);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::module;

    /// The text of every span starred in a module of files.
    fn starred(files: &[(&str, &str)]) -> Vec<String> {
        let mut out: Vec<String> = module(files)
            .iter()
            .flat_map(|m| m.secrets.iter())
            .map(|s| files[s.file.0 as usize].1[s.start..s.end].to_string())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn parts_of_a_credential_are_starred_where_they_are_written() {
        let files = [
            ("locals.tf", "locals {\n  p = \"prefix1\"\n  q = local.p\n  name = \"open\"\n}\n"),
            (
                "main.tf",
                "provider \"kestra\" {\n  api_token = \"${local.q}_${var.s}_suffix1\"\n  url = local.name\n}\n",
            ),
            ("variables.tf", "variable \"s\" {\n  type = string\n}\n"),
            ("terraform.tfvars", "s = \"middle1\"\n"),
        ];
        let starred = starred(&files);
        for part in ["${local.q}_${var.s}_suffix1", "middle1", "prefix1"] {
            assert!(starred.iter().any(|s| s == part), "{part} in {starred:?}");
        }
        assert!(!starred.iter().any(|s| s.contains("open")), "{starred:?}");
    }

    #[test]
    fn literals_under_credential_keys_and_sensitive_defaults() {
        let files = [
            (
                "main.tf",
                "variable \"db\" {\n  sensitive = true\n  default = \"dbpass1\"\n}\n\
                 variable \"kestra_password\" {\n  type = string\n  default = \"kpass1\"\n}\n\
                 variable \"open\" {\n  default = \"visible\"\n}\n\
                 provider \"kestra\" {\n  Password = \"odd1\"\n  extra_headers = { Authorization = \"Bearer h1\", X = \"x\" }\n}\n",
            ),
            (
                "terraform.tfvars",
                "kestra_token = \"tok1\"\nregion = \"eu\"\ntokens = { ci = { description = \"open\" } }\n",
            ),
            (
                "x.tf.json",
                "{\"variable\": {\"api_token\": {\"type\": \"string\", \"default\": \"j1\"}},\n\
                 \"output\": {\"deploy_token\": {\"value\": \"${kestra_service_account_api_token.t.full_token}\"}},\n\
                 \"provider\": {\"kestra\": {\"password\": \"${var.p}\", \"jwt\": \"${var.p}-j2\"}}}\n",
            ),
        ];
        assert_eq!(starred(&files), ["${var.p}-j2", "Bearer h1", "dbpass1", "h1", "j1", "kpass1", "odd1", "tok1"]);
    }
}
