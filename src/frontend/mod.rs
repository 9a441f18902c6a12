//! Front ends: each turns a file's text into the objects it declares. Most files are
//! lowered alone; Terraform files are parsed alone (in parallel) and then evaluated a
//! module (a directory) at a time, because a resource's values may come from the
//! `locals`, variables and tfvars of its module's other files.

pub mod credentials;
pub mod manifest;
pub mod plan;
pub mod terraform;

use crate::model::{FileModel, Problem};
use crate::source::{FileId, Span};
use crate::syntax::yaml;
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

fn in_github_workflows(path: &Path) -> bool {
    let mut parents = path.components().rev().skip(1).map(|c| c.as_os_str());
    parents.next().is_some_and(|p| p == "workflows") && parents.next().is_some_and(|p| p == ".github")
}

/// One file after parsing: lowered already, or Terraform waiting for its module.
pub enum Parsed {
    Done(FileModel),
    /// A Terraform plan: lowered, and the evaluated form of the configuration it was made from.
    Plan(FileModel),
    Terraform(terraform::TfFile),
}

pub fn parse(kind: FileKind, file: FileId, path: &Path, text: &str) -> Parsed {
    parse_with(kind, file, path, text, yaml::Limits::default())
}

/// `parse` with the given bounds on YAML nesting and alias expansion.
pub fn parse_with(kind: FileKind, file: FileId, path: &Path, text: &str, yaml_limits: yaml::Limits) -> Parsed {
    match kind {
        FileKind::Terraform | FileKind::TerraformJson | FileKind::TerraformVars => {
            terraform::parse(kind, file, path, text)
        }
        FileKind::Yaml => Parsed::Done(manifest::parse_with(file, text, false, yaml_limits)),
        FileKind::Json => match plan::parse(file, text) {
            Some(model) => Parsed::Plan(model),
            None => Parsed::Done(manifest::parse_with(file, text, true, yaml_limits)),
        },
        FileKind::Workflow => {
            let mut model = manifest::parse_with(file, text, false, yaml_limits);
            credentials::scan_text(file, text, &mut model);
            Parsed::Done(model)
        }
        FileKind::Script => {
            let mut model = FileModel::default();
            credentials::scan_text(file, text, &mut model);
            Parsed::Done(model)
        }
    }
}

/// Lowers every parsed file, one model per file in the same order: Terraform modules are
/// evaluated in parallel, each with its own variables, tfvars and locals. `var_files` are
/// the files named by `--var-file`, in command-line order.
pub fn lower(parsed: Vec<Parsed>, var_files: &[FileId]) -> Vec<FileModel> {
    let mut models: Vec<Option<FileModel>> = Vec::with_capacity(parsed.len());
    let mut terraform_files = Vec::new();
    let mut plans = Vec::new();
    for (i, p) in parsed.into_iter().enumerate() {
        match p {
            Parsed::Done(model) => models.push(Some(model)),
            Parsed::Plan(model) => {
                plans.push(i);
                models.push(Some(model));
            }
            Parsed::Terraform(tf) => {
                models.push(None);
                terraform_files.push(tf);
            }
        }
    }
    let config_files: Vec<FileId> = terraform_files.iter().filter(|f| f.is_config()).map(|f| f.file).collect();
    for (file, model) in terraform::lower_modules(terraform_files, var_files) {
        models[file.0 as usize] = Some(model);
    }
    let mut models: Vec<FileModel> = models.into_iter().map(Option::unwrap_or_default).collect();
    plan::supersede_configuration(&mut models, &plans, &config_files);
    models
}

/// A file that could not be read as text at all.
pub fn unreadable(file: FileId, at: usize, message: String) -> FileModel {
    FileModel {
        problems: vec![Problem { code: "IAM001", span: Span::new(file, at, at), message, help: None }],
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
