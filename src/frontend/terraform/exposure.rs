//! Which API token resources an expression exposes (IAM602): a reference to a token's
//! `full_token`, or to the whole token resource (which carries `full_token`), anywhere in
//! the expression or in the locals it uses, or an output of a child module that exposes
//! one. Found syntactically: the token value is never known before apply, so there is
//! nothing to evaluate.

use super::eval::Evaluator;
use super::syntax::{hcl_span, ExprRef};
use crate::model::TokenExposure;
use crate::source::FileId;
use crate::syntax::yaml::Node;
use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;
use std::collections::{BTreeMap, HashSet};

/// Deeper expressions are not searched (hcl-edit bounds nesting when parsing already).
const MAX_DEPTH: usize = 128;

/// A child module's output that exposes API tokens.
#[derive(Clone, Debug)]
pub struct ModuleOutput {
    /// The `output "NAME" {` line, in the module's file.
    pub header: crate::source::Span,
    /// `sensitive = true`: Terraform refuses a caller's output that reads it unless that
    /// output is sensitive too, or `nonsensitive()` strips the mark.
    pub sensitive: bool,
    pub tokens: Vec<TokenExposure>,
}

/// Output name -> what it exposes, for one module call (every instance's together).
pub type ModuleOutputs = BTreeMap<String, ModuleOutput>;

pub fn tokens(value: ExprRef<'_>, ev: &Evaluator<'_>) -> Vec<TokenExposure> {
    let mut walk = Walk { ev, out: Vec::new(), visited: HashSet::new(), aliases: Vec::new(), unmarked: false };
    walk.expr_ref(value, 0);
    walk.out.sort_by(|a, b| (a.span, &a.address).cmp(&(b.span, &b.address)));
    walk.out.dedup_by(|a, b| a.span == b.span && a.address == b.address);
    walk.out
}

struct Walk<'e, 'a> {
    ev: &'e Evaluator<'a>,
    out: Vec<TokenExposure>,
    /// Locals already searched: a cycle or a shared local is searched once.
    visited: HashSet<String>,
    /// `for` variables iterating over a whole token resource: `t` in `for t in
    /// kestra_service_account_api_token.x : t.full_token`.
    aliases: Vec<(String, String)>,
    /// Inside `nonsensitive(...)`: a sensitive module output read here is shown.
    unmarked: bool,
}

/// After a resource (or alias) name: instance indexes and splats, then `full_token` or
/// nothing at all (the whole object, which carries `full_token`).
fn exposes(after: &[&TraversalOperator]) -> bool {
    after
        .iter()
        .find(|op| {
            !matches!(
                op,
                TraversalOperator::Index(_)
                    | TraversalOperator::LegacyIndex(_)
                    | TraversalOperator::AttrSplat(_)
                    | TraversalOperator::FullSplat(_)
            )
        })
        .is_none_or(|op| matches!(op, TraversalOperator::GetAttr(a) if a.as_str() == "full_token"))
}

/// `kestra_service_account_api_token.x` (or `resource.` ...) and the operators after the
/// resource name, when the traversal starts with a token resource.
fn token_root(t: &Traversal) -> Option<(String, Vec<&TraversalOperator>)> {
    let Expression::Variable(root) = &t.expr else { return None };
    let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
    let attr = |i: usize| match ops.get(i) {
        Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
        _ => None,
    };
    let (kind, at) = match root.as_str() {
        "resource" => (attr(0)?, 1),
        kind => (kind, 0),
    };
    if !crate::schema::TOKEN.resources.contains(&kind) {
        return None;
    }
    let name = attr(at)?;
    Some((format!("{kind}.{name}"), ops[at + 1..].to_vec()))
}

impl Walk<'_, '_> {
    fn expr_ref(&mut self, e: ExprRef<'_>, depth: usize) {
        match e {
            ExprRef::Hcl { expr, file, base } => self.hcl(expr, file, base, depth),
            ExprRef::Json { node, file } => self.json(node, file, depth),
        }
    }

    fn json(&mut self, node: &Node, file: FileId, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match node {
            Node::Scalar(s) if s.quoted && s.text.contains("${") => {
                if let Ok(t) = hcl_edit::parser::parse_template(&s.text) {
                    self.template(&t, file, node.start() + 1, depth + 1);
                }
            }
            Node::Scalar(_) => {}
            Node::Seq { items, .. } => items.iter().for_each(|i| self.json(i, file, depth + 1)),
            Node::Map { entries, .. } => entries.iter().for_each(|(_, v)| self.json(v, file, depth + 1)),
        }
    }

    fn template(&mut self, t: &Template, file: FileId, base: usize, depth: usize) {
        for element in t.iter() {
            if let Element::Interpolation(i) = element {
                self.hcl(&i.expr, file, base, depth + 1);
            }
        }
    }

