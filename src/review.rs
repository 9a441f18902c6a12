//! A lint run as a repository workflow: report only what is new (`--baseline`) or on
//! changed lines (`--changed-since`), fix it (`--fix`), show the fixes (`--diff`), or record
//! the current state (`--write-baseline`).

use crate::baseline::{self, Baseline};
use crate::changed::Changes;
use crate::finding::Finding;
use crate::fix;
use crate::lint::{self, Options, Outcome};
use crate::model::Workspace;
use crate::render::{escape, Hidden};
use std::cell::Cell;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub fix: bool,
    pub diff: bool,
    /// `--unsafe-fixes`: also apply fixes that can change who exists or what is granted.
    pub unsafe_fixes: bool,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub changed_since: Option<String>,
    /// Files the run writes reports to (not the baseline): none may be a file it reads.
    pub reports: Vec<PathBuf>,
}

pub struct Report {
    /// The workspace (as fixed, with `--fix`) and the findings to report.
    pub outcome: Outcome,
    /// With `--diff`: the diff to print instead of findings.
    pub diff: Option<String>,
    /// Lines for standard error.
    pub notes: Vec<String>,
    /// With `--fix` on standard input: its text as fixed, for standard output (nothing is
    /// written to disk); `None` when no fix changed it, and the buffer is printed as read.
    pub fixed_buffer: Option<String>,
    /// The exit status when the workflow decides it (`--diff`, `--write-baseline`);
    /// `None`: from the findings and `--fail-on`.
    pub status: Option<i32>,
    /// Findings found and not reported: baselined, suppressed, on unchanged lines.
    pub hidden: Hidden,
    /// With `--fix`: the fixes written, in order.
    pub fixed: Vec<fix::Applied>,
}

