//! Evaluation of Terraform expressions where every input is literal, as tflint does:
//! variables (default, tfvars), locals, `each`/`count`, dynamic-block iterators, `for`
//! expressions, templates, operators and common functions. Anything else is `Unknown`.
//!
//! Hostile input cannot make it hang or blow up: every step spends fuel from a per-module
//! budget, nesting is bounded, strings are capped, and a local that refers to itself is
//! unknown rather than a stack overflow.

use super::functions::{self, Budget};
use super::syntax::{hcl_span, ExprRef};
use super::value::{Entry, Value, ValueKind};
use crate::source::{FileId, Span};
use crate::syntax::yaml::Node;
use hcl_edit::expr::{BinaryOperator, Expression, ForExpr, FuncCall, TraversalOperator, UnaryOperator};
use hcl_edit::template::Element;
use hcl_edit::Span as _;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// Deeper expressions than this are unknown (hcl-edit bounds parse nesting separately).
const MAX_DEPTH: u32 = 128;

/// What a module's expressions can see besides their own scope.
#[derive(Default)]
pub struct Env<'a> {
    /// Each variable's value: the last var file that sets it, else its default, else unknown.
    pub vars: HashMap<String, Value>,
    pub locals: HashMap<String, ExprRef<'a>>,
    /// The variables whose value a module call passes (its arguments), as opposed to
    /// defaults and var files.
    pub passed: std::collections::HashSet<String>,
    /// The module's folder and the workspace's data files, for `file()` and its decoders.
    pub reads: Option<super::reads::Reads>,
}

pub struct Evaluator<'a> {
    env: Env<'a>,
    /// None while a local is being evaluated: a cycle is unknown, not a stack overflow.
    cache: RefCell<HashMap<String, Option<Value>>>,
    /// Shared with the evaluators of the module's child-module instances, as is `instances`:
    /// a module's calls spend its allowance, not fresh ones.
    budget: Rc<Budget>,
    depth: Cell<u32>,
    /// Objects a module may still expand into (`for_each`, `count`, dynamic blocks, calls
    /// of child modules).
    instances: Rc<Cell<usize>>,
    /// How often the allowance said no: what was then left unexpanded must be reported.
    refused: Rc<Cell<usize>>,
    /// What resource addresses start with: `module.NAME.` (and the caller's prefix) in an
    /// instance of a child module, nothing in a root module.
    prefix: String,
    /// `module.NAME`: the outputs of the calls lowered so far (an object, or a map or list of
    /// them for a call with `for_each` or `count`).
    modules: RefCell<HashMap<String, Value>>,
    /// In a child module's instance, which of the root's provider configurations (its
    /// alias, None for the default) each of the module's provider names means, as the calls
    /// pass them (`providers = { kestra = kestra.payments }`); None in a root module, whose
    /// names are its own.
    providers: Option<Rc<Providers>>,
    /// `module.NAME.OUTPUT`: the API tokens each output of a call exposes (IAM602), which a
    /// value cannot carry.
    module_tokens: RefCell<HashMap<String, super::exposure::ModuleOutputs>>,
    /// Templates placed at the call argument they interpolate: (the argument's span, the
    /// template's), for the note at the template.
    placed: RefCell<Vec<(Span, Span)>>,
}

/// A module's provider names (None for the default `kestra`, else the alias) and the root
/// provider configuration each means.
pub type Providers = HashMap<Option<String>, Option<String>>;

/// At most this many objects and nested blocks from one module's expansions.
pub const MAX_MODULE_INSTANCES: usize = 100_000;

/// More instances than this from one block (or one dynamic block) are not expanded.
pub const MAX_BLOCK_INSTANCES: usize = 10_000;

/// Names bound around an expression: `each`, `count`, a dynamic block's iterator, the
/// variables of `for` expressions. Inner bindings shadow outer ones.
#[derive(Clone, Default)]
pub struct Scope {
    bindings: Vec<(String, Value)>,
}

