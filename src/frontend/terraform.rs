//! Terraform for the `kestra` provider: `*.tf` (hcl-edit), `*.tf.json` (Terraform JSON) and
//! `*.tfvars`/`*.tfvars.json`.
//!
//! A Terraform module is a directory, and a resource's values may come from any of its
//! files, so a module is parsed and lowered in one piece (modules in parallel): variables
//! take their value from the root module's var files (`terraform.tfvars`, `*.auto.tfvars`,
//! then `--var-file`, later wins) or their default; locals are evaluated on demand; each
//! resource block expands into one object per `for_each` key or `count` index. A child
//! module (a folder a `module` block calls with a local `source`) is lowered once per call,
//! in its root's task, with the call's arguments as its variables and `module.NAME[KEY].` in
//! front of its addresses. Whatever is not literal stays unknown.

mod eval;
mod exposure;
mod fanout;
mod functions;
mod lower;
mod overrides;
mod reads;
mod secrets;
mod syntax;
mod value;

use super::{FileKind, Input};
use crate::model::{FileModel, Problem};
use crate::rules::SYNTAX_ERROR;
use crate::source::{FileId, Span};
use crate::syntax::yaml::{self, Limits, Node};
use eval::{Env, Evaluator, Scope};
use overrides::Overrides;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use syntax::{BlockRef, BodyRef, ExprRef};
use value::{make_set, Entry, Value, ValueKind};

/// One parsed Terraform file, waiting for the rest of its module.
struct TfFile {
    file: FileId,
    name: String,
    vars: bool,
    syntax: Syntax,
}

enum Syntax {
    Hcl(hcl_edit::structure::Body),
    Json(Node),
}

impl TfFile {
    /// A configuration file (`.tf`, `.tf.json`), as opposed to a variables file.
    fn is_config(&self) -> bool {
        !self.vars
    }

    fn body(&self) -> BodyRef<'_> {
        match &self.syntax {
            Syntax::Hcl(body) => BodyRef::Hcl(body, self.file),
            Syntax::Json(node) => BodyRef::Json(node, self.file),
        }
    }

    /// Terraform reads these on its own in a root module, in this order.
    fn auto_vars_rank(&self) -> Option<(u8, &str)> {
        match self.name.as_str() {
            "terraform.tfvars" => Some((0, "")),
            "terraform.tfvars.json" => Some((1, "")),
            n if n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json") => Some((2, n)),
            _ => None,
        }
    }
}

/// Parses one file, or says why it does not parse.
fn parse(input: &Input<'_>, limits: Limits) -> Result<TfFile, Problem> {
    let name = input.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let json = name.ends_with(".json");
    let syntax = if json { parse_json(input.file, input.text, limits) } else { parse_hcl(input.file, input.text) };
    match syntax {
        Ok(syntax) => Ok(TfFile { file: input.file, name, vars: input.kind == FileKind::TerraformVars, syntax }),
        Err(problem) => Err(problem),
    }
}

/// The model of a var file: it adds no objects, but its credentials are starred.
fn var_file_model(f: &TfFile) -> FileModel {
    let mut model = FileModel::default();
    secrets::mark_literals(&Evaluator::literal(), f.body(), true, &mut model);
    model
}

/// The model of a file that does not parse: its syntax error.
fn unparsed(problem: Problem) -> (FileId, FileModel) {
    (problem.span.file, FileModel { problems: vec![problem], ..FileModel::default() })
}

fn parse_hcl(file: FileId, text: &str) -> Result<Syntax, Problem> {
    // Nesting hcl-edit could take exponential time over is reported, not parsed.
    crate::syntax::hcl::check_nesting(text).map_err(|e| syntax_error(file, e.offset, e.message()))?;
    hcl_edit::parser::parse_body(text).map(Syntax::Hcl).map_err(|e| {
        let offset = e.location().offset().min(text.len());
        syntax_error(file, offset, format!("cannot parse Terraform: {}", e.message()))
    })
}

fn parse_json(file: FileId, text: &str, limits: Limits) -> Result<Syntax, Problem> {
    if let Err((offset, e)) = yaml::check_strict_json(text) {
        return Err(syntax_error(file, offset, format!("cannot parse Terraform JSON: {e}")));
    }
    match yaml::parse(text, limits) {
        Ok(mut docs) if docs.len() == 1 && matches!(docs[0], Node::Map { .. }) => Ok(Syntax::Json(docs.remove(0))),
        Ok(_) => Err(syntax_error(file, 0, "Terraform JSON must be one object".into())),
        Err(e) => Err(syntax_error(file, e.offset, format!("cannot parse Terraform JSON: {}", e.message))),
    }
}

fn syntax_error(file: FileId, offset: usize, message: String) -> Problem {
    Problem {
        code: SYNTAX_ERROR.code,
        span: Span::new(file, offset, offset),
        message,
        help: None,
        labels: Vec::new(),
        fix: None,
    }
}

/// The workspace's Terraform grouped into modules (directories), each to be parsed,
/// evaluated and lowered on its own: a module's syntax trees live only while it is lowered
/// (holding every tree of a large workspace at once cost more memory than all else).
pub struct Modules<'i> {
    /// `--var-file` files, in order; they feed every root module (a directory no `module`
    /// block in the workspace calls).
    shared: Vec<TfFile>,
    /// Models of `--var-file` files, made up front: a syntax error, or the credentials
    /// to star.
    pub failed: Vec<(FileId, FileModel)>,
    modules: Vec<Module<'i>>,
    /// What is lowered in one piece, in directory order.
    pub units: Vec<ModuleUnit>,
    /// The bounds Terraform JSON is parsed under (`--max-yaml-depth`).
    limits: Limits,
    /// The YAML and JSON files the configuration reads, for `file()` and its decoders.
    data: Arc<reads::DataFiles>,
}