    fn hcl(&mut self, e: &Expression, file: FileId, base: usize, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let d = depth + 1;
        match e {
            Expression::Traversal(t) => self.traversal(t, file, base, d),
            Expression::Array(items) => items.iter().for_each(|i| self.hcl(i, file, base, d)),
            Expression::Object(o) => o.iter().for_each(|(_, v)| self.hcl(v.expr(), file, base, d)),
            Expression::StringTemplate(t) => {
                for element in t.iter() {
                    if let Element::Interpolation(i) = element {
                        self.hcl(&i.expr, file, base, d);
                    }
                }
            }
            Expression::HeredocTemplate(h) => self.template(&h.template, file, base, d),
            Expression::Parenthesis(p) => self.hcl(p.inner(), file, base, d),
            Expression::Conditional(c) => {
                self.hcl(&c.true_expr, file, base, d);
                self.hcl(&c.false_expr, file, base, d);
            }
            Expression::FuncCall(f) => {
                let outer = self.unmarked;
                self.unmarked |= f.name.name.as_str() == "nonsensitive";
                f.args.iter().for_each(|a| self.hcl(a, file, base, d));
                self.unmarked = outer;
            }
            Expression::UnaryOp(op) => self.hcl(&op.expr, file, base, d),
            Expression::BinaryOp(op) => {
                self.hcl(&op.lhs_expr, file, base, d);
                self.hcl(&op.rhs_expr, file, base, d);
            }
            Expression::ForExpr(f) => {
                // Iterating over a whole token resource exposes only what the body takes.
                let whole = match &f.intro.collection_expr {
                    Expression::Traversal(t) => token_root(t).filter(|(_, after)| after.is_empty()),
                    _ => None,
                };
                let aliased = whole.is_some();
                match whole {
                    Some((address, _)) => self.aliases.push((f.intro.value_var.as_str().to_string(), address)),
                    None => self.hcl(&f.intro.collection_expr, file, base, d),
                }
                self.hcl(&f.value_expr, file, base, d);
                if let Some(k) = &f.key_expr {
                    self.hcl(k, file, base, d);
                }
                if aliased {
                    self.aliases.pop();
                }
            }
            Expression::Variable(v) => self.alias(v.as_str(), &[], hcl_span(file, base, e.span())),
            _ => {}
        }
    }

    fn traversal(&mut self, t: &Traversal, file: FileId, base: usize, depth: usize) {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        for op in &ops {
            if let TraversalOperator::Index(i) = op {
                self.hcl(i, file, base, depth);
            }
        }
        let span = hcl_span(file, base, t.span());
        let Expression::Variable(root) = &t.expr else {
            self.hcl(&t.expr, file, base, depth);
            return;
        };
        if let (Some(TraversalOperator::GetAttr(name)), "local") = (ops.first(), root.as_str()) {
            if self.visited.insert(name.as_str().to_string()) {
                if let Some(expr) = self.ev.local_expr(name.as_str()) {
                    self.expr_ref(expr, depth);
                }
            }
            return;
        }
        if let Some((address, after)) = token_root(t) {
            if exposes(&after) {
                self.out.push(TokenExposure { address, span, via: None });
            }
            return;
        }
        if root.as_str() == "module" {
            self.module_output(&ops, span);
            return;
        }
        self.alias(root.as_str(), &ops, span);
    }

    fn alias(&mut self, name: &str, ops: &[&TraversalOperator], span: crate::source::Span) {
        let Some((_, address)) = self.aliases.iter().rev().find(|(n, _)| n == name) else { return };
        if exposes(ops) {
            self.out.push(TokenExposure { address: address.clone(), span, via: None });
        }
    }

    /// `module.NAME.OUTPUT` (`module.NAME["key"].OUTPUT`, `module.NAME[*].OUTPUT`), or the
    /// whole `module.NAME`, which carries every output. A sensitive output counts only
    /// under `nonsensitive()`: read plainly, Terraform refuses a non-sensitive output.
    fn module_output(&mut self, ops: &[&TraversalOperator], span: crate::source::Span) {
        let Some(TraversalOperator::GetAttr(call)) = ops.first() else { return };
        let rest: Vec<&&TraversalOperator> = ops[1..]
            .iter()
            .skip_while(|op| {
                matches!(
                    op,
                    TraversalOperator::Index(_)
                        | TraversalOperator::LegacyIndex(_)
                        | TraversalOperator::AttrSplat(_)
                        | TraversalOperator::FullSplat(_)
                )
            })
            .collect();
        let names: Vec<String> = match rest.first() {
            Some(TraversalOperator::GetAttr(output)) => vec![output.as_str().to_string()],
            None => self.ev.module_output_names(call.as_str()),
            Some(_) => return,
        };
        for name in names {
            let Some(output) = self.ev.module_output_tokens(call.as_str(), &name) else { continue };
            if output.sensitive && !self.unmarked {
                continue;
            }
            for t in output.tokens {
                let via = Some((output.header, name.clone(), output.sensitive));
                self.out.push(TokenExposure { address: t.address, span, via });
            }
        }
    }
}
