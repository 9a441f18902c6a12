//! Front ends: each turns a file's text into the objects it declares. Most files are
//! lowered alone; Terraform files are parsed and evaluated a module (a directory) at a
//! time, because a resource's values may come from the `locals`, variables and tfvars of
//! its module's other files.

pub mod credentials;
mod data;
pub mod lexical;
pub mod manifest;
pub mod plan;
pub mod prefilter;
pub mod terraform;

use crate::config::FileFilter;
use crate::model::{FileModel, Problem};
use crate::rules::SYNTAX_ERROR;
use crate::source::{FileId, Reading, Span};
use crate::syntax::yaml;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// What iamlint makes of a file, judged by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Terraform,
    /// Terraform JSON syntax (`*.tf.json`).
    TerraformJson,
    /// `*.tfvars` and `*.tfvars.json`.
    TerraformVars,
    Yaml,
    /// A `.json` file: a manifest, a Terraform plan (`terraform show -json`), or neither.
    Json,
    /// A CI workflow (`.github/workflows/*.yml`, `.gitlab-ci.yml`): a YAML file scanned for
    /// committed credentials (and read as a manifest if it is one).
    Workflow,
    /// A shell script (`*.sh`, `*.bash`), scanned for committed credentials only.
    Script,
}

impl FileKind {
    pub fn of(path: &Path) -> Option<FileKind> {
        // Lossy: a name that is not UTF-8 still has a readable extension.
        let name = path.file_name()?.to_string_lossy();
        let name = name.as_ref();
        if name == ".gitlab-ci.yml" {
            return Some(FileKind::Workflow);
        }
        let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
        if yaml && (under_gitlab(path) || is_github_action(path)) {
            return Some(FileKind::Workflow);
        }
        if name.ends_with(".tf.json") {
            return Some(FileKind::TerraformJson);
        }
        if name.ends_with(".tfvars.json") {
            return Some(FileKind::TerraformVars);
        }
        let ext = name.rsplit_once('.').map(|(_, e)| e)?;
        match ext {
            "tf" => Some(FileKind::Terraform),
            "tfvars" => Some(FileKind::TerraformVars),
            "yaml" | "yml" if in_github_workflows(path) => Some(FileKind::Workflow),
            "yaml" | "yml" => Some(FileKind::Yaml),
            "json" => Some(FileKind::Json),
            "sh" | "bash" => Some(FileKind::Script),
            _ => None,
        }
    }
}

/// `.gitlab/ci/deploy.yml`: GitLab CI includes live anywhere under `.gitlab/`.
fn under_gitlab(path: &Path) -> bool {
    path.components().rev().skip(1).any(|c| c.as_os_str() == ".gitlab")
}

/// `.github/actions/NAME/action.yml`: a composite action, whose steps run commands.
fn is_github_action(path: &Path) -> bool {
    let name = path.file_name().is_some_and(|n| n == "action.yml" || n == "action.yaml");
    let mut parents = path.components().rev().skip(2).map(|c| c.as_os_str());
    name && parents.next().is_some_and(|p| p == "actions") && parents.next().is_some_and(|p| p == ".github")
}

fn in_github_workflows(path: &Path) -> bool {
    let mut parents = path.components().rev().skip(1).map(|c| c.as_os_str());
    parents.next().is_some_and(|p| p == "workflows") && parents.next().is_some_and(|p| p == ".github")
}

/// A file's text, to be lowered.
pub struct Input<'a> {
    pub kind: FileKind,
    pub file: FileId,
    pub path: &'a Path,
    /// The path as shown in output (relative to the workspace).
    pub display: &'a str,
    pub text: &'a str,
}

impl Input<'_> {
    fn is_terraform(&self) -> bool {
        matches!(self.kind, FileKind::Terraform | FileKind::TerraformJson | FileKind::TerraformVars)
    }
}

/// Files lowered together: enough to keep every core busy, few enough that the models
/// waiting for an earlier file are a small part of the workspace (on 10,000 files: 256
/// cost 15% more time, 4,096 20 MB more memory).
const BATCH_FILES: usize = 1024;