struct Module<'i> {
    dir: PathBuf,
    inputs: Vec<&'i Input<'i>>,
    /// No `module` block of the workspace calls it.
    root: bool,
}

/// A root module with the child modules it calls (each lowered once per call, with the
/// call's arguments as its variables; a child several roots call is in each of their
/// units), or a module no root reaches (a cycle), lowered on its own with its variables'
/// defaults.
pub struct ModuleUnit {
    head: usize,
    /// The head's folder as shown (`envs/prod`, `.`): the root module, whose state holds
    /// every object the unit lowers.
    pub root: Arc<str>,
    /// The head's folder, canonical.
    pub dir: PathBuf,
    /// The deployment it belongs to: the configuration's name for it, else `root`.
    pub deployment: Arc<str>,
    /// Every module of the unit, `head` first.
    members: Vec<usize>,
    /// Every file of its modules.
    pub files: Vec<FileId>,
}

/// Child-module calls deeper than this are not followed (a module that calls itself).
const MAX_MODULE_DEPTH: usize = 8;

/// Arguments of a `module` block that are not inputs of the child module.
const META_ARGUMENTS: [&str; 6] = ["source", "version", "providers", "depends_on", "for_each", "count"];

impl<'i> Modules<'i> {
    /// `data`: the data files' canonical paths, ids and texts.
    pub fn new(
        inputs: &[&'i Input<'i>],
        var_files: &[FileId],
        limits: Limits,
        data: impl Iterator<Item = (PathBuf, FileId, Arc<str>)>,
    ) -> Self {
        let data = Arc::new(reads::DataFiles::new(data, limits));
        let mut failed = Vec::new();
        let mut shared: Vec<TfFile> = Vec::new();
        for id in var_files {
            if shared.iter().any(|f| f.file == *id) || failed.iter().any(|(f, _)| f == id) {
                continue;
            }
            if let Some(input) = inputs.iter().find(|i| i.file == *id) {
                match parse(input, limits) {
                    Ok(f) => {
                        failed.push((f.file, var_file_model(&f)));
                        shared.push(f);
                    }
                    Err(problem) => failed.push(unparsed(problem)),
                }
            }
        }
        let mut by_dir: BTreeMap<PathBuf, Vec<&Input<'_>>> = BTreeMap::new();
        let mut canonical: HashMap<&Path, PathBuf> = HashMap::new();
        for input in inputs.iter().filter(|i| !var_files.contains(&i.file)) {
            let dir = input.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            // Canonical, so that a file named on the command line and its neighbours found
            // by the walk share one module.
            let dir = canonical.entry(dir).or_insert_with(|| dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()));
            by_dir.entry(dir.clone()).or_default().push(input);
        }
        let mut modules: Vec<Module<'i>> =
            by_dir.into_iter().map(|(dir, inputs)| Module { dir, inputs, root: true }).collect();
        let index: HashMap<&Path, usize> = modules.iter().enumerate().map(|(i, m)| (m.dir.as_path(), i)).collect();
        let calls: Vec<Vec<usize>> = modules
            .par_iter()
            .map(|m| {
                called_modules(&m.dir, &m.inputs, limits)
                    .iter()
                    .filter_map(|d| index.get(d.as_path()).copied())
                    .collect()
            })
            .collect();
        for &child in calls.iter().flatten() {
            modules[child].root = false;
        }
        let units = units(&modules, &calls);
        Modules { shared, failed, modules, units, limits, data }
    }

    /// Parses, evaluates and lowers one unit: a model for each configuration file (holding
    /// the objects of every instance of its module) and for each file that does not parse.
    ///
    /// Only the files that can define what expressions see (variables, locals, var files)
    /// or call child modules are parsed up front and kept while the head module is lowered;
    /// the others are parsed a wave at a time, in parallel, and dropped once lowered. A
    /// module of thousands of files in one folder so needs neither all their trees at once
    /// nor a single core to parse them.
    pub fn lower(&self, unit: &ModuleUnit, emit: &mut dyn FnMut(Vec<(FileId, FileModel)>)) {
        let head = &self.modules[unit.head];
        let mut out = Vec::new();
        // A block an override file merges into must be read with it: a module with one keeps
        // every file.
        let overridden = head
            .inputs
            .iter()
            .any(|i| i.path.file_name().is_some_and(|n| overrides::is_override(&n.to_string_lossy())));
        let (defining, plain): (Vec<&Input<'_>>, Vec<&Input<'_>>) =
            head.inputs.iter().partition(|i| overridden || i.kind == FileKind::TerraformVars || may_define(i.text));
        let mut files = Vec::new();
        for parsed in defining.par_iter().map(|i| parse(i, self.limits)).collect::<Vec<_>>() {
            match parsed {
                Ok(f) => files.push(f),
                Err(problem) => out.push(unparsed(problem)),
            }
        }
        let assigned = if head.root { root_assignments(&files, &self.shared) } else { HashMap::new() };
        let reads = reads::Reads { dir: head.dir.clone(), data: Arc::clone(&self.data) };
        // Built once per module instance and shared by every pass over its blocks.
        let overrides = Overrides::new(&files);
        let evaluator = Evaluator::new(module_env(&files, &overrides, assigned, Some(reads)));
        // Child modules first, so that this module's files see their outputs: every child
        // file gets one model, whatever number of instances it has.
        let mut children =
            Instances { unit, models: BTreeMap::new(), parsed: HashMap::new(), fanout: fanout::Fanout::default() };
        for &member in &unit.members[1..] {
            for input in &self.modules[member].inputs {
                children.models.insert(input.file, FileModel::default());
            }
        }
        self.lower_calls(&evaluator, &head.dir, &files, &overrides, 0, None, &mut children);
        let mut cut: Vec<(FileId, Problem)> = std::mem::take(&mut children.fanout).problems();
        let in_children: Vec<(FileId, Problem)> =
            cut.extract_if(.., |(file, _)| children.models.contains_key(file)).collect();
        for (file, problem) in in_children {
            children.models.entry(file).or_default().problems.push(problem);
        }
        for f in &files {
            // A var file adds no objects of its own: an empty model says it is done.
            let mut model =
                if f.is_config() { lower::lower_file(&evaluator, f.body(), &overrides) } else { var_file_model(f) };
            model.problems.extend(cut.extract_if(.., |(file, _)| *file == f.file).map(|(_, p)| p));
            out.push((f.file, model));
        }
        emit(out);
        for wave in plain.chunks(PARSE_WAVE) {
            let parsed: Vec<Result<TfFile, Problem>> = wave.par_iter().map(|i| parse(i, self.limits)).collect();
            emit(
                parsed
                    .into_iter()
                    .map(|p| match p {
                        Ok(f) => (f.file, lower::lower_file(&evaluator, f.body(), &Overrides::default())),
                        Err(problem) => unparsed(problem),
                    })
                    .collect(),
            );
        }
        // Instances repeat the same computed and secret spans.
        for model in children.models.values_mut() {
            model.computed.sort();
            model.computed.dedup();
            model.templates.sort();
            model.templates.dedup();
            model.secrets.sort();
            model.secrets.dedup();
        }
        emit(children.models.into_iter().collect());
    }

    /// Lowers an instance of each child module that `files` (of the module in `dir`, under
    /// `caller`) call, per `for_each` key or `count` index.
    /// `root_call`: the root module's `module` block this chain of calls starts at.
    // The module's overrides come in with its files: built once per instance, not per pass.
    #[allow(clippy::too_many_arguments)]
    fn lower_calls(
        &self,
        caller: &Evaluator<'_>,
        dir: &Path,
        files: &[TfFile],
        overrides: &Overrides<'_>,
        depth: usize,
        root_call: Option<Span>,
        out: &mut Instances<'_>,
    ) {
        if depth >= MAX_MODULE_DEPTH {
            return;
        }
        for f in files.iter().filter(|f| f.is_config()) {
            for block in f.body().top_blocks() {
                let Some(block) = overrides.block(block) else { continue };
                let ("module", [name]) = (block.ident, block.labels.as_slice()) else { continue };
                let Some(child) = local_source(dir, &block).and_then(|d| self.module_at(&d)) else { continue };
                if !out.unit.members.contains(&child) {
                    continue;
                }
                let mut outputs: Vec<(lower::InstanceKey, Value)> = Vec::new();
                let mut tokens = exposure::ModuleOutputs::new();
                let refused = caller.refusals();
                let instances = lower::block_instances(caller, &block);
                if caller.refusals() > refused {
                    out.fanout.unexpanded(block.header, name);
                }
                for instance in instances {
                    // Every instance spends the root's allowance: a call of a call of ...
                    // stops with it, whether or not its `count` could be expanded.
                    let allowed = caller.allow_instances(1);
                    if !out.fanout.admit(block.header, name, allowed) {
                        continue;
                    }
                    let arguments: HashMap<String, Value> = block
                        .body
                        .attrs()
                        .into_iter()
                        .filter(|a| !META_ARGUMENTS.contains(&a.key))
                        .map(|a| (a.key.to_string(), caller.eval(a.value, &instance.scope)))
                        .collect();
                    let prefix = format!("{}module.{name}{}.", caller.prefix(), instance.suffix());
                    let providers = call_providers(caller, &block);
                    let root_call = root_call.unwrap_or(block.header);
                    let call = Call { module: child, arguments, prefix, providers, header: block.header, root_call };
                    let (value, exposed) = self.lower_instance(caller, call, depth + 1, out);
                    outputs.push((instance.key, value));
                    for (output, e) in exposed {
                        let into = tokens
                            .entry(output)
                            .or_insert_with(|| exposure::ModuleOutput { tokens: Vec::new(), ..e.clone() });
                        into.tokens.extend(e.tokens);
                    }
                }
                if let Some(value) = call_value(&block, outputs) {
                    caller.set_module(name, value);
                }
                caller.set_module_tokens(name, tokens);
            }
        }
    }

    /// Lowers one instance of a child module; returns its outputs and the tokens they expose.
    fn lower_instance(
        &self,
        caller: &Evaluator<'_>,
        call: Call,
        depth: usize,
        out: &mut Instances<'_>,
    ) -> (Value, exposure::ModuleOutputs) {
        let module = call.module;
        let files = match out.parsed.get(&module) {
            Some(files) => Rc::clone(files),
            None => {
                let mut files = Vec::new();
                for input in &self.modules[module].inputs {
                    match parse(input, self.limits) {
                        Ok(f) => files.push(f),
                        // Reported once, however many instances the module has.
                        Err(problem) => {
                            let (file, model) = unparsed(problem);
                            out.models.insert(file, model);
                        }
                    }
                }
                let files = Rc::new(files);
                out.parsed.insert(module, Rc::clone(&files));
                files
            }
        };
        let dir = &self.modules[module].dir;
        let reads = reads::Reads { dir: dir.clone(), data: Arc::clone(&self.data) };
        let overrides = Overrides::new(&files);
        let evaluator =
            caller.nested(module_env(&files, &overrides, call.arguments, Some(reads)), call.prefix, call.providers);
        // Calls first: this module's files may use their outputs.
        self.lower_calls(&evaluator, dir, &files, &overrides, depth, Some(call.root_call), out);
        let instance: Arc<str> = Arc::from(evaluator.prefix().trim_end_matches('.'));
        for f in files.iter().filter(|f| f.is_config()) {
            let mut model = lower::lower_file(&evaluator, f.body(), &overrides);
            model.called(call.root_call, &instance);
            out.models.entry(f.file).or_default().append(model);
        }
        (outputs(&evaluator, &files, &overrides, call.header), output_tokens(&evaluator, &files, &overrides))
    }

    fn module_at(&self, dir: &Path) -> Option<usize> {
        self.modules.binary_search_by(|m| m.dir.as_path().cmp(dir)).ok()
    }
}

