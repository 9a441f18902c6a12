//! Inline suppressions (docs/suppressions.md): `# iamlint-ignore: CODE[, CODE] -- reason` on the line
//! above an object or field, or at the end of its line, and `# iamlint-ignore-file: CODE`.
//! A suppression on an object's first line covers the whole object (its `Origin.extent`);
//! on any other line, the findings that start on that line. Every suppression that
//! silences nothing, cannot be honoured, or has expired is reported as IAM900.

pub mod comments;
pub mod date;
mod directive;

pub use date::Date;

use crate::catalogue::Catalogue;
use crate::finding::Code;
use crate::finding::{Edit, Finding, Fix};
use crate::model::Workspace;
use crate::rules::{Context, Settings};
use crate::select::Selection;
use crate::source::{FileId, SourceFile, Span};
use comments::Syntax;
use directive::{Directive, Scope};
use std::collections::{BTreeMap, BTreeSet};

pub const UNUSED_SUPPRESSION: &str = crate::rules::UNUSED_SUPPRESSION.code;

/// The suppression policy; the config file maps `require-suppression-reason` and
/// `unsuppressible` onto it.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// A suppression without `-- reason` is reported and silences nothing.
    pub require_reason: bool,
    /// Rules (codes or names) no suppression silences, e.g. IAM301 in a regulated repository.
    pub unsuppressible: Vec<String>,
    /// The date expiry is judged against; `None` is today by the system clock (UTC).
    pub today: Option<Date>,
    /// The bounds YAML was parsed under (`--max-yaml-depth`): a file linted is also read
    /// for its suppressions.
    pub yaml_limits: crate::syntax::yaml::Limits,
}

/// One directive with what it covers and what it silenced.
struct Entry {
    file: FileId,
    d: Directive,
    /// Object extents starting on the target line.
    extents: Vec<Span>,
    /// Why it silences nothing at all, reported as IAM900.
    void: Option<String>,
    used: Vec<bool>,
}

impl Entry {
    /// Whether the directive covers a finding in its file that starts on zero-based `line`.
    fn covers(&self, span: Span, line: usize) -> bool {
        match self.d.scope {
            Scope::File => true,
            Scope::Line(None) => false,
            Scope::Line(Some(target)) => {
                line == target || self.extents.iter().any(|e| e.start <= span.start && span.end <= e.end)
            }
        }
    }
}

/// Drops the findings suppressions silence and adds IAM900 findings (when IAM900 is
/// selected) for those that silence nothing or cannot be honoured.
pub fn apply(
    catalogue: &Catalogue,
    ws: &Workspace,
    findings: Vec<Finding>,
    selection: &Selection,
    settings: &Settings,
    options: &Options,
) -> Vec<Finding> {
    let mut entries = directives(catalogue, ws, options);
    if entries.is_empty() {
        return findings;
    }
    let unsuppressible: BTreeSet<&str> =
        options.unsuppressible.iter().filter_map(|s| catalogue.find(s)).map(|r| r.code.as_str()).collect();
    let mut kept = Vec::with_capacity(findings.len());
    for f in findings {
        if !silence(ws, &mut entries, &f, &unsuppressible) {
            kept.push(f);
        }
    }
    let Some(iam900) = catalogue.find(UNUSED_SUPPRESSION).filter(|r| selection.enabled(r)) else { return kept };
    // A suppression of a rule that did not run (`--select` elsewhere) is judged by what
    // that rule would report: run it, only to mark usage.
    let named: BTreeSet<Code> = entries
        .iter()
        .filter(|e| e.void.is_none())
        .flat_map(|e| e.d.names.iter().filter_map(|n| n.code.clone()))
        .filter(|c| *c != UNUSED_SUPPRESSION)
        .collect();
    let cx = Context::new(ws, settings);
    for rule in catalogue.rules().iter().filter(|r| named.contains(&r.code) && !selection.enabled(r)) {
        let mut shadow = Vec::new();
        rule.run(&cx, &mut shadow);
        for f in shadow.iter().filter(|f| ws.is_reported(f.span)) {
            silence(ws, &mut entries, f, &unsuppressible);
        }
    }
    let severity = selection.severity(iam900);
    let mut reports: Vec<Finding> = entries
        .iter()
        .filter_map(|e| report(ws, e, &unsuppressible))
        .map(|mut f| {
            f.severity = severity;
            f
        })
        .collect();
    // `iamlint-ignore: IAM900` silences these reports in turn (never reported unused itself).
    reports.retain(|f| !silence(ws, &mut entries, f, &unsuppressible));
    kept.extend(reports);
    kept
}