impl Scope {
    pub fn bind(&self, name: &str, value: Value) -> Scope {
        let mut bindings = self.bindings.clone();
        bindings.push((name.to_string(), value));
        Scope { bindings }
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.bindings.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// An object with `key` and `value` attributes: `each`, or a dynamic block's iterator.
pub fn key_value(key: Value, value: Value, span: Span) -> Value {
    let mut m = BTreeMap::new();
    m.insert("key".to_string(), Entry::new(key.span, key));
    m.insert("value".to_string(), Entry::new(value.span, value));
    Value::computed(ValueKind::Map(Rc::new(m)), span)
}

#[derive(Clone, Copy)]
struct Loc {
    file: FileId,
    base: usize,
}

impl Loc {
    fn span(self, range: Option<std::ops::Range<usize>>) -> Span {
        hcl_span(self.file, self.base, range)
    }
}

impl<'a> Evaluator<'a> {
    pub fn new(env: Env<'a>) -> Self {
        Evaluator {
            env,
            cache: RefCell::new(HashMap::new()),
            budget: Rc::new(Budget::default()),
            depth: Cell::new(0),
            instances: Rc::new(Cell::new(MAX_MODULE_INSTANCES)),
            refused: Rc::new(Cell::new(0)),
            prefix: String::new(),
            modules: RefCell::new(HashMap::new()),
            providers: None,
            module_tokens: RefCell::new(HashMap::new()),
            placed: RefCell::new(Vec::new()),
        }
    }

    /// The evaluator of an instance of a child module that `self`'s module calls: its own
    /// variables and locals, addresses under `prefix`, and `self`'s allowances.
    pub fn nested<'b>(&self, env: Env<'b>, prefix: String, providers: Providers) -> Evaluator<'b> {
        Evaluator {
            env,
            cache: RefCell::new(HashMap::new()),
            budget: Rc::clone(&self.budget),
            depth: Cell::new(0),
            instances: Rc::clone(&self.instances),
            refused: Rc::clone(&self.refused),
            prefix,
            modules: RefCell::new(HashMap::new()),
            module_tokens: RefCell::new(HashMap::new()),
            providers: Some(Rc::new(providers)),
            placed: RefCell::new(Vec::new()),
        }
    }

    /// The root's provider configuration that this module's provider `name` means; None
    /// when no call passes it (Terraform would refuse it: which tenant is unknown).
    pub fn provider(&self, name: &Option<String>) -> Option<Option<String>> {
        match &self.providers {
            None => Some(name.clone()),
            Some(map) => map.get(name).cloned(),
        }
    }

    /// Makes a call's outputs visible as `module.NAME`.
    pub fn set_module(&self, name: &str, outputs: Value) {
        self.modules.borrow_mut().insert(name.to_string(), outputs);
    }

    pub fn set_module_tokens(&self, name: &str, outputs: super::exposure::ModuleOutputs) {
        self.module_tokens.borrow_mut().insert(name.to_string(), outputs);
    }

    pub fn module_output_names(&self, call: &str) -> Vec<String> {
        self.module_tokens.borrow().get(call).map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }

    /// The tokens output `output` of call `call` exposes, when it exposes any.
    pub fn module_output_tokens(&self, call: &str, output: &str) -> Option<super::exposure::ModuleOutput> {
        self.module_tokens.borrow().get(call)?.get(output).cloned()
    }

    /// What this module's resource addresses start with (`module.bots["ci"].`, or nothing).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Takes `n` instances (of one block) from the module's allowance; false (and nothing
    /// taken) when that would exceed it or the limit of one block: the block is then left
    /// unexpanded, its values unknown.
    pub fn allow_instances(&self, n: usize) -> bool {
        let left = if n > MAX_BLOCK_INSTANCES { None } else { self.instances.get().checked_sub(n) };
        match left {
            Some(left) => {
                self.instances.set(left);
                true
            }
            None => {
                self.refused.set(self.refused.get() + 1);
                false
            }
        }
    }

    /// The templates placed at a call's argument since the last call.
    pub fn take_placed(&self) -> Vec<(Span, Span)> {
        std::mem::take(&mut self.placed.borrow_mut())
    }

    /// How many expansions the allowance has refused so far, in this module and its calls.
    pub fn refusals(&self) -> usize {
        self.refused.get()
    }