/// A module instance's outputs, as an object: `module.NAME.OUTPUT`; `call` is the
/// `module` block's header.
fn outputs(evaluator: &Evaluator<'_>, files: &[TfFile], overrides: &Overrides<'_>, call: Span) -> Value {
    let mut map = BTreeMap::new();
    for f in files.iter().filter(|f| f.is_config()) {
        for block in f.body().top_blocks() {
            let Some(block) = overrides.block(block) else { continue };
            let ("output", [name]) = (block.ident, block.labels.as_slice()) else { continue };
            let value = match block.body.attr("value") {
                Some(v) => evaluator.eval(v.value, &Scope::default()),
                None => Value::unknown(block.header),
            };
            map.insert(name.to_string(), Entry::new(block.header, value));
        }
    }
    Value::computed(ValueKind::Map(Rc::new(map)), call)
}

/// The outputs of a module instance that expose API tokens, with the token addresses as
/// the caller sees them (`module.NAME.kestra_..._api_token.x`).
fn output_tokens(evaluator: &Evaluator<'_>, files: &[TfFile], overrides: &Overrides<'_>) -> exposure::ModuleOutputs {
    let mut map = exposure::ModuleOutputs::new();
    for f in files.iter().filter(|f| f.is_config()) {
        for block in f.body().top_blocks() {
            let Some(block) = overrides.block(block) else { continue };
            let ("output", [name]) = (block.ident, block.labels.as_slice()) else { continue };
            let Some(value) = block.body.attr("value") else { continue };
            let mut tokens = exposure::tokens(value.value, evaluator);
            if tokens.is_empty() {
                continue;
            }
            for t in tokens.iter_mut().filter(|t| t.via.is_none()) {
                t.address = format!("{}{}", evaluator.prefix(), t.address);
            }
            let sensitive = block
                .body
                .attr("sensitive")
                .is_some_and(|a| matches!(evaluator.eval(a.value, &Scope::default()).kind, ValueKind::Bool(true)));
            map.insert(name.to_string(), exposure::ModuleOutput { header: block.header, sensitive, tokens });
        }
    }
    map
}

