//! Front ends: each turns one file's text into the objects it declares.

pub mod manifest;
pub mod terraform;

use crate::model::{FileModel, Problem};
use crate::source::{FileId, Span};
use crate::syntax::yaml;
use std::path::Path;

/// What iamlint makes of a file, judged by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Terraform,
    TerraformVars,
    Yaml,
    Json,
}

impl FileKind {
    pub fn of(path: &Path) -> Option<FileKind> {
        // Lossy: a name that is not UTF-8 still has a readable extension.
        let name = path.file_name()?.to_string_lossy();
        let ext = name.rsplit_once('.').map(|(_, e)| e)?;
        match ext {
            "tf" => Some(FileKind::Terraform),
            "tfvars" => Some(FileKind::TerraformVars),
            "yaml" | "yml" => Some(FileKind::Yaml),
            "json" if !name.ends_with(".tf.json") => Some(FileKind::Json),
            _ => None,
        }
    }
}

pub fn parse(kind: FileKind, file: FileId, text: &str) -> FileModel {
    parse_with(kind, file, text, yaml::Limits::default())
}

/// `parse` with the given bounds on YAML nesting and alias expansion (HCL's nesting limit
/// is hcl-edit's own).
pub fn parse_with(kind: FileKind, file: FileId, text: &str, yaml_limits: yaml::Limits) -> FileModel {
    match kind {
        FileKind::Terraform => terraform::parse(file, text),
        // Variable files feed evaluation (a later stage); their syntax is still checked.
        FileKind::TerraformVars => terraform::parse_vars(file, text),
        FileKind::Yaml => manifest::parse_with(file, text, false, yaml_limits),
        FileKind::Json => manifest::parse_with(file, text, true, yaml_limits),
    }
}

/// A file that could not be read as text at all.
pub fn unreadable(file: FileId, at: usize, message: String) -> FileModel {
    FileModel {
        problems: vec![Problem { code: "IAM001", span: Span::new(file, at, at), message, help: None }],
        ..FileModel::default()
    }
}
