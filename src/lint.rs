//! The pipeline: discover -> read and parse in parallel -> merge into one model ->
//! resolve references -> run rules -> filter -> sort.

use crate::catalogue::{Catalogue, Rule};
use crate::config::FileFilter;
use crate::confine;
use crate::discover::{self, Candidate, Coverage};
use crate::finding::{Finding, Fix};
use crate::frontend::{self, FileKind};
use crate::model::Workspace;
use crate::resolve;
use crate::rules::{Context, Settings};
use crate::select::Selection;
use crate::source::{FileId, Reading, SourceFile};
use crate::suppress;
use crate::syntax::yaml;
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

mod floor;
mod scope;

pub use scope::{NestedScopes, Overrides, Scope};

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub selection: Selection,
    pub settings: Settings,
    /// Larger files are reported (IAM001) without being read.
    pub max_file_size: u64,
    /// Deepest YAML/JSON nesting parsed, aliases included (`--max-yaml-depth`).
    pub max_yaml_depth: usize,
    /// Inline suppression policy (`.iamlint.yaml`: require-suppression-reason, unsuppressible).
    pub suppress: suppress::Options,
    /// The rules of this run: built-in ones and the organisation policies loaded for it.
    pub catalogue: Arc<Catalogue>,
    /// The configuration's include/exclude globs.
    pub filter: FileFilter,
    /// `--var-file`: tfvars files for the root Terraform modules, in command-line order.
    pub var_files: Vec<PathBuf>,
    /// Texts read instead of the files on disk (an editor's unsaved buffers).
    pub overlay: Arc<Overlay>,
    /// Nested configurations are looked for when set (not with `--config`): the settings
    /// above are then the workspace configuration's, for the files no nested one governs.
    pub nested: Option<Arc<scope::NestedScopes>>,
    /// A text from standard input (`iamlint check -`), held in `overlay`.
    pub unsaved: Option<Unsaved>,
}

/// Standard input, linted as a file.
#[derive(Clone, Debug)]
pub enum Unsaved {
    /// As the file at this path (`--stdin-filename`), inside its workspace: the overlay holds
    /// its text by this path, which need not exist on disk.
    Named(PathBuf),
    /// Alone, with no workspace around it, as a file of this kind named `-`.
    Alone(FileKind),
}

/// The name a lone standard input goes by in output.
pub const STDIN: &str = "-";

impl Unsaved {
    /// Where the overlay holds the text. A lone input's name says its kind, as a file's
    /// does (fixes choose their syntax by it); output shows it as `-`.
    pub fn path(&self) -> PathBuf {
        match self {
            Unsaved::Named(path) => path.clone(),
            Unsaved::Alone(FileKind::Json) => PathBuf::from("-.json"),
            Unsaved::Alone(_) => PathBuf::from("-.yaml"),
        }
    }
}

/// Texts that stand in for files on disk, by the path discovery gives the file (under an
/// absolute root: absolute). One not on disk yet is linted as the file it will be when saved
/// (`discover::add_unsaved`).
pub type Overlay = std::collections::BTreeMap<PathBuf, Arc<str>>;

impl Options {
    /// The options `config` asks for, over `paths`, with the rules of `catalogue`: what
    /// `iamlint check` starts from before its flags, and what the language server runs.
    pub fn from_config(config: &crate::config::Config, paths: Vec<PathBuf>, catalogue: Catalogue) -> Options {
        let defaults = Options::default();
        let max_yaml_depth = config.max_yaml_depth.unwrap_or(defaults.max_yaml_depth);
        Options {
            paths,
            selection: config.selection(),
            settings: Settings { max_token_age: config.max_token_age.unwrap_or(defaults.settings.max_token_age) },
            max_file_size: config.max_file_size.unwrap_or(defaults.max_file_size),
            max_yaml_depth,
            suppress: suppress::Options {
                require_reason: config.require_suppression_reason,
                unsuppressible: config.unsuppressible.clone(),
                today: None,
                yaml_limits: yaml::Limits { max_depth: max_yaml_depth, ..yaml::Limits::default() },
            },
            catalogue: Arc::new(catalogue),
            filter: config.file_filter(),
            nested: (!config.explicit).then(|| Arc::new(scope::NestedScopes::new(config, Overrides::default()))),
            ..defaults
        }
    }

