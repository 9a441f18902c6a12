//! Front ends: each turns one file's text into the objects it declares.

pub mod manifest;
pub mod terraform;

use crate::model::{FileModel, Problem};
use crate::source::{FileId, Span};
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
        let name = path.file_name()?.to_str()?;
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
    match kind {
        FileKind::Terraform => terraform::parse(file, text),
        // Variable files feed evaluation (a later stage); their syntax is still checked.
        FileKind::TerraformVars => terraform::parse_vars(file, text),
        FileKind::Yaml => manifest::parse(file, text, false),
        FileKind::Json => manifest::parse(file, text, true),
    }
}

/// A file that could not be read as text at all.
pub fn unreadable(file: FileId, at: usize, message: String) -> FileModel {
    FileModel {
        problems: vec![Problem { code: "IAM001", span: Span::new(file, at, at), message, help: None }],
        ..FileModel::default()
    }
}