/// What `module.NAME` is for a call: its instance's outputs, or for a call with `for_each`
/// a map and with `count` a list of them. None when the instances are not known.
fn call_value(block: &BlockRef<'_>, outputs: Vec<(lower::InstanceKey, Value)>) -> Option<Value> {
    use lower::InstanceKey;
    let span = block.header;
    let expanded = block.body.attr("for_each").is_some() || block.body.attr("count").is_some();
    match outputs.first() {
        Some((InstanceKey::None, _)) if expanded => None,
        Some((InstanceKey::Key(_), _)) => {
            let map = outputs
                .into_iter()
                .filter_map(|(key, v)| match key {
                    InstanceKey::Key(key) => Some((key, Entry::new(span, v))),
                    _ => None,
                })
                .collect();
            Some(Value::computed(ValueKind::Map(Rc::new(map)), span))
        }
        Some((InstanceKey::Index(_), _)) => {
            Some(Value::computed(ValueKind::List(Rc::new(outputs.into_iter().map(|(_, v)| v).collect())), span))
        }
        // No instance at all: an empty `for_each` or a `count` of 0.
        None if block.body.attr("for_each").is_some() => Some(Value::computed(ValueKind::Map(Rc::default()), span)),
        None if block.body.attr("count").is_some() => Some(Value::computed(ValueKind::List(Rc::default()), span)),
        _ => outputs.into_iter().next().map(|(_, v)| v),
    }
}