    /// These options with the command line's flags over every configuration's settings:
    /// the workspace configuration's here, each nested one's when it is read.
    pub fn with_overrides(mut self, overrides: Overrides) -> Options {
        overrides.apply(&mut self.selection, &mut self.settings);
        if let Some(nested) = &self.nested {
            self.nested = Some(Arc::new(nested.with_overrides(overrides)));
        }
        self
    }

    /// The bounds YAML/JSON parsing runs under.
    pub fn yaml_limits(&self) -> yaml::Limits {
        yaml::Limits { max_depth: self.max_yaml_depth, ..yaml::Limits::default() }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            paths: vec![PathBuf::from(".")],
            selection: Selection::default(),
            settings: Settings::default(),
            max_file_size: 16 * 1024 * 1024,
            max_yaml_depth: yaml::Limits::default().max_depth,
            suppress: suppress::Options::default(),
            catalogue: Arc::new(Catalogue::builtin()),
            filter: FileFilter::default(),
            var_files: Vec::new(),
            overlay: Arc::default(),
            nested: None,
            unsaved: None,
        }
    }
}

pub struct Outcome {
    pub ws: Workspace,
    pub findings: Vec<Finding>,
    /// Files reported on (the others were read only to resolve references).
    pub files: usize,
    /// What was read, file by file in `FileId` order: the fix loop re-lints from these.
    pub candidates: Vec<Candidate>,
    pub loaded: Vec<Loaded>,
    /// What discovery could not read, or was named and is not iamlint's.
    pub coverage: Coverage,
    /// Findings suppressed or outside the reported files (not in `findings`).
    pub left_out: LeftOut,
}

#[derive(Debug)]
pub enum Error {
    Discover(discover::DiscoverError),
    /// A `--var-file` that is missing, unreadable or not a variables file.
    VarFile(PathBuf, &'static str),
    /// A nested configuration that cannot be read or names an unknown rule; `line` and
    /// `column` where known, else 1.
    Config {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Discover(e) => e.fmt(f),
            Error::VarFile(p, why) => write!(f, "--var-file `{}` {why}", p.display()),
            Error::Config { message, .. } => f.write_str(message),
        }
    }
}

pub fn run(options: &Options) -> Result<Outcome, Error> {
    let (candidates, loaded, ws, coverage) = load_workspace(options)?;
    let (findings, left_out) = analyze_counted(&ws, options);
    let files = candidates.iter().filter(|c| c.reported).count();
    Ok(Outcome { ws, findings, files, candidates, loaded, coverage, left_out })
}

/// The workspace `options` describe, and what was read for it: the files found under its
/// paths that the configuration keeps, `--var-file` files, each read within the size limit;
/// and what discovery could not cover.
pub fn load_workspace(options: &Options) -> Result<(Vec<Candidate>, Vec<Loaded>, Workspace, Coverage), Error> {
    let discovery = match &options.unsaved {
        Some(unsaved @ Unsaved::Alone(kind)) => {
            let stdin = Candidate {
                path: unsaved.path(),
                display: STDIN.to_string(),
                kind: *kind,
                reported: true,
                var_file: None,
                outside: false,
            };
            Ok(discover::Discovery { files: vec![stdin], coverage: Coverage::default(), read: Overlay::new() })
        }
        Some(Unsaved::Named(path)) => discover::discover_with(&options.paths, &options.filter, Some(path)),
        None => discover::discover_filtered(&options.paths, &options.filter).map(|mut discovery| {
            discover::add_unsaved(&mut discovery, &options.paths, &options.filter, options.overlay.keys());
            discovery
        }),
    }
    .map_err(Error::Discover)?;
    let mut candidates = discovery.files;
    add_var_files(&mut candidates, &options.var_files)?;
    if let Some(nested) = &options.nested {
        nested.resolve(&candidates, options)?;
    }
    // What discovery read already is not read again; an editor's buffer stands over both.
    let mut read = discovery.read;
    read.extend(options.overlay.iter().map(|(path, text)| (path.clone(), text.clone())));
    let loaded = read_all_over(&candidates, options.max_file_size, &read);
    drop(read);
    let ws = build_with(&candidates, &loaded, options.yaml_limits(), &options.filter, frontend::prefilter::enabled());
    Ok((candidates, loaded, ws, discovery.coverage))
}