    /// An evaluator for literal-only contexts: tfvars files and variable defaults.
    pub fn literal() -> Evaluator<'static> {
        Evaluator::new(Env::default())
    }

    /// A variable's value, for searches that do not evaluate (the sources of a credential).
    pub fn var(&self, name: &str) -> Option<&Value> {
        self.env.vars.get(name)
    }

    /// A local's expression, for searches that do not evaluate (IAM602's token exposure).
    pub fn local_expr(&self, name: &str) -> Option<ExprRef<'a>> {
        self.env.locals.get(name).copied()
    }

    pub fn eval(&self, e: ExprRef<'_>, scope: &Scope) -> Value {
        match e {
            ExprRef::Hcl { expr, file, base } => self.hcl(expr, Loc { file, base }, scope),
            ExprRef::Json { node, file } => self.json(node, file, scope),
        }
    }

    /// Guards every step: fuel and depth.
    fn enter(&self) -> bool {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH || !self.budget.spend(1) {
            return false;
        }
        self.depth.set(depth + 1);
        true
    }

    fn leave(&self) {
        self.depth.set(self.depth.get() - 1);
    }

    fn hcl(&self, e: &Expression, loc: Loc, scope: &Scope) -> Value {
        let span = loc.span(e.span());
        if !self.enter() {
            return Value::unknown(span);
        }
        let v = self.hcl_inner(e, span, loc, scope);
        self.leave();
        v
    }

    fn hcl_inner(&self, e: &Expression, span: Span, loc: Loc, scope: &Scope) -> Value {
        match e {
            Expression::Null(_) => Value::new(ValueKind::Null, span),
            Expression::Bool(b) => Value::new(ValueKind::Bool(*b.value()), span),
            Expression::Number(n) => match n.value().as_f64() {
                Some(f) => Value::new(ValueKind::Number(f), span),
                None => Value::unknown(span),
            },
            Expression::String(s) => Value::string(s.value().clone(), span),
            Expression::Array(items) => {
                let items: Vec<Value> = items.iter().map(|i| self.hcl(i, loc, scope)).collect();
                Value::new(ValueKind::List(Rc::new(items)), span)
            }
            Expression::Object(object) => {
                let mut map = BTreeMap::new();
                for (k, v) in object.iter() {
                    let (key, key_span, key_computed) = match k {
                        hcl_edit::expr::ObjectKey::Ident(i) => (i.as_str().to_string(), loc.span(k.span()), false),
                        hcl_edit::expr::ObjectKey::Expression(e) => match self.hcl(e, loc, scope) {
                            key if key.is_error() => return Value::error(span),
                            key => match key.to_text() {
                                Some(text) => (text, key.span, key.computed),
                                None => return Value::unknown(span),
                            },
                        },
                    };
                    let value = self.hcl(v.expr(), loc, scope);
                    map.insert(key, Entry { key: key_span, key_computed, value });
                }
                Value::new(ValueKind::Map(Rc::new(map)), span)
            }
            Expression::StringTemplate(t) => self.template(t.iter(), span, loc, scope),
            Expression::HeredocTemplate(h) => {
                if h.indent().is_some() {
                    let mut h = (**h).clone();
                    h.dedent();
                    self.template(h.template.iter(), span, loc, scope)
                } else {
                    self.template(h.template.iter(), span, loc, scope)
                }
            }
            Expression::Parenthesis(p) => self.hcl(p.inner(), loc, scope),
            Expression::Variable(v) => match scope.get(v.as_str()) {
                Some(bound) => bound.clone(),
                None => Value::unknown(span),
            },
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                let (mut v, rest) = match &t.expr {
                    Expression::Variable(root) => self.root(root.as_str(), &ops, span, scope),
                    other => (self.hcl(other, loc, scope), &ops[..]),
                };
                for op in rest {
                    v = self.step(v, op, span, loc, scope);
                }
                v
            }
            Expression::Conditional(c) => {
                let cond = self.hcl(&c.cond_expr, loc, scope);
                match cond.kind {
                    ValueKind::Bool(true) => self.hcl(&c.true_expr, loc, scope),
                    ValueKind::Bool(false) => self.hcl(&c.false_expr, loc, scope),
                    ValueKind::Unknown | ValueKind::Ref { .. } => Value::unknown(span),
                    _ => Value::error(span),
                }
            }
            Expression::FuncCall(f) => self.call(f, span, loc, scope),
            Expression::UnaryOp(op) => {
                let v = self.hcl(&op.expr, loc, scope);
                match (op.operator.value(), &v.kind) {
                    (UnaryOperator::Not, ValueKind::Bool(b)) => Value::computed(ValueKind::Bool(!b), span),
                    (UnaryOperator::Neg, ValueKind::Number(n)) => Value::computed(ValueKind::Number(-n), span),
                    (_, ValueKind::Unknown | ValueKind::Ref { .. }) => Value::unknown(span),
                    _ => Value::error(span),
                }
            }
            Expression::BinaryOp(op) => {
                let lhs = self.hcl(&op.lhs_expr, loc, scope);
                let rhs = self.hcl(&op.rhs_expr, loc, scope);
                binary(*op.operator.value(), &lhs, &rhs, span)
            }
            Expression::ForExpr(f) => self.for_expr(f, span, loc, scope),
        }
    }

    /// The value a traversal starts from, and the operators left to apply to it.
    fn root<'o>(
        &self,
        name: &str,
        ops: &'o [&'o TraversalOperator],
        span: Span,
        scope: &Scope,
    ) -> (Value, &'o [&'o TraversalOperator]) {
        if let Some(bound) = scope.get(name) {
            return (bound.clone(), ops);
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        let reference = |address: String, rest: &'o [&'o TraversalOperator]| {
            (Value::computed(ValueKind::Ref { address, attr: false }, span), rest)
        };
        let unknown = (Value::unknown(span), &ops[ops.len()..]);
        match name {
            "var" => match attr(0) {
                Some(n) => (self.env.vars.get(n).cloned().unwrap_or_else(|| Value::unknown(span)), &ops[1..]),
                None => unknown,
            },
            "local" => match attr(0) {
                Some(n) => (self.local(n, span), &ops[1..]),
                None => unknown,
            },
            "data" => match (attr(0), attr(1)) {
                (Some(t), Some(n)) => reference(format!("data.{t}.{n}"), &ops[2..]),
                _ => unknown,
            },
            "resource" => match (attr(0), attr(1)) {
                (Some(t), Some(n)) => reference(format!("{}{t}.{n}", self.prefix), &ops[2..]),
                _ => unknown,
            },
            // Resource types always carry their provider's prefix (`kestra_group`).
            kind if kind.contains('_') => match attr(0) {
                Some(n) => reference(format!("{}{kind}.{n}", self.prefix), &ops[1..]),
                None => unknown,
            },
            "module" => match attr(0).and_then(|n| self.modules.borrow().get(n).cloned()) {
                Some(outputs) => (outputs, &ops[1..]),
                None => unknown,
            },
            "path" => match (attr(0), &self.env.reads) {
                (Some("module" | "root" | "cwd"), Some(reads)) => (reads.path(span), &ops[1..]),
                _ => unknown,
            },
            // each/count outside for_each/count, terraform, self, typos.
            _ => unknown,
        }
    }

    fn local(&self, name: &str, span: Span) -> Value {
        if let Some(state) = self.cache.borrow().get(name) {
            return state.clone().unwrap_or_else(|| Value::unknown(span));
        }
        // An undeclared local may live in a file that failed to parse: unknown, not an error.
        let Some(expr) = self.env.locals.get(name).copied() else { return Value::unknown(span) };
        self.cache.borrow_mut().insert(name.to_string(), None);
        let v = self.eval(expr, &Scope::default());
        let v = if v.nesting() > super::value::MAX_NESTING { Value::unknown(v.span) } else { v };
        self.cache.borrow_mut().insert(name.to_string(), Some(v.clone()));
        v
    }

    fn step(&self, v: Value, op: &TraversalOperator, span: Span, loc: Loc, scope: &Scope) -> Value {
        match op {
            TraversalOperator::GetAttr(a) => match &v.kind {
                ValueKind::Map(m) => m.get(a.as_str()).map_or_else(|| Value::error(span), |e| e.value.clone()),
                ValueKind::Ref { address, .. } => {
                    Value::computed(ValueKind::Ref { address: address.clone(), attr: true }, span)
                }
                ValueKind::Unknown => Value::unknown(span),
                _ => Value::error(span),
            },
            TraversalOperator::Index(e) => {
                let key = self.hcl(e, loc, scope);
                index(v, &key, span)
            }
            TraversalOperator::LegacyIndex(n) => {
                index(v, &Value::new(ValueKind::Number(*n.value() as f64), span), span)
            }
            TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => match v.kind {
                ValueKind::Error => Value::error(span),
                _ => Value::unknown(span),
            },
        }
    }

    fn call(&self, f: &FuncCall, span: Span, loc: Loc, scope: &Scope) -> Value {
        if f.name.is_namespaced() {
            return Value::unknown(span);
        }
        let mut args: Vec<Value> = f.args.iter().map(|a| self.hcl(a, loc, scope)).collect();
        if f.args.expand_final() {
            let Some(last) = args.pop() else { return Value::error(span) };
            match last.items() {
                Some(items) => args.extend(items.iter().cloned()),
                None if last.is_error() => return Value::error(span),
                None => return Value::unknown(span),
            }
        }
        let name = f.name.name.as_str();
        if let Some(reads) = &self.env.reads {
            match name {
                "file" => return reads.file(&args, span),
                "templatefile" => return reads.templatefile(&args, span),
                "yamldecode" | "jsondecode" => return reads.decode(&args, span),
                _ => {}
            }
        }
        functions::call(name, args, span, &self.budget)
    }

    fn for_expr(&self, f: &ForExpr, span: Span, loc: Loc, scope: &Scope) -> Value {
        if f.grouping {
            return Value::unknown(span);
        }
        let collection = self.hcl(&f.intro.collection_expr, loc, scope);
        let pairs: Vec<(Value, Value)> = match &collection.kind {
            ValueKind::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::computed(ValueKind::Number(i as f64), span), v.clone()))
                .collect(),
            ValueKind::Set(items) => items.iter().map(|v| (v.clone(), v.clone())).collect(),
            ValueKind::Map(m) => m.iter().map(|(k, e)| (e.key_value(k), e.value.clone())).collect(),
            ValueKind::Unknown | ValueKind::Ref { .. } => return Value::unknown(span),
            _ => return Value::error(span),
        };
        if !self.budget.spend(pairs.len() as u64) {
            return Value::unknown(span);
        }
        let value_var = f.intro.value_var.as_str();
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str());
        let mut list = Vec::new();
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            let mut inner = scope.bind(value_var, v);
            if let Some(key_var) = key_var {
                inner = inner.bind(key_var, k);
            }
            if let Some(cond) = &f.cond {
                match self.hcl(&cond.expr, loc, &inner).kind {
                    ValueKind::Bool(true) => {}
                    ValueKind::Bool(false) => continue,
                    ValueKind::Unknown | ValueKind::Ref { .. } => return Value::unknown(span),
                    _ => return Value::error(span),
                }
            }
            let value = self.hcl(&f.value_expr, loc, &inner);
            match &f.key_expr {
                Some(key_expr) => {
                    let key = self.hcl(key_expr, loc, &inner);
                    let Some(text) = key.to_text() else {
                        return if key.is_error() { Value::error(span) } else { Value::unknown(span) };
                    };
                    // Without `...`, a repeated key is an error in Terraform.
                    let entry = Entry { key: key.span, key_computed: key.computed, value };
                    if map.insert(text, entry).is_some() {
                        return Value::error(span);
                    }
                }
                None => list.push(value),
            }
        }
        match f.key_expr {
            Some(_) => Value::computed(ValueKind::Map(Rc::new(map)), span),
            None => Value::computed(ValueKind::List(Rc::new(list)), span),
        }
    }

    fn template<'t>(&self, elements: impl Iterator<Item = &'t Element>, span: Span, loc: Loc, scope: &Scope) -> Value {
        let elements: Vec<&Element> = elements.collect();
        // "${x}" alone is x itself, unconverted, as in Terraform.
        if let [Element::Interpolation(i)] = elements.as_slice() {
            return self.hcl(&i.expr, loc, scope);
        }
        let mut out = String::new();
        let mut computed = false;
        // The call argument the template interpolates, when it is one (Some(None): several).
        let mut argument: Option<Option<Span>> = None;
        for element in elements {
            match element {
                Element::Literal(l) => out.push_str(l.value()),
                Element::Interpolation(i) => {
                    computed = true;
                    let v = self.hcl(&i.expr, loc, scope);
                    if self.providers.is_some() && passed_variable(&i.expr).is_some_and(|n| self.env.passed.contains(n))
                    {
                        argument = match argument {
                            None => Some(Some(v.span)),
                            Some(Some(at)) if at == v.span => Some(Some(at)),
                            _ => Some(None),
                        };
                    }
                    match v.to_text() {
                        Some(text) => out.push_str(&text),
                        None if matches!(v.kind, ValueKind::Unknown | ValueKind::Ref { .. }) => {
                            return Value::unknown(span)
                        }
                        None => return Value::error(span),
                    }
                }
                Element::Directive(_) => return Value::unknown(span),
            }
            if out.len() > functions::MAX_STRING {
                return Value::unknown(span);
            }
        }
        // A child module's template of one caller's argument (`"${var.prefix}-bot"`) stays
        // where the value is made, whose literal part may be what is wrong (`-Bot`) and
        // where a rule's help about the whole value fits; the argument the caller writes
        // is noted, so that the user sees it and a review of that line reports it.
        if let Some(Some(at)) = argument {
            if at.file != span.file || !(span.start <= at.start && at.end <= span.end) {
                self.placed.borrow_mut().push((at, span));
            }
        }
        Value { kind: ValueKind::Str(out), span, computed }
    }

    /// Terraform JSON: strings are templates, everything else is literal.
    fn json(&self, node: &Node, file: FileId, scope: &Scope) -> Value {
        let span = Span::new(file, node.start(), node.end());
        if !self.enter() {
            return Value::unknown(span);
        }
        let v = match node {
            Node::Scalar(s) if s.quoted => {
                if s.text.contains("${") || s.text.contains("%{") {
                    match hcl_edit::parser::parse_template(&s.text) {
                        // Offsets inside the string are exact unless escapes precede them.
                        Ok(t) => self.template(t.iter(), span, Loc { file, base: node.start() + 1 }, scope),
                        Err(_) => Value::error(span),
                    }
                } else {
                    Value::string(s.text.clone(), span)
                }
            }
            Node::Scalar(_) => json_scalar(node, span),
            Node::Seq { items, .. } => {
                Value::new(ValueKind::List(Rc::new(items.iter().map(|i| self.json(i, file, scope)).collect())), span)
            }
            Node::Map { entries, .. } => {
                let mut map = BTreeMap::new();
                for (k, v) in entries {
                    let Some(key) = k.as_str() else { continue };
                    let value = self.json(v, file, scope);
                    map.insert(key.to_string(), Entry::new(Span::new(file, k.start(), k.end()), value));
                }
                Value::new(ValueKind::Map(Rc::new(map)), span)
            }
        };
        self.leave();
        v
    }
}