/// The providers a `module` block passes its child, by the child's names for them: the
/// `providers` map (`{ kestra = kestra.payments, kestra.eu = kestra }`), else the caller's
/// default `kestra`, which Terraform passes on its own. A pair iamlint cannot read is
/// left out: the child's resources using it have an unknown tenant.
fn call_providers(caller: &Evaluator<'_>, block: &BlockRef<'_>) -> eval::Providers {
    let mut out = eval::Providers::new();
    let Some(attr) = block.body.attr("providers") else {
        if let Some(root) = caller.provider(&None) {
            out.insert(None, root);
        }
        return out;
    };
    // (the child's name, the caller's provider), each None when iamlint cannot read it.
    type Alias = Option<Option<String>>;
    let pairs: Vec<(Alias, Alias)> = match attr.value {
        ExprRef::Hcl { expr: hcl_edit::expr::Expression::Object(object), file, base } => object
            .iter()
            .map(|(k, v)| {
                let key = match k {
                    hcl_edit::expr::ObjectKey::Ident(i) if i.as_str() == "kestra" => Some(None),
                    hcl_edit::expr::ObjectKey::Ident(_) => None,
                    hcl_edit::expr::ObjectKey::Expression(e) => {
                        lower::provider_alias(ExprRef::Hcl { expr: e, file, base })
                    }
                };
                (key, lower::provider_alias(ExprRef::Hcl { expr: v.expr(), file, base }))
            })
            .collect(),
        ExprRef::Json { node: Node::Map { entries, .. }, file } => entries
            .iter()
            .map(|(k, v)| {
                let key = lower::provider_alias(ExprRef::Json { node: k, file });
                (key, lower::provider_alias(ExprRef::Json { node: v, file }))
            })
            .collect(),
        _ => Vec::new(),
    };
    for (name, value) in pairs {
        if let (Some(name), Some(value)) = (name, value) {
            if let Some(root) = caller.provider(&value) {
                out.insert(name, root);
            }
        }
    }
    out
}

/// One instance of a child module, as its call makes it.
struct Call {
    module: usize,
    /// The call's arguments: the instance's variables.
    arguments: HashMap<String, Value>,
    /// `module.NAME[KEY].` after the caller's own prefix.
    prefix: String,
    /// The root provider configurations the call passes (`providers = {...}`).
    providers: eval::Providers,
    /// The `module` block's header.
    header: Span,
    /// The root module's `module` block the chain of calls starts at.
    root_call: Span,
}

/// The models of a unit's child modules, per file, as their instances are lowered, and
/// their files, parsed once for all instances.
struct Instances<'u> {
    unit: &'u ModuleUnit,
    models: BTreeMap<FileId, FileModel>,
    parsed: HashMap<usize, Rc<Vec<TfFile>>>,
    fanout: fanout::Fanout,
}

/// Groups modules into units: each root with every child it reaches, then every module
/// no root reaches, on its own.
fn units(modules: &[Module<'_>], calls: &[Vec<usize>]) -> Vec<ModuleUnit> {
    let roots: Vec<usize> = (0..modules.len()).filter(|&i| modules[i].root).collect();
    let reach: Vec<BTreeSet<usize>> = roots
        .iter()
        .map(|&root| {
            let mut seen = BTreeSet::new();
            let mut todo: Vec<usize> = calls[root].clone();
            while let Some(m) = todo.pop() {
                if m != root && seen.insert(m) {
                    todo.extend(&calls[m]);
                }
            }
            seen
        })
        .collect();
    let mut members: Vec<Vec<usize>> = (0..modules.len()).map(|i| vec![i]).collect();
    let mut owned = vec![false; modules.len()];
    for (&root, reached) in roots.iter().zip(&reach) {
        for &m in reached.iter().filter(|&&m| !modules[m].root) {
            members[root].push(m);
            owned[m] = true;
        }
    }
    (0..modules.len())
        .filter(|&m| !owned[m])
        .map(|head| {
            let members = std::mem::take(&mut members[head]);
            let files = members.iter().flat_map(|&m| modules[m].inputs.iter().map(|i| i.file)).collect();
            {
                let root = shown_dir(&modules[head]);
                ModuleUnit { head, deployment: Arc::clone(&root), root, dir: modules[head].dir.clone(), members, files }
            }
        })
        .collect()
}

/// A module's folder as output shows its files' paths, `.` for the top.
fn shown_dir(module: &Module<'_>) -> Arc<str> {
    let display = module.inputs.first().map_or("", |i| i.display);
    let parent = display.rsplit_once('/').map_or("", |(dir, _)| dir);
    let parent = parent.strip_prefix("./").unwrap_or(parent);
    Arc::from(if parent.is_empty() || parent == "." { "." } else { parent })
}

/// Files of one module parsed together, beyond those kept for the whole module.
const PARSE_WAVE: usize = 64;

/// Whether a file may hold `variable` or `locals` blocks, which every file of its module
/// can see, or `module` blocks, evaluated once the module is. A file that does not even
/// spell them cannot.
fn may_define(text: &str) -> bool {
    text.contains("variable") || text.contains("locals") || text.contains("module")
}

/// Directories that a module's `module` blocks with a local `source` call: child modules,
/// whose inputs come from the call, not from var files. Only files that mention `module`
/// are parsed for this, ahead of lowering.
fn called_modules(dir: &Path, inputs: &[&Input<'_>], limits: Limits) -> Vec<PathBuf> {
    let callers = inputs.iter().filter(|i| i.kind != FileKind::TerraformVars && i.text.contains("module"));
    let mut out = Vec::new();
    for f in callers.filter_map(|i| parse(i, limits).ok()) {
        for block in f.body().top_blocks() {
            if block.ident == "module" {
                out.extend(local_source(dir, &block));
            }
        }
    }
    out
}

/// The directory a `module` block's literal, local `source` (`./x`, `../x`) names.
fn local_source(dir: &Path, block: &BlockRef<'_>) -> Option<PathBuf> {
    let source = block.body.attr("source")?;
    let v = Evaluator::literal().eval(source.value, &Scope::default());
    let source = v.as_str().filter(|s| s.starts_with("./") || s.starts_with("../"))?;
    let dir = crate::confine::absolute(&dir.join(source), None);
    Some(dir.canonicalize().unwrap_or(dir))
}

/// What a module's expressions see: its variables (`assigned`: from var files in a root
/// module, from the call in an instance of a child module; else their default) and locals,
/// from `files`, every file of the module that defines any.
fn module_env<'a>(
    files: &'a [TfFile],
    overrides: &Overrides<'_>,
    assigned: HashMap<String, Value>,
    reads: Option<reads::Reads>,
) -> Env<'a> {
    let mut env = Env { reads, ..Env::default() };
    let literal = Evaluator::literal();
    // Override files last, so that their locals replace the others' of the same name.
    let (merged, base): (Vec<&TfFile>, Vec<&TfFile>) =
        files.iter().filter(|f| f.is_config()).partition(|f| overrides.is_override_file(f.file));
    let mut merged = merged;
    merged.sort_by(|a, b| a.name.cmp(&b.name));
    for f in base.into_iter().chain(merged) {
        for block in f.body().top_blocks() {
            if let ("locals", []) = (block.ident, block.labels.as_slice()) {
                for attr in block.body.attrs() {
                    env.locals.insert(attr.key.to_string(), attr.value);
                }
                continue;
            }
            let Some(block) = overrides.block(block) else { continue };
            let ("variable", [name]) = (block.ident, block.labels.as_slice()) else { continue };
            let value = match (assigned.get(*name), block.body.attr("default")) {
                // An argument the caller passes as null means the default.
                (Some(v), default) if !(matches!(v.kind, ValueKind::Null) && default.is_some()) => {
                    env.passed.insert(name.to_string());
                    v.clone()
                }
                (_, Some(default)) => literal.eval(default.value, &Scope::default()),
                (_, None) => Value::unknown(block.header),
            };
            let value = match block.body.attr("type") {
                Some(t) => convert(value, t.value),
                None => value,
            };
            env.vars.insert(name.to_string(), value);
        }
    }
    env
}