/// Whether some directive silences `f`; marks every one that does as used.
fn silence(ws: &Workspace, entries: &mut [Entry], f: &Finding, unsuppressible: &BTreeSet<&str>) -> bool {
    if unsuppressible.contains(f.code.as_str()) {
        return false;
    }
    // A finding placed on a value written elsewhere (a `locals` key, a tfvars value) is
    // about the object its `reaching` label names: that object's suppression covers it.
    let objects: Vec<Span> =
        f.labels.iter().filter(|l| l.message.starts_with(crate::finding::REACHING)).map(|l| l.span).collect();
    let mut silenced = silence_at(ws, entries, f, f.span, true);
    for span in objects {
        silenced |= silence_at(ws, entries, f, span, false);
    }
    silenced
}

/// Whether a directive of `place`'s file silences `f` there: the finding's own span
/// (`own`: by line or object), or the start of an object it is about (by object only).
fn silence_at(ws: &Workspace, entries: &mut [Entry], f: &Finding, place: Span, own: bool) -> bool {
    // Entries are in file order: look only at the place's file.
    let lo = entries.partition_point(|e| e.file < place.file);
    let hi = entries.partition_point(|e| e.file <= place.file);
    if lo == hi {
        return false;
    }
    let line = ws.sources.get(place.file).position(place.start).line - 1;
    let mut silenced = false;
    for e in entries[lo..hi].iter_mut().filter(|e| e.void.is_none()) {
        let covered = match own {
            true => e.covers(place, line),
            false => e.extents.iter().any(|x| x.start == place.start),
        };
        if !covered {
            continue;
        }
        for (i, n) in e.d.names.iter().enumerate() {
            if n.code.as_ref() == Some(&f.code) {
                e.used[i] = true;
                silenced = true;
            }
        }
    }
    silenced
}

/// Every directive in the reported files, with its target resolved.
fn directives(catalogue: &Catalogue, ws: &Workspace, options: &Options) -> Vec<Entry> {
    let today = options.today.unwrap_or_else(Date::today);
    let mut out = Vec::new();
    let mut extents_by_file: Option<BTreeMap<FileId, Vec<Span>>> = None;
    for (id, file) in ws.sources.iter() {
        if !file.reported || !file.text.contains("iamlint-ignore") {
            continue;
        }
        let Some(syntax) = Syntax::of(&file.display) else { continue };
        let all = comments::comments(syntax, &file.text, options.yaml_limits);
        let comment_lines: BTreeSet<usize> = all.iter().filter(|c| c.own_line).map(|c| c.line).collect();
        for c in &all {
            let Some(mut d) = directive::parse(&file.text, c, &|s| catalogue.find(s).map(|r| r.code.clone())) else {
                continue;
            };
            if let Scope::Line(_) = d.scope {
                let target = if c.own_line {
                    (c.line + 1..file.line_count()).find(|l| !comment_lines.contains(l))
                } else {
                    Some(c.line)
                };
                d.scope = Scope::Line(target);
            }
            let extents = match d.scope {
                Scope::Line(Some(t)) => {
                    let by_file = extents_by_file.get_or_insert_with(|| {
                        let mut m: BTreeMap<FileId, Vec<Span>> = BTreeMap::new();
                        for o in ws.origins() {
                            m.entry(o.extent.file).or_default().push(o.extent);
                        }
                        m
                    });
                    let here = by_file.get(&id).map_or(&[][..], Vec::as_slice);
                    here.iter().filter(|e| file.position(e.start).line - 1 == t).copied().collect()
                }
                _ => Vec::new(),
            };
            let void = if let Some(m) = &d.malformed {
                Some(format!("malformed suppression: {m}"))
            } else if options.require_reason && d.reason.is_none() {
                Some("suppression without a reason silences nothing here: add `-- why` after the rules".into())
            } else {
                d.until.filter(|u| *u < today).map(|u| format!("suppression expired on {u}: it silences nothing now"))
            };
            let used = vec![false; d.names.len()];
            out.push(Entry { file: id, d, extents, void, used });
        }
    }
    out
}