/// What is lowered in one piece: a file, or a Terraform module.
enum Unit<'m, 'i> {
    File(&'i Input<'i>),
    Module(&'m terraform::ModuleUnit),
}

impl Unit<'_, '_> {
    fn first(&self) -> FileId {
        match self {
            Unit::File(i) => i.file,
            Unit::Module(m) => m.files.iter().copied().min().unwrap_or(FileId(u32::MAX)),
        }
    }

    fn files(&self) -> usize {
        match self {
            Unit::File(_) => 1,
            Unit::Module(m) => m.files.len(),
        }
    }

    fn inputs(&self) -> Vec<FileId> {
        match self {
            Unit::File(i) => vec![i.file],
            Unit::Module(m) => m.files.clone(),
        }
    }
}

/// Lowers every file and hands the models to `merge` in file order; `ready` are models
/// made already (unreadable files). A Terraform module (directory) is lowered in one piece,
/// with its own variables, tfvars and locals; `var_files` are the files named by
/// `--var-file`, in command-line order. With `prefilter`, files that cannot matter are not
/// parsed (see `prefilter`).
///
/// Files are lowered in parallel, a batch of units at a time, and each model is merged as
/// soon as every file before it is: at no time does every file's model (or syntax tree)
/// wait beside the workspace, even for one module of thousands of files.
pub fn lower<'i>(
    inputs: &'i [Input<'i>],
    ready: Vec<(FileId, FileModel)>,
    var_files: &[FileId],
    yaml_limits: yaml::Limits,
    layout: &FileFilter,
    prefilter: bool,
    mut merge: impl FnMut(FileId, FileModel),
) {
    let (terraform, others): (Vec<&Input<'_>>, Vec<&Input<'_>>) = inputs.iter().partition(|i| i.is_terraform());
    // What cannot matter is never parsed (see `prefilter`): the Terraform kept, and the
    // other files that may matter.
    let kept = prefilter.then(|| prefilter::terraform(&terraform, var_files));
    let mattering: HashSet<FileId> = match prefilter {
        true => others
            .par_iter()
            .filter(|i| !matches!(i.kind, FileKind::Yaml | FileKind::Json) || prefilter::may_matter(i))
            .map(|i| i.file)
            .collect(),
        false => HashSet::new(),
    };
    // A read by Terraform that is not lowered changes something only for a file parsed
    // anyway: asked of the few that `file(` may read, so their paths are made lazily.
    let mattering_paths = std::sync::OnceLock::new();
    let matters = |reader: &Input<'_>, read: &Path| {
        let Some(kept) = &kept else { return true };
        kept.contains(&reader.file)
            || mattering_paths
                .get_or_init(|| {
                    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| crate::confine::absolute(p, None));
                    others
                        .iter()
                        .filter(|i| mattering.contains(&i.file))
                        .map(|i| canonical(i.path))
                        .collect::<HashSet<_>>()
                })
                .contains(read)
    };
    // Files Terraform reads as data are Terraform's, whatever they look like.
    let data = data::files(&terraform, &matters);
    let (data_inputs, others): (Vec<&Input<'_>>, Vec<&Input<'_>>) =
        others.into_iter().partition(|i| !data.is_empty() && data::is_data(&data, i.path));
    let mut ready = ready;
    ready.extend(data_inputs.iter().map(|i| (i.file, data::model(i))));
    let (terraform, others) = if let Some(kept) = &kept {
        let (terraform, dropped): (Vec<&Input<'_>>, Vec<&Input<'_>>) =
            terraform.into_iter().partition(|i| kept.contains(&i.file));
        let (others, unread): (Vec<&Input<'_>>, Vec<&Input<'_>>) =
            others.into_iter().partition(|i| mattering.contains(&i.file));
        let skipped: Vec<(FileId, FileModel)> =
            dropped.par_iter().chain(unread.par_iter()).map(|i| (i.file, prefilter::skipped(i))).collect();
        ready.extend(skipped);
        (terraform, others)
    } else {
        (terraform, others)
    };
    let read = data_inputs.iter().map(|i| {
        let path = i.path.canonicalize().unwrap_or_else(|_| crate::confine::absolute(i.path, None));
        (path, i.file, std::sync::Arc::from(i.text))
    });
    let mut modules = terraform::Modules::new(&terraform, var_files, yaml_limits, read);
    // A root the configuration names takes that deployment's name; several roots may share it.
    for unit in &mut modules.units {
        if let Some(name) = layout.deployment_of_root(&unit.dir) {
            unit.deployment = std::sync::Arc::from(name);
        }
    }

    // A file's models by the unit that made them: a child module several roots call gets
    // one from each, joined in unit order, never in the order threads finish.
    let mut pending: BTreeMap<FileId, Vec<(usize, FileModel)>> = BTreeMap::new();
    for (file, model) in ready.into_iter().chain(std::mem::take(&mut modules.failed)) {
        pending.entry(file).or_default().push((0, model));
    }
    let mut units: Vec<Unit<'_, '_>> = others.into_iter().map(Unit::File).collect();
    units.extend(modules.units.iter().map(Unit::Module));
    units.sort_by_cached_key(Unit::first);
    // Files whose models have not all arrived (a child module several roots call is lowered
    // in each of their units), with the number of units still to send one: a model is
    // merged once it is before all of them.
    let mut outstanding: BTreeMap<FileId, usize> = BTreeMap::new();
    for file in units.iter().flat_map(Unit::inputs) {
        *outstanding.entry(file).or_default() += 1;
    }

    // Each batch with the index of its first unit.
    let mut batches: Vec<(usize, &[Unit<'_, '_>])> = Vec::new();
    let mut rest = units.as_slice();
    let mut first = 0;
    while !rest.is_empty() {
        let mut take = 0;
        let mut files = 0;
        while take < rest.len() && files < BATCH_FILES {
            files += rest[take].files();
            take += 1;
        }
        let (batch, after) = rest.split_at(take);
        batches.push((first, batch));
        first += take;
        rest = after;
    }
    let (lowered_tx, lowered_rx) = std::sync::mpsc::sync_channel::<(usize, Vec<(FileId, FileModel)>)>(256);
    std::thread::scope(|scope| {
        let modules = &modules;
        scope.spawn(move || {
            for (first, batch) in batches {
                // A module may be a hundred files: one unit per task keeps cores even.
                let numbered = batch.par_iter().enumerate().map(|(i, unit)| (first + i, unit));
                numbered.with_max_len(1).for_each_with(lowered_tx.clone(), |tx, (index, unit)| match unit {
                    Unit::File(i) => {
                        // A plan is placed once it is joined to its root (`plan::join`).
                        let (mut model, plan) = lower_alone(i, yaml_limits);
                        if !plan {
                            place_manifest(&mut model, i, layout);
                        }
                        model.shrink_to_fit();
                        let _ = tx.send((index, vec![(i.file, model)]));
                    }
                    Unit::Module(m) => modules.lower(m, &mut |mut lowered| {
                        for (_, model) in &mut lowered {
                            model.place(Some(&m.root), &m.deployment);
                            model.shrink_to_fit();
                        }
                        let _ = tx.send((index, lowered));
                    }),
                });
            }
        });
        for (unit, lowered) in lowered_rx {
            for (file, model) in lowered {
                if let Some(left) = outstanding.get_mut(&file) {
                    *left -= 1;
                    if *left == 0 {
                        outstanding.remove(&file);
                    }
                }
                pending.entry(file).or_default().push((unit, model));
            }
            let next = outstanding.first_key_value().map_or(FileId(u32::MAX), |(f, _)| *f);
            while pending.first_key_value().is_some_and(|(file, _)| *file < next) {
                if let Some((file, models)) = pending.pop_first() {
                    merge(file, in_unit_order(models));
                }
            }
        }
    });
    for (file, models) in pending {
        merge(file, in_unit_order(models));
    }
}

