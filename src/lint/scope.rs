//! The settings each file is checked under. The workspace configuration's apply to every
//! file no nested configuration governs; a nested one's to the files below it. The rules
//! still see one model: a run checks it once per configuration that governs a file, and
//! keeps from each check the findings placed in that configuration's files.

use super::{Error, LeftOut, Options};
use crate::catalogue::Rule;
use crate::config::{self, Config};
use crate::discover::Candidate;
use crate::duration::Duration;
use crate::finding::Finding;
use crate::model::Workspace;
use crate::rules::Settings;
use crate::select::Selection;
use crate::source::FileId;
use crate::suppress;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;

/// What decides the findings of the files one configuration governs.
#[derive(Clone, Debug)]
pub struct Scope {
    pub selection: Selection,
    pub settings: Settings,
    pub suppress: suppress::Options,
}

impl Scope {
    /// The workspace configuration's scope, as `options` hold it.
    pub fn of(options: &Options) -> Scope {
        Scope {
            selection: options.selection.clone(),
            settings: options.settings.clone(),
            suppress: options.suppress.clone(),
        }
    }
}

/// The command line's settings, which win over every configuration's: `--select` replaces
/// its selection, `--extend-select` and `--ignore` add to it, `--max-token-age` replaces
/// its `max-token-age`.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub max_token_age: Option<Duration>,
}

impl Overrides {
    pub fn apply(&self, selection: &mut Selection, settings: &mut Settings) {
        if let Some(select) = &self.select {
            selection.select = Some(select.clone());
        }
        selection.extend_select.extend(self.extend_select.iter().cloned());
        selection.ignore.extend(self.ignore.iter().cloned());
        if let Some(age) = self.max_token_age {
            settings.max_token_age = age;
        }
    }
}

/// The nested configurations of a run: found once the files are known, and then kept for
/// every later check of the same files (the passes of `--fix`).
#[derive(Debug)]
pub struct NestedScopes {
    /// The workspace configuration, which is never a nested one.
    workspace: Config,
    overrides: Overrides,
    resolved: Mutex<Resolved>,
}

#[derive(Debug, Default)]
struct Resolved {
    scopes: Vec<Scope>,
    /// File (as discovery names it) -> its scope in `scopes`.
    by_file: HashMap<PathBuf, usize>,
    /// Keys of nested configurations that only the workspace configuration may set.
    warnings: Vec<String>,
}

impl NestedScopes {
    pub fn new(workspace: &Config, overrides: Overrides) -> NestedScopes {
        NestedScopes { workspace: workspace.clone(), overrides, resolved: Mutex::default() }
    }

    pub(super) fn with_overrides(&self, overrides: Overrides) -> NestedScopes {
        NestedScopes::new(&self.workspace, overrides)
    }

    /// Whether any file is governed by a nested configuration.
    pub fn any(&self) -> bool {
        !self.lock().scopes.is_empty()
    }