/// The findings of a loaded workspace: the selected rules, then inline suppressions, each
/// file's findings under its own configuration's settings.
pub fn analyze(ws: &Workspace, options: &Options) -> Vec<Finding> {
    analyze_counted(ws, options).0
}

/// Findings a run found and left out before review: silenced by suppressions (IAM900's own
/// reports aside: they are made by suppression, not silenced by it), by the configuration's
/// `per-file-ignores` and `object-ignores`, and wholly in files not reported on (read to
/// resolve references, as when pre-commit names a few files).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub suppressed: usize,
    pub elsewhere: usize,
    /// Silenced by `per-file-ignores` or `object-ignores`, in the files reported on.
    pub ignored: usize,
}

impl std::ops::AddAssign for LeftOut {
    fn add_assign(&mut self, other: LeftOut) {
        self.suppressed += other.suppressed;
        self.elsewhere += other.elsewhere;
        self.ignored += other.ignored;
    }
}

/// `analyze`, and what it left out.
pub fn analyze_counted(ws: &Workspace, options: &Options) -> (Vec<Finding>, LeftOut) {
    let base = Scope::of(options);
    let Some(nested) = options.nested.as_ref().filter(|n| n.any()) else {
        let (findings, left_out) = check_scoped(&options.catalogue, ws, &base.selection, &base.settings);
        return suppressed_in(ws, options, &base, findings, left_out);
    };
    nested.analyze(ws, options, &base)
}

/// Applies `scope`'s suppressions to what its check `found`, counting what they silence.
fn suppressed_in(
    ws: &Workspace,
    options: &Options,
    scope: &Scope,
    found: Vec<Finding>,
    left_out: LeftOut,
) -> (Vec<Finding>, LeftOut) {
    let catalogue = &options.catalogue;
    let before = found.iter().filter(|f| f.code != suppress::UNUSED_SUPPRESSION).count();
    let mut findings = suppress::apply(catalogue, ws, found, &scope.selection, &scope.settings, &scope.suppress);
    let kept = findings.iter().filter(|f| f.code != suppress::UNUSED_SUPPRESSION).count();
    sort(ws, &mut findings);
    (findings, LeftOut { suppressed: left_out.suppressed + before.saturating_sub(kept), ..left_out })
}

/// Marks the candidates that `--var-file` names, adding those the walk did not find. A var
/// file the user names is reported on, like a file named on the command line.
fn add_var_files(candidates: &mut Vec<Candidate>, var_files: &[PathBuf]) -> Result<(), Error> {
    if var_files.is_empty() {
        return Ok(());
    }
    let canonical = |p: &std::path::Path| p.canonicalize().ok();
    let mut keys: Vec<Option<PathBuf>> = candidates.iter().map(|c| canonical(&c.path)).collect();
    for (order, path) in var_files.iter().enumerate() {
        if FileKind::of(path) != Some(FileKind::TerraformVars) {
            return Err(Error::VarFile(path.clone(), "is not a .tfvars or .tfvars.json file"));
        }
        let key = canonical(path)
            .filter(|k| k.is_file())
            .ok_or_else(|| Error::VarFile(path.clone(), "is not a readable file"))?;
        match keys.iter().position(|k| k.as_ref() == Some(&key)) {
            // Named twice: the last position counts, as with terraform -var-file.
            Some(i) => candidates[i].var_file = Some(order),
            None => {
                let display = path.to_string_lossy();
                candidates.push(Candidate {
                    path: path.clone(),
                    display: display.strip_prefix("./").unwrap_or(&display).to_string(),
                    kind: FileKind::TerraformVars,
                    reported: true,
                    var_file: Some(order),
                    outside: false,
                });
                keys.push(Some(key));
            }
        }
    }
    candidates.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(())
}