/// The IAM900 finding for a directive, if it has something to report.
fn report(ws: &Workspace, e: &Entry, unsuppressible: &BTreeSet<&str>) -> Option<Finding> {
    let file = ws.sources.get(e.file);
    let c = &e.d.comment;
    let span = Span::new(e.file, c.marker, c.body.end);
    if let Some(why) = &e.void {
        return Some(
            Finding::new(UNUSED_SUPPRESSION, span, why.clone())
                .help("fix the suppression, or remove it and fix the finding it was meant to silence".to_string()),
        );
    }
    let mut problems = Vec::new();
    let mut removable = vec![false; e.d.names.len()];
    let mut unused = Vec::new();
    for (i, n) in e.d.names.iter().enumerate() {
        match n.code.as_deref() {
            None => {
                problems.push(format!("`{}` is not a rule", n.text));
                removable[i] = true;
            }
            Some(code) if unsuppressible.contains(code) => {
                problems.push(format!("{code} cannot be suppressed (the configuration marks it unsuppressible)"))
            }
            Some(UNUSED_SUPPRESSION) => {}
            Some(_) if !e.used[i] => {
                unused.push(n.text.as_str());
                removable[i] = true;
            }
            Some(_) => {}
        }
    }
    if !unused.is_empty() {
        let what = if matches!(e.d.scope, Scope::File) { "in this file" } else { "here" };
        problems.insert(0, format!("unused suppression: {} silences nothing {what}", unused.join(", ")));
    }
    if problems.is_empty() {
        return None;
    }
    let fix = removal(file, e, &removable);
    Some(
        Finding::new(UNUSED_SUPPRESSION, span, problems.join("; "))
            .help("remove what the suppression does not need")
            .fix(fix),
    )
}

/// Removes the names marked removable, or the whole comment when that is all of them.
fn removal(file: &SourceFile, e: &Entry, removable: &[bool]) -> Option<Fix> {
    if !removable.iter().any(|r| *r) {
        return None;
    }
    let c = &e.d.comment;
    let text = &file.text;
    let names = &e.d.names;
    if removable.iter().all(|r| *r) {
        let line_start = text[..c.marker].rfind('\n').map_or(0, |i| i + 1);
        let span = if c.own_line {
            let line_end = text[c.body.end..].find('\n').map_or(text.len(), |i| c.body.end + i + 1);
            Span::new(e.file, line_start, line_end)
        } else {
            let code_end = line_start + text[line_start..c.marker].trim_end().len();
            Span::new(e.file, code_end, c.body.end)
        };
        return Some(Fix {
            description: "remove the suppression".into(),
            edits: vec![Edit { span, replacement: String::new() }],
        });
    }
    let kept: Vec<&str> = names.iter().zip(removable).filter(|(_, r)| !**r).map(|(n, _)| n.text.as_str()).collect();
    let dropped: Vec<&str> = names.iter().zip(removable).filter(|(_, r)| **r).map(|(n, _)| n.text.as_str()).collect();
    let first = names.first()?.span.start;
    let last = names.last()?.span.end;
    Some(Fix {
        description: format!("remove {} from the suppression", dropped.join(", ")),
        edits: vec![Edit { span: Span::new(e.file, first, last), replacement: kept.join(", ") }],
    })
}