    /// What nested configurations set that only the workspace configuration may: ignored,
    /// and said once per key.
    pub fn warnings(&self) -> Vec<String> {
        self.lock().warnings.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Resolved> {
        self.resolved.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Reads the nested configurations of `candidates`, checking every rule they name
    /// against the run's rules.
    pub(super) fn resolve(&self, candidates: &[Candidate], options: &Options) -> Result<(), Error> {
        let fail = |file: &std::path::Path, message: String| Error::Config {
            file: file.to_path_buf(),
            line: 1,
            column: 1,
            message,
        };
        let found = config::nested(&self.workspace, candidates.iter().map(|c| c.path.as_path())).map_err(|e| {
            Error::Config { file: e.file.clone(), line: e.line, column: e.column, message: e.to_string() }
        })?;
        let mut resolved = Resolved { by_file: found.by_file, ..Resolved::default() };
        for config in &found.configs {
            let file = config.file.clone().unwrap_or_default();
            config.verify_rules(&options.catalogue).map_err(|e| fail(&file, e))?;
            let mut scope = Scope {
                selection: config.selection(),
                settings: Settings { max_token_age: config.max_token_age.unwrap_or(Settings::default().max_token_age) },
                suppress: suppress::Options {
                    require_reason: config.require_suppression_reason,
                    unsuppressible: config.unsuppressible.clone(),
                    ..options.suppress.clone()
                },
            };
            super::floor::hold(&self.workspace, config, &mut scope, &options.catalogue, &mut resolved.warnings);
            resolved.warnings.dedup();
            self.overrides.apply(&mut scope.selection, &mut scope.settings);
            scope
                .selection
                .validate(&options.catalogue)
                .map_err(|e| fail(&file, format!("{}: {e}", file.display())))?;
            resolved.scopes.push(scope);
            for (key, origin) in config.workspace_keys_set() {
                resolved.warnings.push(format!(
                    "{}:{}: `{key}` is a workspace-wide setting, read only from the run's configuration ({}); ignored in a nested configuration",
                    config::shown(&origin.file),
                    origin.line,
                    self.workspace.file.as_deref().map_or("none: defaults".to_string(), config::shown),
                ));
            }
        }
        *self.lock() = resolved;
        Ok(())
    }

    /// The findings of `ws`, each file's under the scope that governs it. Each rule runs
    /// once for every scope at once, except those that read `Settings`, which run once per
    /// distinct settings; suppressions are then applied scope by scope.
    pub(super) fn analyze(&self, ws: &Workspace, options: &Options, base: &Scope) -> (Vec<Finding>, LeftOut) {
        let resolved = self.lock();
        let all: Vec<&Scope> = std::iter::once(base).chain(&resolved.scopes).collect();
        // Index in `all` of each file's scope.
        let of_file: Vec<usize> =
            ws.sources.iter().map(|(_, f)| resolved.by_file.get(&f.path).map_or(0, |i| i + 1)).collect();
        let used: BTreeSet<usize> = of_file.iter().copied().collect();
        let mut by_scope: Vec<Vec<Finding>> = vec![Vec::new(); all.len()];
        let scope_of = |file: FileId| of_file[file.0 as usize];
        let reads_settings = |r: &Rule| r.meta.reads_settings;
        let selections: Vec<&Selection> = all.iter().map(|s| &s.selection).collect();
        let independent = |r: &Rule| !reads_settings(r);
        let indexes = super::Indexes::default();
        let (found, mut left_out) = super::check_each(
            &options.catalogue,
            ws,
            &base.settings,
            &selections,
            &|f| Some(scope_of(f)),
            &independent,
            &indexes,
        );
        let mut groups: Vec<(&Settings, Vec<usize>)> = Vec::new();
        for &i in &used {
            match groups.iter_mut().find(|(s, _)| **s == all[i].settings) {
                Some((_, members)) => members.push(i),
                None => groups.push((&all[i].settings, vec![i])),
            }
        }
        let mut found = found;
        for (settings, members) in &groups {
            let selections: Vec<&Selection> = members.iter().map(|&i| &all[i].selection).collect();
            let position = |file: FileId| members.iter().position(|&i| i == scope_of(file));
            let (more, more_left_out) =
                super::check_each(&options.catalogue, ws, settings, &selections, &position, &reads_settings, &indexes);
            found.extend(more);
            left_out += more_left_out;
        }
        for f in found {
            by_scope[scope_of(f.span.file)].push(f);
        }
        let mut findings = Vec::new();
        for (i, found) in by_scope.into_iter().enumerate().filter(|(i, _)| used.contains(i)) {
            let (kept, silenced) = super::suppressed_in(ws, options, all[i], found, LeftOut::default());
            left_out += silenced;
            // Unused suppressions are reported by the scope of the file they are in.
            findings.extend(kept.into_iter().filter(|f| of_file[f.span.file.0 as usize] == i));
        }
        super::sort(ws, &mut findings);
        (findings, left_out)
    }
}