/// Reads and parses every file in parallel; merges in path order, so the model (and every
/// output) is the same whatever the thread count.
pub fn load(candidates: &[Candidate], max_file_size: u64) -> Workspace {
    build(candidates, &read_all(candidates, max_file_size))
}

/// A workspace from in-memory files `(name, text)`, through the same front ends, module
/// evaluation and resolution as files on disk (names decide the kinds; all files form one
/// Terraform module). For tests and tools that have no files.
pub fn load_texts(files: &[(&str, &str)]) -> Workspace {
    let mut candidates = Vec::new();
    let mut loaded = Vec::new();
    for (name, text) in files {
        let Some(kind) = FileKind::of(std::path::Path::new(name)) else { continue };
        let path = PathBuf::from(name);
        let display = name.to_string();
        candidates.push(Candidate { path, display, kind, reported: true, var_file: None, outside: false });
        loaded.push(Loaded::Text { text: Arc::from(*text), bom: false });
    }
    build(&candidates, &loaded)
}

/// A file's text as read (without a byte-order mark), or why it has none.
#[derive(Clone, Debug)]
pub enum Loaded {
    Text { text: Arc<str>, bom: bool },
    Unreadable(Unreadable),
}

pub fn read_all(candidates: &[Candidate], max_file_size: u64) -> Vec<Loaded> {
    read_all_over(candidates, max_file_size, &Overlay::new())
}

/// `read_all`, taking a file's text from `overlay` when it holds one. A link out of the
/// workspace is never read, whatever the overlay says, and the size limit holds for both.
pub fn read_all_over(candidates: &[Candidate], max_file_size: u64, overlay: &Overlay) -> Vec<Loaded> {
    candidates
        .par_iter()
        .map(|c| {
            let over = overlay.get(&c.path).filter(|_| !c.outside);
            let read = match over {
                Some(text) if text.len() as u64 > max_file_size => {
                    Err(Unreadable::new(format!("file is larger than the {max_file_size}-byte limit; not linted")))
                }
                Some(text) if text.contains('\0') => {
                    Err(Unreadable::new("binary file (contains NUL bytes); not linted".into()))
                }
                Some(text) => Ok(match text.strip_prefix('\u{feff}') {
                    Some(rest) => (Arc::from(rest), true),
                    None => (text.clone(), false),
                }),
                None => read_text(c, max_file_size),
            };
            match read {
                Ok((text, bom)) => Loaded::Text { text, bom },
                Err(e) => Loaded::Unreadable(e),
            }
        })
        .collect()
}

/// Parses texts already read (`loaded[i]` belongs to `candidates[i]`) into one model. Every
/// file is parsed: tests, tools and fuzzers hand texts that need not name Kestra.
pub fn build(candidates: &[Candidate], loaded: &[Loaded]) -> Workspace {
    build_with(candidates, loaded, yaml::Limits::default(), &FileFilter::default(), false)
}

/// `build` with the given YAML limits, the configuration's deployments from `layout`, and,
/// with `prefilter`, files that cannot matter left unparsed (`frontend::prefilter`).
pub fn build_with(
    candidates: &[Candidate],
    loaded: &[Loaded],
    yaml_limits: yaml::Limits,
    layout: &FileFilter,
    prefilter: bool,
) -> Workspace {
    let mut inputs = Vec::new();
    let mut unreadable = Vec::new();
    let mut ws = Workspace::default();
    // Every source first: a file's model may mark secrets in another file (a tfvars value).
    for (i, (c, l)) in candidates.iter().zip(loaded).enumerate() {
        let id = FileId(i as u32);
        let shown = match l {
            Loaded::Text { text, .. } => {
                inputs.push(frontend::Input { kind: c.kind, file: id, path: &c.path, display: &c.display, text });
                text.clone()
            }
            Loaded::Unreadable(Unreadable { message, shown, at }) => {
                unreadable.push((id, frontend::unreadable(id, *at, message.clone())));
                shown.clone()
            }
        };
        ws.sources.add(SourceFile::new(c.display.clone(), c.path.clone(), shown, c.reported));
    }
    let mut var_files: Vec<(usize, FileId)> =
        candidates.iter().enumerate().filter_map(|(i, c)| Some((c.var_file?, FileId(i as u32)))).collect();
    var_files.sort();
    let var_files: Vec<FileId> = var_files.into_iter().map(|(_, id)| id).collect();
    frontend::lower(&inputs, unreadable, &var_files, yaml_limits, layout, prefilter, |file, model| {
        if model.reading != Reading::ByName {
            ws.sources.get_mut(file).reading = model.reading;
        }
        ws.merge(model)
    });
    frontend::plan::join::join(&mut ws, layout);
    resolve::resolve(&mut ws);
    ws
}