/// One file's models joined in the order of the units that made them (a unit's own sends
/// keep their order: the sort is stable).
fn in_unit_order(mut models: Vec<(usize, FileModel)>) -> FileModel {
    models.sort_by_key(|(unit, _)| *unit);
    let mut models = models.into_iter().map(|(_, model)| model);
    let mut joined = models.next().unwrap_or_default();
    for model in models {
        joined.append(model);
    }
    joined
}

/// A manifest the configuration assigns to a deployment belongs to that one only.
fn place_manifest(model: &mut FileModel, input: &Input<'_>, layout: &FileFilter) {
    if let Some(name) = layout.deployment_of_manifest(input.path) {
        model.place(None, &std::sync::Arc::from(name));
    }
}

/// A file that is not Terraform: its model, and whether it is a Terraform plan.
fn lower_alone(input: &Input<'_>, yaml_limits: yaml::Limits) -> (FileModel, bool) {
    let (file, text) = (input.file, input.text);
    match input.kind {
        FileKind::Json => match plan::parse(file, text, yaml_limits) {
            Some(mut model) => {
                model.reading = Reading::As(plan::READING);
                (model, true)
            }
            None => (manifest::parse_with(file, text, true, yaml_limits), false),
        },
        FileKind::Workflow => {
            let mut model = manifest::parse_with(file, text, false, yaml_limits);
            if matches!(model.reading, Reading::Skipped(_)) {
                model.reading = Reading::As("CI workflow, scanned for credentials");
            }
            credentials::scan_text(file, text, &mut model);
            lexical::redact(file, text, &mut model);
            (model, false)
        }
        FileKind::Script => {
            let mut model =
                FileModel { reading: Reading::As("script, scanned for credentials"), ..FileModel::default() };
            credentials::scan_text(file, text, &mut model);
            lexical::redact(file, text, &mut model);
            (model, false)
        }
        FileKind::Yaml if is_flow(text) => {
            // A Kestra flow: its script and HTTP tasks call Kestra with credentials.
            let mut model = manifest::parse_with(file, text, false, yaml_limits);
            credentials::scan_text(file, text, &mut model);
            lexical::redact(file, text, &mut model);
            (model, false)
        }
        FileKind::Yaml if is_chart_values(input.path) => (manifest::parse_chart_values(file, text, yaml_limits), false),
        _ => (manifest::parse_with(file, text, false, yaml_limits), false),
    }
}