/// Errors are messages for an exit status of 2.
pub fn run(options: &Options, plan: &Plan) -> Result<Report, String> {
    let mut outcome = lint::run(options).map_err(|e| e.to_string())?;
    // A file read and skipped as not IAM (a previous JSON report in the workspace) is no
    // input: writing the report over it again is the usual CI setup.
    let linted = outcome.ws.sources.iter().filter(|(_, f)| !matches!(f.reading, crate::source::Reading::Skipped(_)));
    let read: Vec<(&Path, String)> = linted.map(|(_, f)| (f.path.as_path(), f.display.clone())).collect();
    let baseline_read = plan.baseline.as_deref().map(|b| (b, b.display().to_string()));
    refuse_overwriting(&plan.reports, read.iter().cloned().chain(baseline_read))?;
    // `--baseline B --write-baseline B` rewrites the baseline it read, as meant.
    refuse_overwriting(plan.write_baseline.as_slice(), read.into_iter())?;
    let baseline = plan.baseline.as_deref().map(Baseline::read).transpose()?;
    let changes = match &plan.changed_since {
        Some(reference) => Some(Changes::since(
            reference,
            &repository_dir(&options.paths),
            &outcome.ws,
            &outcome.loaded,
            options.max_file_size,
        )?),
        None => None,
    };
    let unsaved = options.unsaved.as_ref().map(lint::Unsaved::path);
    // What the last call of `keep` left out: the fix loop calls it once a pass, and the
    // last pass's findings are the ones reported.
    let left_out = Cell::new((0, 0));
    let keep = |ws: &Workspace, findings: Vec<Finding>| -> Vec<Finding> {
        // Only the buffer read from standard input is fixed: it is all that is printed.
        let findings = match &unsaved {
            Some(path) => only_fixing(ws, path, findings),
            None => findings,
        };
        let all = findings.len();
        // Baseline fingerprints rank identical findings among all of them, so the baseline
        // sees the whole list before lines are filtered.
        let findings = match &baseline {
            Some(b) => b.filter(ws, findings),
            None => findings,
        };
        let new = findings.len();
        let findings = match &changes {
            Some(c) => c.filter(ws, findings),
            None => findings,
        };
        left_out.set((all - new, new - findings.len()));
        findings
    };
    let hidden = |before: lint::LeftOut| {
        let (baselined, unchanged) = left_out.get();
        Hidden {
            baselined,
            suppressed: before.suppressed,
            ignored: before.ignored,
            unchanged,
            elsewhere: before.elsewhere,
        }
    };
    let mut notes = Vec::new();
    let covered = baseline::Covered::of(&options.paths);
    if let Some(b) = &baseline {
        let stale = b.stale(&outcome.ws, &outcome.findings, &covered);
        if stale > 0 {
            let (entries, match_) = if stale == 1 { ("entry", "matches") } else { ("entries", "match") };
            notes.push(format!(
                "{stale} baseline {entries} no longer {match_} a finding (fixed, or the object is gone): `--write-baseline` writes the baseline without them."
            ));
        }
    }
    let mut unfiltered = plan.write_baseline.is_some().then(|| outcome.findings.clone());
    let mut secrets_as_read = None;
    let mut fixed_buffer = None;
    let mut fixes = Vec::new();
    if plan.fix || plan.diff {
        outcome.findings = keep(&outcome.ws, outcome.findings);
        let applies = if plan.unsafe_fixes { fix::Applies::All } else { fix::Applies::SafeOnly };
        let fixed = fix::fix(outcome, options, &keep, applies);
        let files = fixed.changed().len();
        let held_back = match plan.unsafe_fixes {
            true => 0,
            false => {
                fixed.outcome.findings.iter().filter(|f| f.fix.is_some() && !options.catalogue.safe_fix(f)).count()
            }
        };
        if plan.diff {
            let diff = fix::diff(&fixed);
            notes.push(if files == 0 {
                "Nothing to fix.".to_string()
            } else {
                format!("Would fix {} in {}.", count(fixed.applied, "problem"), count(files, "file"))
            });
            // The diff itself stays a patch `git apply` takes; what each change is, and
            // whether it can change who exists or what is granted, goes beside it.
            for a in &fixed.log {
                let safety = if a.safe { "safe" } else { "unsafe" };
                // A name in the description or a file name could end the line and write a
                // CI annotation of its own on stderr.
                let (place, description) = (escape::line(&a.place), escape::line(&a.description));
                notes.push(format!("  {place} {} [{safety}] {description}", a.code));
            }
            if held_back > 0 {
                notes.push(held_back_note(held_back));
            }
            let status = i32::from(!diff.is_empty());
            let hidden = hidden(fixed.outcome.left_out);
            return Ok(Report {
                outcome: fixed.outcome,
                diff: Some(diff),
                notes,
                status: Some(status),
                fixed_buffer: None,
                hidden,
                fixed: Vec::new(),
            });
        }
        if let Some(path) = &unsaved {
            // Only a text fixes changed: a buffer iamlint did not read (a link out of the
            // workspace, too large) has no text here, and printing none would empty the
            // editor's buffer.
            fixed_buffer = fixed
                .changed()
                .iter()
                .find(|(id, _, _)| fixed.outcome.ws.sources.get(*id).path == *path)
                .map(|(_, _, text)| text.to_string());
            if fixed_buffer.is_none() {
                notes.extend(unfixed_buffer(&fixed.outcome, path));
            }
        } else {
            fix::write(&fixed).map_err(|messages| messages.join("\n"))?;
        }
        if files > 0 {
            notes.push(format!("Fixed {} in {}.", count(fixed.applied, "problem"), count(files, "file")));
        }
        if held_back > 0 {
            notes.push(held_back_note(held_back));
        }
        secrets_as_read = plan.write_baseline.is_some().then(|| fixed.secret_masker());
        fixes = fixed.log;
        outcome = fixed.outcome;
        unfiltered = None;
    } else {
        outcome.findings = keep(&outcome.ws, outcome.findings);
    }
    if let Some(path) = &plan.write_baseline {
        // Every current finding, whatever `--baseline` or `--changed-since` would hide: as
        // linted, unless fixes changed the files since.
        let all = unfiltered.unwrap_or_else(|| lint::analyze(&outcome.ws, options));
        // The file as it is: its entries for files this run does not cover stay. One that is
        // missing, or not a baseline, holds none.
        let previous = Baseline::read(path).ok();
        let secrets = secrets_as_read.unwrap_or_else(|| outcome.ws.secret_masker());
        let kept = baseline::write(path, &outcome.ws, &all, previous.as_ref(), &covered, &secrets)?;
        let kept = match kept {
            0 => String::new(),
            1 => ", and kept the 1 entry of files this run does not cover".to_string(),
            n => format!(", and kept the {n} entries of files this run does not cover"),
        };
        notes.push(format!("Wrote {} to the baseline `{}`{kept}.", count(all.len(), "finding"), path.display()));
        outcome.findings.clear();
        let hidden = hidden(outcome.left_out);
        return Ok(Report { outcome, diff: None, notes, status: Some(0), fixed_buffer, hidden, fixed: fixes });
    }
    let hidden = hidden(outcome.left_out);
    Ok(Report { outcome, diff: None, notes, status: None, fixed_buffer, hidden, fixed: fixes })
}