/// Why a file has no text to lint, and what may be shown of it.
#[derive(Clone, Debug)]
pub struct Unreadable {
    message: String,
    /// A lossy rendering for snippets (empty for binary or unreadable files).
    shown: Arc<str>,
    at: usize,
}

impl Unreadable {
    fn new(message: String) -> Self {
        Unreadable { message, shown: Arc::from(""), at: 0 }
    }
}

/// The file's text and whether a byte-order mark preceded it, or why it has none. Never
/// blocks on a FIFO, never reads past the limit, never follows a link out of the workspace.
fn read_text(c: &Candidate, max_file_size: u64) -> Result<(Arc<str>, bool), Unreadable> {
    if c.outside {
        // No snippet either: not one byte of the target is read.
        return Err(Unreadable::new("symbolic link to a file outside the workspace root; not read".into()));
    }
    let bytes = confine::read_bounded(&c.path, max_file_size).map_err(|e| {
        Unreadable::new(match e {
            confine::ReadError::NotRegular => "not a regular file; not linted".into(),
            confine::ReadError::TooLarge => format!("file is larger than the {max_file_size}-byte limit; not linted"),
            confine::ReadError::Io(e) => format!("cannot read file: {e}"),
        })
    })?;
    if bytes.contains(&0) {
        return Err(Unreadable::new("binary file (contains NUL bytes); not linted".into()));
    }
    match String::from_utf8(bytes) {
        // A byte-order mark is not content: spans start after it.
        Ok(text) => match text.strip_prefix('\u{feff}') {
            Some(rest) => Ok((Arc::from(rest), true)),
            None => Ok((Arc::from(text), false)),
        },
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            Err(Unreadable {
                message: format!("file is not valid UTF-8 (byte 0x{:02X}); not linted", bytes[at]),
                shown: Arc::from(String::from_utf8_lossy(&bytes).as_ref()),
                at,
            })
        }
    }
}

/// Runs the selected rules over the model, keeps findings in reported files, and sorts
/// them by path, line, column and code.
pub fn check(catalogue: &Catalogue, ws: &Workspace, selection: &Selection, settings: &Settings) -> Vec<Finding> {
    check_scoped(catalogue, ws, selection, settings).0
}

/// `check`, and how many findings it left out: wholly outside the files reported on, or
/// ignored by the configuration.
pub fn check_scoped(
    catalogue: &Catalogue,
    ws: &Workspace,
    selection: &Selection,
    settings: &Settings,
) -> (Vec<Finding>, LeftOut) {
    check_each(catalogue, ws, settings, &[selection], &|_| Some(0), &|_| true, &Indexes::default())
}

/// What `check_each` looks findings up in, built at its first use and shared by every
/// check of one workspace (nested configurations check it once per group of settings).
#[derive(Default)]
pub(crate) struct Indexes<'w> {
    calls: std::sync::OnceLock<crate::calls::Calls<'w>>,
    objects: std::sync::OnceLock<crate::fingerprint::ObjectIndex<'w>>,
    canonical: std::sync::OnceLock<Vec<Option<PathBuf>>>,
}

