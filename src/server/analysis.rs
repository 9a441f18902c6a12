//! One lint of the workspace as the editor sees it: the configuration and policies read
//! afresh (so that an edit to either applies without a restart), the open buffers over the
//! files on disk, and the diagnostics to publish, file by file.

use super::convert;
use crate::catalogue::Catalogue;
use crate::config::{self, Config};
use crate::finding::{Finding, Severity};
use crate::lint::{self, Options, Overlay};
use crate::model::Workspace;
use crate::render;
use crate::select::Selection;
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

pub struct Analysis {
    pub ws: Workspace,
    /// Sorted, suppressions applied, input text escaped as for every renderer.
    pub findings: Vec<Finding>,
    pub catalogue: Arc<Catalogue>,
    /// What could not be read of the configuration and policies, by the file at fault.
    pub setup: Vec<Problem>,
    /// The text of every credential of the workspace (`Workspace::secret_masker`).
    secrets: crate::redact::Masker,
}

/// A configuration or policy error, placed on the file that has it.
pub struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The options of a run over `root`, as `iamlint check root` would build them from the
/// configuration. What is broken is reported and left at its default, so that a broken
/// configuration is a diagnostic, not a server that stops linting.
pub fn options(root: &Path, overlay: Arc<Overlay>) -> (Options, Vec<Problem>) {
    let mut problems = Vec::new();
    let defaults = || Config { root: root.to_path_buf(), ..Config::default() };
    let config_file = config::find(root);
    let config = match &config_file {
        None => defaults(),
        Some(file) => Config::read_found(file).unwrap_or_else(|e| {
            problems.push(Problem { file: e.file.clone(), line: e.line, column: e.column, message: e.to_string() });
            defaults()
        }),
    };
    let whole_file = |message: String| Problem {
        file: config_file.clone().unwrap_or_else(|| root.join(config::FILE_NAME)),
        line: 1,
        column: 1,
        message,
    };
    let rules_dirs: Vec<PathBuf> = config.rules_dir.iter().cloned().collect();
    let catalogue = Catalogue::load(&rules_dirs).unwrap_or_else(|e| {
        for error in e.errors {
            let (line, column) = error.position.map_or((1, 1), |p| (p.line, p.column));
            let file = Path::new(&error.path);
            let file = if file.is_absolute() { file.to_path_buf() } else { root.join(file) };
            problems.push(Problem { file, line, column, message: error.to_string() });
        }
        Catalogue::builtin()
    });
    let mut options = Options { overlay, ..Options::from_config(&config, vec![root.to_path_buf()], catalogue) };
    if let Err(e) =
        config.verify_rules(&options.catalogue).and_then(|()| options.selection.validate(&options.catalogue))
    {
        problems.push(whole_file(e));
        options.selection = Selection::default();
    }
    (options, problems)
}

/// Lints `root` with `overlay` over the files on disk.
pub fn run(root: &Path, overlay: Arc<Overlay>) -> Analysis {
    let (mut options, mut setup) = options(root, overlay);
    let mut loaded = lint::load_workspace(&options);
    // A broken nested configuration is shown on its file; the rest is linted without them.
    if let Err(lint::Error::Config { file, line, column, message }) = &loaded {
        setup.push(Problem { file: file.clone(), line: *line, column: *column, message: message.clone() });
        options.nested = None;
        loaded = lint::load_workspace(&options);
    }
    let (ws, findings) = match loaded {
        Ok((_, _, ws, _)) => {
            let findings = render::inert(&lint::analyze(&ws, &options)).into_owned();
            (ws, findings)
        }
        Err(e) => {
            setup.push(Problem { file: root.join(config::FILE_NAME), line: 1, column: 1, message: e.to_string() });
            (Workspace::default(), Vec::new())
        }
    };
    // Findings' texts had the workspace's secrets starred in `lint::check`; hovers are
    // starred with the same masker.
    let secrets = ws.secret_masker();
    Analysis { ws, findings, catalogue: options.catalogue.clone(), setup, secrets }
}

impl Analysis {
    /// `text` with every credential's text starred wherever it recurs. Messages quote
    /// names, and a name may hold a pasted credential: the editor is sent none of it.
    pub fn mask(&self, text: &str) -> String {
        self.secrets.mask(text).into_owned()
    }

    /// Whether `text` holds any credential's text.
    pub fn shows_secret(&self, text: &str) -> bool {
        self.secrets.finds(text)
    }

    /// Every file's diagnostics, by path; files without any are absent.
    pub fn diagnostics(&self) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
        let mut out: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
        for f in &self.findings {
            let file = self.ws.sources.get(f.span.file);
            out.entry(file.path.clone()).or_default().push(self.diagnostic(f));
        }
        for p in &self.setup {
            let text = std::fs::read_to_string(&p.file).unwrap_or_default();
            let at = convert::line_column(&text, p.line, p.column);
            out.entry(p.file.clone()).or_default().push(Diagnostic {
                range: lsp_types::Range { start: at, end: at },
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("iamlint".into()),
                message: render::escape::lines(&p.message).into_owned(),
                ..Diagnostic::default()
            });
        }
        out
    }

    fn diagnostic(&self, f: &Finding) -> Diagnostic {
        let file = self.ws.sources.get(f.span.file);
        let mut message = format!("{} [{}]", f.message, self.catalogue.name_of(&f.code));
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let related: Vec<DiagnosticRelatedInformation> = f
            .labels
            .iter()
            .map(|l| {
                let at = self.ws.sources.get(l.span.file);
                DiagnosticRelatedInformation {
                    location: Location {
                        uri: convert::uri(&at.path),
                        range: convert::range(at, l.span.start, l.span.end),
                    },
                    message: l.message.clone(),
                }
            })
            .collect();
        Diagnostic {
            range: convert::range(file, f.span.start, f.span.end),
            severity: Some(match f.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Info => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(f.code.to_string())),
            code_description: Uri::from_str(&render::help_uri(&f.code)).ok().map(|href| CodeDescription { href }),
            source: Some("iamlint".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..Diagnostic::default()
        }
    }

    /// The file `path` in this analysis, if it was linted with exactly `text` (the buffer
    /// the editor asks about): positions in an older text would point elsewhere.
    pub fn file_as(&self, path: &Path, text: Option<&str>) -> Option<crate::source::FileId> {
        let (id, file) = self.ws.sources.iter().find(|(_, f)| f.path == path)?;
        match text {
            Some(t) if *t.strip_prefix('\u{feff}').unwrap_or(t) != *file.text => None,
            _ => Some(id),
        }
    }
}