/// A Helm values file, by Helm's naming: `values*.yaml`, in a chart or not (an environment's
/// overrides, `deploy/values-prod.yaml`, are often kept away from the chart). It is a
/// manifest only when every top-level key is IAM's, or one typo from one.
fn is_chart_values(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("values"))
}

/// Whether a YAML text is a Kestra flow: `id`, `namespace` and `tasks` at its top level.
fn is_flow(text: &str) -> bool {
    let top = |key: &str| text.lines().any(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':')));
    top("id") && top("namespace") && top("tasks")
}

/// A file that could not be read as text at all.
pub fn unreadable(file: FileId, at: usize, message: String) -> FileModel {
    FileModel {
        problems: vec![Problem {
            code: SYNTAX_ERROR.code,
            span: Span::new(file, at, at),
            message,
            help: None,
            labels: Vec::new(),
            fix: None,
        }],
        ..FileModel::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        let kind = |p: &str| FileKind::of(Path::new(p));
        assert_eq!(kind("iam/main.tf"), Some(FileKind::Terraform));
        assert_eq!(kind("iam/main.tf.json"), Some(FileKind::TerraformJson));
        assert_eq!(kind("prod.tfvars.json"), Some(FileKind::TerraformVars));
        assert_eq!(kind(".github/workflows/deploy.yml"), Some(FileKind::Workflow));
        assert_eq!(kind("repo/.github/workflows/deploy.yaml"), Some(FileKind::Workflow));
        assert_eq!(kind(".github/dependabot.yml"), Some(FileKind::Yaml));
        assert_eq!(kind(".gitlab-ci.yml"), Some(FileKind::Workflow));
        assert_eq!(kind("scripts/deploy.sh"), Some(FileKind::Script));
        assert_eq!(kind("plan.json"), Some(FileKind::Json));
        assert_eq!(kind("README.md"), None);
    }
}