/// A root module's variable values: `terraform.tfvars`, `*.auto.tfvars`, then `--var-file`.
fn root_assignments(files: &[TfFile], var_files: &[TfFile]) -> HashMap<String, Value> {
    let mut auto: Vec<&TfFile> = files.iter().filter(|f| f.auto_vars_rank().is_some()).collect();
    auto.sort_by(|a, b| a.auto_vars_rank().cmp(&b.auto_vars_rank()));
    assignments(auto.into_iter().chain(var_files))
}

/// Variable values from var files, later files winning. Values must be literal.
fn assignments<'a>(files: impl Iterator<Item = &'a TfFile>) -> HashMap<String, Value> {
    let literal = Evaluator::literal();
    let mut out = HashMap::new();
    for f in files {
        for attr in f.body().attrs() {
            let v = match attr.value {
                ExprRef::Json { node, file } => eval::json_data(node, file),
                hcl => literal.eval(hcl, &Scope::default()),
            };
            out.insert(attr.key.to_string(), v);
        }
    }
    out
}

/// A variable's `type` converts its value: a list given for a `set(...)` becomes a set
/// (what `for_each` needs), a set given for a `list(...)` a list.
fn convert(value: Value, ty: ExprRef<'_>) -> Value {
    let kind = match ty {
        ExprRef::Hcl { expr: hcl_edit::expr::Expression::FuncCall(f), .. } => f.name.name.as_str().to_string(),
        ExprRef::Json { node, .. } => {
            node.as_str().and_then(|s| s.split_once('(')).map(|(k, _)| k.trim().to_string()).unwrap_or_default()
        }
        ExprRef::Hcl { .. } => String::new(),
    };
    match (kind.as_str(), &value.kind) {
        ("set", ValueKind::List(items) | ValueKind::Set(items)) => {
            let set = make_set(items, value.span);
            Value { computed: value.computed, ..set }
        }
        ("list", ValueKind::Set(items)) => Value { kind: ValueKind::List(items.clone()), ..value },
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    /// Lowers files as one module: (name, text), file ids in order.
    pub fn module(files: &[(&str, &str)]) -> Vec<FileModel> {
        let inputs: Vec<Input<'_>> = files
            .iter()
            .enumerate()
            .map(|(i, (name, text))| Input {
                kind: FileKind::of(Path::new(name)).unwrap(),
                file: FileId(i as u32),
                path: Path::new(name),
                display: name,
                text,
            })
            .collect();
        let mut models: Vec<FileModel> = files.iter().map(|_| FileModel::default()).collect();
        crate::frontend::lower(&inputs, Vec::new(), &[], Limits::default(), &Default::default(), false, |f, m| {
            models[f.0 as usize] = m
        });
        models
    }

    fn lower(text: &str) -> FileModel {
        module(&[("main.tf", text)]).remove(0)
    }

    fn text_of(files: &[(&str, &str)], span: Span) -> String {
        files[span.file.0 as usize].1[span.start..span.end].to_string()
    }

    #[test]
    fn service_account_with_legacy_spellings() {
        let m = lower(
            r#"
resource "kestra_service_account" "ci" {
  username = "ci-bot"
  group {
    group_id = kestra_group.bots.id
  }
}
"#,
        );
        let sa = &m.service_accounts[0];
        assert_eq!(sa.origin.address, "kestra_service_account.ci");
        assert_eq!(sa.name.as_ref().unwrap().known().map(String::as_str), Some("ci-bot"));
        assert_eq!(sa.groups[0].target, Target::Address("kestra_group.bots".into()));
        assert!(sa.groups_known);
    }

    #[test]
    fn references_and_unknowns() {
        let m = lower(
            r#"
resource "kestra_service_account_api_token" "t" {
  service_account_id = resource.kestra_service_account.sa["x"].id
  name = "${var.prefix}-token"
  max_age = "P30D"
}
resource "kestra_binding" "b" {
  type = "GROUP"
  external_id = data.kestra_group.g.id
  role_id = "68xAawPfiJPkTkZJIPX6jQ"
}
"#,
        );
        let t = &m.tokens[0];
        assert_eq!(t.owner.target, Target::Address("kestra_service_account.sa[\"x\"]".into()));
        assert!(t.name.as_ref().unwrap().is_unknown());
        assert!(matches!(m.bindings[0].principal.target, Target::External(_)));
        assert!(matches!(m.bindings[0].role.target, Target::External(_)));
    }

    #[test]
    fn syntax_error_points_into_the_file() {
        let m = lower("resource \"kestra_group\" \"g\" {\n  name = \n}\n");
        assert_eq!(m.problems[0].code, "IAM001");
        assert!(m.problems[0].span.start > 0);
    }

    #[test]
    fn dynamic_groups_over_an_unknown_collection_are_unknown() {
        let m = lower(
            "resource \"kestra_service_account\" \"a\" {\n  name = \"a\"\n  dynamic \"groups\" {\n    for_each = var.g\n    content { id = groups.value }\n  }\n}\n",
        );
        assert!(!m.service_accounts[0].groups_known);
    }

    const LOCALS: &str = r#"locals {
  service_accounts = {
    etl     = { description = "ETL", groups = ["bots"] }
    ETL_Bot = { description = "bad", groups = [] }
  }
  prefix = "team"
}
"#;

    const RESOURCES: &str = r#"resource "kestra_service_account" "accounts" {
  for_each    = local.service_accounts
  name        = each.key
  description = "${local.prefix}: ${each.value.description}"
  dynamic "groups" {
    for_each = toset(each.value.groups)
    content {
      id = kestra_group.g[groups.value].id
    }
  }
}