/// `check_scoped` with a selection per file: `selection_of` gives the index in `selections`
/// of the one that decides a file's findings (`None`: none of its findings are kept). Each
/// rule `runs` accepts runs once, when any of the selections enables it.
pub(crate) fn check_each<'w>(
    catalogue: &Catalogue,
    ws: &'w Workspace,
    settings: &Settings,
    selections: &[&Selection],
    selection_of: &(dyn Fn(crate::source::FileId) -> Option<usize> + Sync),
    runs: &(dyn Fn(&Rule) -> bool + Sync),
    indexes: &Indexes<'w>,
) -> (Vec<Finding>, LeftOut) {
    let wanted = |file: crate::source::FileId| selection_of(file).is_some();
    let cx = Context::scoped(ws, settings, &wanted);
    // Each file's canonical path, for per-file-ignores.
    let canonical: &[Option<PathBuf>] = if selections.iter().all(|s| s.per_file_ignores.is_empty()) {
        &[]
    } else {
        indexes.canonical.get_or_init(|| ws.sources.iter().map(|(_, f)| f.path.canonicalize().ok()).collect())
    };
    // Objects by address, for object-ignores: a finding placed on a value written
    // elsewhere (a `locals` key) is about the object its "used by" label names.
    let objects = selections
        .iter()
        .any(|s| !s.object_ignores.is_empty())
        .then(|| indexes.objects.get_or_init(|| crate::fingerprint::ObjectIndex::new(ws)));
    let on_ignored_object = |selection: &Selection, r: &Rule, f: &Finding| {
        objects.as_ref().is_some_and(|index| {
            let reaching = f.labels.iter().filter(|l| l.message.starts_with(crate::finding::REACHING)).map(|l| l.span);
            std::iter::once(f.span).chain(reaching).any(|span| selection.ignored_on(r, index.address_of(span)))
        })
    };
    let ignored = |selection: &Selection, r: &Rule, f: &Finding| {
        canonical.get(f.span.file.0 as usize).and_then(Option::as_ref).is_some_and(|p| selection.ignored_in(r, p))
            || on_ignored_object(selection, r, f)
    };
    // The selection deciding `f`, when it enables `r`.
    let deciding = |r: &Rule, f: &Finding| {
        let selection = selections[selection_of(f.span.file)?];
        selection.enabled(r).then_some(selection)
    };
    // Kept, or (`Err`) ignored by the configuration: counted like suppressed ones.
    let decided: Vec<Result<Finding, Finding>> = catalogue
        .rules()
        .par_iter()
        .filter(|r| runs(r) && selections.iter().any(|s| s.enabled(r)))
        .flat_map_iter(|r| {
            let mut out = Vec::new();
            r.run(&cx, &mut out);
            out.into_iter().filter_map(move |mut f| {
                let selection = deciding(r, &f)?;
                if ignored(selection, r, &f) {
                    return Some(Err(f));
                }
                f.severity = selection.severity(r);
                if f.fix.as_ref().is_some_and(|fix| overwrites_computed(ws, fix)) {
                    f.fix = None;
                }
                Some(Ok(f))
            })
        })
        .collect();
    let (findings, mut ignored): (Vec<_>, Vec<_>) = decided.into_iter().partition(Result::is_ok);
    let findings: Vec<Finding> = findings.into_iter().flatten().collect();
    let mut ignored: Vec<Finding> = ignored.drain(..).filter_map(Result::err).collect();
    let reported = |f: &Finding| ws.is_reported(f.span) || f.labels.iter().any(|l| ws.is_reported(l.span));
    ignored.retain(reported);
    sort(ws, &mut ignored);
    ignored.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
    // A finding is reported when any of its places is in a reported file: a file named
    // on the command line (as pre-commit names staged files) that adds a binding brings
    // the account it elevates, wherever that is written.
    let (mut findings, mut elsewhere): (Vec<Finding>, Vec<Finding>) = findings.into_iter().partition(reported);
    sort(ws, &mut elsewhere);
    elsewhere.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
    indexes.calls.get_or_init(|| crate::calls::Calls::new(ws)).label(&mut findings);
    label_templates(ws, &mut findings);
    sort(ws, &mut findings);
    // One value seen by several objects (a literal in a child module called many times) is
    // one finding, labelled with some of the objects that use it.
    findings.dedup_by(|later, kept| {
        let same = later.code == kept.code && later.span == kept.span && later.message == kept.message;
        if same {
            for label in later.labels.drain(..) {
                if kept.labels.len() < MAX_MERGED_LABELS && !kept.labels.contains(&label) {
                    kept.labels.push(label);
                }
            }
            // Every object's paths, unlike its labels: a baseline must see a new one.
            kept.chain.append(&mut later.chain);
            kept.chain.sort();
            kept.chain.dedup();
        }
        same
    });
    finish_texts(ws, &mut findings);
    (findings, LeftOut { suppressed: 0, elsewhere: elsewhere.len(), ignored: ignored.len() })
}