/// A JSON value as data (tfvars.json, plan values): strings are never templates.
pub fn json_data(node: &Node, file: FileId) -> Value {
    let span = Span::new(file, node.start(), node.end());
    match node {
        Node::Scalar(s) if s.quoted => Value::string(s.text.clone(), span),
        Node::Scalar(_) => json_scalar(node, span),
        Node::Seq { items, .. } => {
            Value::new(ValueKind::List(Rc::new(items.iter().map(|i| json_data(i, file)).collect())), span)
        }
        Node::Map { entries, .. } => {
            let map = entries
                .iter()
                .filter_map(|(k, v)| {
                    let key = k.as_str()?.to_string();
                    Some((key, Entry::new(Span::new(file, k.start(), k.end()), json_data(v, file))))
                })
                .collect();
            Value::new(ValueKind::Map(Rc::new(map)), span)
        }
    }
}

fn json_scalar(node: &Node, span: Span) -> Value {
    if node.is_null() {
        return Value::new(ValueKind::Null, span);
    }
    if let Some(b) = node.as_bool() {
        return Value::new(ValueKind::Bool(b), span);
    }
    match node.as_str().and_then(|s| s.parse::<f64>().ok()) {
        Some(n) if n.is_finite() => Value::new(ValueKind::Number(n), span),
        _ => Value::error(span),
    }
}