resource "kestra_group" "g" {
  for_each = toset(["bots"])
  name     = each.key
}
"#;

    #[test]
    fn for_each_over_locals_yields_one_object_per_key_with_written_spans() {
        let files = [("locals.tf", LOCALS), ("main.tf", RESOURCES)];
        let models = module(&files);
        let sas = &models[1].service_accounts;
        let addresses: Vec<&str> = sas.iter().map(|s| s.origin.address.as_str()).collect();
        assert_eq!(
            addresses,
            ["kestra_service_account.accounts[\"ETL_Bot\"]", "kestra_service_account.accounts[\"etl\"]"]
        );
        let name = sas[0].name.as_ref().unwrap();
        assert_eq!(name.known().map(String::as_str), Some("ETL_Bot"));
        // The name is written in locals.tf, as the map key.
        assert_eq!(name.span.file, FileId(0));
        assert_eq!(text_of(&files, name.span), "ETL_Bot");
        let description = sas[1].description.as_ref().unwrap();
        assert_eq!(description.known().map(String::as_str), Some("team: ETL"));
        assert!(models[1].computed.contains(&description.span));
        // The dynamic block expands over the set: one group, by instance address.
        assert!(sas[1].groups_known);
        assert_eq!(sas[1].groups[0].target, Target::Address("kestra_group.g[\"bots\"]".into()));
        assert!(sas[0].groups_known && sas[0].groups.is_empty());
        assert_eq!(models[1].groups[0].origin.address, "kestra_group.g[\"bots\"]");
    }

    #[test]
    fn tfvars_feed_variables_and_defaults_fill_in() {
        let files = [
            ("variables.tf", "variable \"tokens\" {\n  type = map(string)\n}\nvariable \"age\" {\n  default = \"P30D\"\n}\nvariable \"missing\" {}\n"),
            (
                "main.tf",
                "resource \"kestra_service_account_api_token\" \"t\" {\n  for_each = var.tokens\n  service_account_id = \"68xAawPfiJPkTkZJIPX6jQ\"\n  name = each.key\n  description = var.missing\n  max_age = each.value == \"\" ? var.age : each.value\n}\n",
            ),
            ("terraform.tfvars", "tokens = {\n  deploy = \"P7D\"\n  report = \"\"\n}\n"),
            ("other.tfvars", "tokens = { never = \"\" }\n"),
        ];
        let models = module(&files);
        let tokens = &models[1].tokens;
        assert_eq!(tokens.len(), 2);
        let ages: Vec<String> = tokens.iter().map(|t| t.max_age.as_ref().unwrap().known().unwrap().clone()).collect();
        assert_eq!(ages, ["P7D", "P30D"]);
        assert_eq!(text_of(&files, tokens[0].max_age.as_ref().unwrap().span), "\"P7D\"");
        assert_eq!(tokens[0].max_age.as_ref().unwrap().span.file, FileId(2));
        assert_eq!(text_of(&files, tokens[1].max_age.as_ref().unwrap().span), "\"P30D\"");
        assert!(tokens[0].description.as_ref().unwrap().is_unknown());
    }

    #[test]
    fn count_and_functions() {
        let m = lower(
            r#"
locals {
  names = ["Alpha", "beta"]
}
resource "kestra_group" "g" {
  count = length(local.names)
  name  = format("%s-%02d", lower(local.names[count.index]), count.index)
}
"#,
        );
        let names: Vec<&str> = m.groups.iter().filter_map(|g| known_str(&g.name)).collect();
        assert_eq!(names, ["alpha-00", "beta-01"]);
        assert_eq!(m.groups[1].origin.address, "kestra_group.g[1]");
    }

    #[test]
    fn unknown_for_each_keeps_one_unknown_object() {
        let m = lower("resource \"kestra_service_account\" \"a\" {\n  for_each = var.accounts\n  name = each.key\n}\n");
        assert_eq!(m.service_accounts.len(), 1);
        assert_eq!(m.service_accounts[0].origin.address, "kestra_service_account.a");
        assert!(m.service_accounts[0].name.as_ref().unwrap().is_unknown());
    }

    #[test]
    fn local_cycles_and_deep_chains_stay_unknown() {
        let mut text = String::from("locals {\n  a = local.b\n  b = local.a\n");
        for i in 0..500 {
            text.push_str(&format!("  l{} = local.l{}\n", i, i + 1));
        }
        text.push_str("  l500 = \"deep\"\n}\n");
        text.push_str("resource \"kestra_group\" \"x\" {\n  name = local.a\n  description = local.l0\n}\n");
        let m = lower(&text);
        assert!(m.groups[0].name.as_ref().unwrap().is_unknown());
        assert!(m.groups[0].description.as_ref().unwrap().is_unknown());
    }

    #[test]
    fn locals_wrapping_locals_stop_at_the_nesting_limit() {
        // Evaluated in order (through `all`), each local wraps the cached one before it: no
        // expression is deep, but the values would be, past what a recursive walk survives.
        let mut text = String::from("locals {\n  l0 = \"x\"\n");
        for k in 1..=70 {
            text.push_str(&format!("  l{k} = [local.l{}]\n", k - 1));
        }
        let all: Vec<String> = (1..=70).map(|k| format!("local.l{k}")).collect();
        text.push_str(&format!("  all = [{}]\n}}\n", all.join(", ")));
        text.push_str("resource \"kestra_group\" \"x\" {\n  name = [local.all, length(local.l64)][1]\n  description = [local.all, length(local.l65)][1]\n}\n");
        let m = lower(&text);
        assert_eq!(known_str(&m.groups[0].name), Some("1"));
        assert!(m.groups[0].description.as_ref().unwrap().is_unknown());
    }

    #[test]
    fn hostile_modules_stay_bounded() {
        // 30 blocks of 10,000 instances: the module's allowance stops the expansion.
        let mut text = String::new();
        for i in 0..30 {
            text.push_str(&format!("resource \"kestra_group\" \"g{i}\" {{\n  count = 10000\n  name = \"g\"\n}}\n"));
        }
        let m = lower(&text);
        assert!(m.groups.len() <= 100_000 + 30, "{}", m.groups.len());
        assert!(m.groups.len() >= 100_000);
        // A structure that doubles at every step runs out of fuel, not of memory.
        let mut text = String::from("locals {\n  l0 = [\"x\", \"x\"]\n");
        for i in 1..64 {
            text.push_str(&format!("  l{i} = concat(local.l{p}, local.l{p})\n", p = i - 1));
        }
        text.push_str("}\nresource \"kestra_group\" \"x\" {\n  name = join(\",\", local.l63)\n}\n");
        let m = lower(&text);
        assert!(m.groups[0].name.as_ref().unwrap().is_unknown());
    }

    #[test]
    fn terraform_json_is_lowered_like_hcl() {
        let json = r#"{
  "locals": {"prefix": "ci"},
  "resource": {
    "kestra_service_account": {
      "bot": {
        "name": "${local.prefix}-Bot",
        "groups": [{"id": "${kestra_group.bots.id}"}]
      },
      "dynamic_bot": {
        "name": "dyn",
        "dynamic": {"groups": {"for_each": ["a", "b"], "iterator": "g", "content": {"id": "${g.value}"}}}
      }
    }
  }
}"#;
        let m = module(&[("main.tf.json", json)]).remove(0);
        let sa = &m.service_accounts[0];
        assert_eq!(known_str(&sa.name), Some("ci-Bot"));
        assert_eq!(sa.groups[0].target, Target::Address("kestra_group.bots".into()));
        assert_eq!(&json[sa.origin.span.start..sa.origin.span.end], "\"bot\": {");
        // The template's span inside the JSON string is exact.
        assert_eq!(&json[sa.groups[0].span.start..sa.groups[0].span.end], "kestra_group.bots.id");
        let dynamic = &m.service_accounts[1];
        let targets: Vec<&Target> = dynamic.groups.iter().map(|g| &g.target).collect();
        assert_eq!(targets, [&Target::Name("a".into()), &Target::Name("b".into())]);
        assert_eq!(&json[dynamic.groups[0].span.start..dynamic.groups[0].span.end], "\"a\"");
    }
}