/// What the findings say, made safe to show once for every output after them (the
/// baseline too). Quoted input is cut to `MAX_QUOTED` characters: output stays in
/// proportion to the input however often a long value is quoted. The text of every secret
/// of the workspace is starred: a name built from a sensitive value (a sensitive variable's
/// default, a token named like its value) is quoted by the messages about it. A fix that
/// would write a secret's text is dropped: its edits show in SARIF, rdjson and `--diff`.
fn finish_texts(ws: &Workspace, findings: &mut [Finding]) {
    star_secrets(&ws.secret_masker(), findings);
}

/// `finish_texts` with the secrets `secrets` finds: `--fix` keeps the secrets of the files
/// as they were read, which a fix (removing a `password`) takes out of the files it re-lints.
pub fn star_secrets(secrets: &crate::redact::Masker, findings: &mut [Finding]) {
    // Starred before it is cut: a cut secret would no longer be found whole.
    let star = |s: &mut String| {
        if let std::borrow::Cow::Owned(m) = secrets.mask(s) {
            *s = m;
        }
        if let std::borrow::Cow::Owned(m) = crate::finding::shorten_quoted(s) {
            *s = m;
        }
    };
    for f in findings {
        star(&mut f.message);
        if let Some(help) = &mut f.help {
            star(help);
        }
        f.labels.iter_mut().for_each(|l| star(&mut l.message));
        if f.fix.as_ref().is_some_and(|fix| fix.edits.iter().any(|e| secrets.finds(&e.replacement))) {
            f.fix = None;
        }
        if let Some(fix) = &mut f.fix {
            star(&mut fix.description);
        }
    }
}

/// Labels a finding keeps when the same finding comes from several objects.
const MAX_MERGED_LABELS: usize = 5;

/// A fix that would replace an expression iamlint evaluated (a template, a function call,
/// a generated plan) with a literal would break the code it claims to repair.
fn overwrites_computed(ws: &Workspace, fix: &Fix) -> bool {
    fix.edits.iter().any(|e| {
        ws.computed
            .iter()
            .any(|c| c.file == e.span.file && c.start < e.span.end.max(e.span.start + 1) && e.span.start < c.end)
    })
}

pub fn sort(ws: &Workspace, findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let pa = ws.sources.get(a.span.file);
        let pb = ws.sources.get(b.span.file);
        (pa.display.as_str(), a.span.start, &a.code, &a.message, a.span.end).cmp(&(
            pb.display.as_str(),
            b.span.start,
            &b.code,
            &b.message,
            b.span.end,
        ))
    });
}

/// Templates noted on one finding at a call argument: an argument many templates use names
/// a few.
const MAX_TEMPLATES: usize = 5;

/// A finding on a child module's template of a caller's argument (`name =
/// "${var.prefix}-bot"`) notes the argument the value comes from, in the caller: what the
/// user may have to change, and a line whose change (`--changed-since`) brings the finding.
fn label_templates(ws: &Workspace, findings: &mut [Finding]) {
    if ws.templates.is_empty() {
        return;
    }
    let mut at: std::collections::HashMap<crate::source::Span, Vec<crate::source::Span>> =
        std::collections::HashMap::new();
    for (argument, template) in &ws.templates {
        let arguments = at.entry(*template).or_default();
        if arguments.len() < MAX_TEMPLATES && !arguments.contains(argument) {
            arguments.push(*argument);
        }
    }
    for f in findings.iter_mut() {
        for argument in at.get(&f.span).into_iter().flatten() {
            let label = crate::finding::Label {
                span: *argument,
                message: "the call passes the interpolated value here".into(),
            };
            if !f.labels.contains(&label) {
                f.labels.push(label);
            }
        }
    }
}