fn index(v: Value, key: &Value, span: Span) -> Value {
    match (&key.kind, &v.kind) {
        (ValueKind::Error, _) | (_, ValueKind::Error) => Value::error(span),
        (ValueKind::Unknown | ValueKind::Ref { .. }, _) | (_, ValueKind::Unknown) => Value::unknown(span),
        (ValueKind::Str(k), ValueKind::Ref { address, attr: false }) => {
            let address = format!("{address}[\"{}\"]", k.replace('\\', "\\\\").replace('"', "\\\""));
            Value::computed(ValueKind::Ref { address, attr: false }, span)
        }
        (ValueKind::Number(n), ValueKind::Ref { address, attr: false }) if n.fract() == 0.0 && *n >= 0.0 => {
            Value::computed(ValueKind::Ref { address: format!("{address}[{}]", *n as u64), attr: false }, span)
        }
        (_, ValueKind::Ref { .. }) => Value::unknown(span),
        (ValueKind::Number(n), ValueKind::List(items)) if n.fract() == 0.0 && *n >= 0.0 => {
            items.get(*n as usize).cloned().unwrap_or_else(|| Value::error(span))
        }
        (_, ValueKind::Map(m)) => match key.to_text() {
            Some(k) => m.get(&k).map_or_else(|| Value::error(span), |e| e.value.clone()),
            None => Value::error(span),
        },
        _ => Value::error(span),
    }
}