/// Where writing to `path` lands: the file a link leads to, and for a file not yet there,
/// its name in its folder as the folder resolves.
pub fn target(path: &Path) -> PathBuf {
    if let Ok(found) = path.canonicalize() {
        return found;
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (folder.canonicalize(), path.file_name()) {
        (Ok(folder), Some(name)) => folder.join(name),
        _ => path.to_path_buf(),
    }
}

/// An error naming the first of `reports` that is one of the files `read` (with the names
/// output gives them): a report
/// written over a tfvars or a manifest would destroy what it reports on.
fn refuse_overwriting<'a>(reports: &[PathBuf], read: impl Iterator<Item = (&'a Path, String)>) -> Result<(), String> {
    if reports.is_empty() {
        return Ok(());
    }
    let targets: Vec<PathBuf> = reports.iter().map(|r| target(r)).collect();
    for (input, shown) in read {
        let Ok(input_target) = input.canonicalize() else { continue };
        if let Some(i) = targets.iter().position(|t| *t == input_target) {
            return Err(format!(
                "the report `{}` would overwrite `{}`, a file this run reads; nothing was written",
                reports[i].display(),
                shown
            ));
        }
    }
    Ok(())
}

/// Why standard input, standing for `path`, is printed as read, when it was not linted as
/// that file: nothing to say when it was, and had nothing to fix.
fn unfixed_buffer(outcome: &Outcome, path: &Path) -> Option<String> {
    let path_text = path.display().to_string();
    let shown = escape::line(&path_text);
    let Some((id, _)) = outcome.ws.sources.iter().find(|(_, f)| f.path == path) else {
        return Some(format!(
            "Standard input printed unchanged: `{shown}` is excluded by the configuration (include/exclude), so it is not linted."
        ));
    };
    let broken = outcome.findings.iter().any(|f| f.span.file == id && f.code == crate::rules::SYNTAX_ERROR.code);
    broken.then(|| {
        format!(
            "Standard input printed unchanged: `{shown}` was not read or does not parse (IAM001), so it is not fixed."
        )
    })
}

/// `findings`, with the fixes that edit any file but `path` taken away.
fn only_fixing(ws: &Workspace, path: &Path, mut findings: Vec<Finding>) -> Vec<Finding> {
    for f in &mut findings {
        if f.fix.as_ref().is_some_and(|fix| fix.edits.iter().any(|e| ws.sources.get(e.span.file).path != path)) {
            f.fix = None;
        }
    }
    findings
}

/// The folder git is asked about: the first path's, or its parent's when it is a file.
fn repository_dir(paths: &[PathBuf]) -> PathBuf {
    let first = paths.first().map_or(Path::new("."), PathBuf::as_path);
    if first.is_dir() {
        return first.to_path_buf();
    }
    match first.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn held_back_note(n: usize) -> String {
    let (what, pronoun) = if n == 1 { ("unsafe fix", "it") } else { ("unsafe fixes", "they") };
    format!(
        "{n} {what} not applied: {pronoun} can change who exists or what is granted (review, then rerun with `--unsafe-fixes`)."
    )
}

fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