fn binary(op: BinaryOperator, lhs: &Value, rhs: &Value, span: Span) -> Value {
    use BinaryOperator as B;
    if lhs.is_error() || rhs.is_error() {
        return Value::error(span);
    }
    match op {
        B::Eq | B::NotEq => match functions::equal(lhs, rhs) {
            Some(same) => Value::computed(ValueKind::Bool(same == (op == B::Eq)), span),
            None => Value::unknown(span),
        },
        B::And | B::Or => match (&lhs.kind, &rhs.kind) {
            (ValueKind::Bool(a), ValueKind::Bool(b)) => {
                Value::computed(ValueKind::Bool(if op == B::And { *a && *b } else { *a || *b }), span)
            }
            // `false && unknown` is false, `true || unknown` is true.
            (ValueKind::Bool(false), _) | (_, ValueKind::Bool(false)) if op == B::And => {
                Value::computed(ValueKind::Bool(false), span)
            }
            (ValueKind::Bool(true), _) | (_, ValueKind::Bool(true)) if op == B::Or => {
                Value::computed(ValueKind::Bool(true), span)
            }
            _ if lhs.is_unknown() || rhs.is_unknown() => Value::unknown(span),
            _ => Value::error(span),
        },
        _ => {
            let number = |v: &Value| match &v.kind {
                ValueKind::Number(n) => Some(*n),
                ValueKind::Str(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            let (Some(a), Some(b)) = (number(lhs), number(rhs)) else {
                return if lhs.is_unknown() || rhs.is_unknown() { Value::unknown(span) } else { Value::error(span) };
            };
            let kind = match op {
                B::Plus => ValueKind::Number(a + b),
                B::Minus => ValueKind::Number(a - b),
                B::Mul => ValueKind::Number(a * b),
                B::Div if b != 0.0 => ValueKind::Number(a / b),
                B::Mod if b != 0.0 => ValueKind::Number(a % b),
                B::Less => ValueKind::Bool(a < b),
                B::LessEq => ValueKind::Bool(a <= b),
                B::Greater => ValueKind::Bool(a > b),
                B::GreaterEq => ValueKind::Bool(a >= b),
                _ => return Value::error(span),
            };
            Value::computed(kind, span)
        }
    }
}

/// `NAME` of an expression `var.NAME...`.
fn passed_variable(expr: &Expression) -> Option<&str> {
    let Expression::Traversal(t) = expr else { return None };
    let Expression::Variable(v) = &t.expr else { return None };
    match t.operators.first().map(|o| o.value()) {
        Some(TraversalOperator::GetAttr(a)) if v.as_str() == "var" => Some(a.as_str()),
        _ => None,
    }
}
