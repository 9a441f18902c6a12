//! SARIF 2.1.0 for GitHub code scanning and other SARIF viewers, built with the
//! `serde-sarif` types (generated from the OASIS schema, so a misspelled property cannot
//! compile). Every rule of the catalogue is listed in `tool.driver.rules`, so `ruleIndex`
//! does not depend on which rules fired. `partialFingerprints` carry iamlint's line-free
//! fingerprints, so code scanning keeps an alert's identity when lines move around it.
//! Each rule carries `properties.security-severity`, the score GitHub turns into
//! Critical / High / Medium / Low (`security_severity`).

use super::{help_uri, positions};
use crate::catalogue::{self, Catalogue, Rule};
use crate::finding::{Edit, Finding, Severity};
use crate::fingerprint;
use crate::model::Workspace;
use crate::source::Span;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix, Location, Message, MultiformatMessageString,
    PhysicalLocation, PropertyBag, Region, Replacement, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Relative paths are resolved by the consumer against the checkout root.
const SRCROOT: &str = "%SRCROOT%";
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The key of iamlint's own fingerprint; versioned so a future scheme can live beside it.
const FINGERPRINT_KEY: &str = "iamlint/v1";

/// Characters a URI path segment cannot hold literally (RFC 3986 `pchar` complement).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

pub fn write(ws: &Workspace, findings: &[Finding], catalogue: &Catalogue, out: &mut dyn Write) -> io::Result<()> {
    let catalogue = catalogue.rules();
    let fingerprints = fingerprint::fingerprints(ws, findings);
    let results: Vec<SarifResult> =
        findings.iter().zip(&fingerprints).map(|(f, fp)| result(ws, catalogue, f, fp)).collect();
    let driver = ToolComponent::builder()
        .name("iamlint")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri("https://github.com/iamlint/iamlint")
        .rules(catalogue.iter().map(descriptor).collect::<Vec<_>>())
        .build();
    // The base has no `uri`: it is the folder iamlint ran in, which an absolute path would
    // tie to one machine (and put a home folder into an uploaded log); code scanning
    // resolves it to the checkout root.
    let root = ArtifactLocation::builder()
        .description(Message::builder().text("The folder iamlint ran in: the repository root in CI").build())
        .build();
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        // iamlint counts columns in Unicode characters, not SARIF's default UTF-16 units.
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .build();
    run.original_uri_base_ids = Some(BTreeMap::from([(SRCROOT.to_string(), root)]));
    let log = Sarif::builder().schema(SCHEMA).version(serde_json::json!("2.1.0")).runs(vec![run]).build();
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

/// The CVSS-like score GitHub code scanning reads from a rule (`security-severity`: over 9.0
/// Critical, 7.0 to 8.9 High, 4.0 to 6.9 Medium, below Low). By the rule's default severity
/// (error 8.0, warning 5.0, info 2.0), except where the harm is of another order: a
/// credential in the repository or in Terraform's outputs is Critical; a file iamlint
/// could not parse hides what it holds (Medium), an unused suppression harms nothing (Low).
pub fn security_severity(code: &str, severity: Severity) -> &'static str {
    match code {
        "IAM601" => "9.5",
        "IAM602" => "9.1",
        "IAM001" => "5.0",
        "IAM900" => "2.0",
        _ => match severity {
            Severity::Error => "8.0",
            Severity::Warning => "5.0",
            Severity::Info => "2.0",
        },
    }
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let m = &rule.meta;
    let help_text = format!("{}\n\n{}", m.docs.what.trim(), m.docs.why.trim());
    let score = security_severity(&rule.code, m.severity);
    let properties = PropertyBag::builder()
        .tags(vec!["security".to_string()])
        .additional_properties(BTreeMap::from([("security-severity".to_string(), serde_json::json!(score))]))
        .build();
    ReportingDescriptor::builder()
        .id(rule.code.as_str())
        .name(m.name.as_str())
        .short_description(MultiformatMessageString::builder().text(m.docs.summary.trim()).build())
        .full_description(MultiformatMessageString::builder().text(m.docs.what.trim()).build())
        .help(MultiformatMessageString::builder().text(help_text).markdown(catalogue::explain(rule)).build())
        .help_uri(help_uri(&rule.code))
        .default_configuration(
            ReportingConfiguration::builder().level(serde_json::json!(level(m.severity))).enabled(m.enabled).build(),
        )
        .properties(properties)
        .build()
}

fn result(ws: &Workspace, catalogue: &[Rule], f: &Finding, fingerprint: &str) -> SarifResult {
    let (start, end) = positions(ws, f);
    let region = Region::builder()
        .start_line(start.line as i64)
        .start_column(start.column as i64)
        .end_line(end.line as i64)
        .end_column(end.column as i64)
        .build();
    let location = Location::builder()
        .physical_location(PhysicalLocation::builder().artifact_location(artifact(ws, f.span)).region(region).build())
        .build();
    let related: Vec<Location> = f
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Location::builder()
                .id(i as i64 + 1)
                .message(Message::builder().text(l.message.as_str()).build())
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(artifact(ws, l.span))
                        .region(span_region(ws, l.span))
                        .build(),
                )
                .build()
        })
        .collect();
    let text = match &f.help {
        Some(help) => format!("{} ({help})", f.message),
        None => f.message.clone(),
    };
    let builder = SarifResult::builder()
        .rule_id(f.code.as_str())
        .level(level(f.severity))
        .message(Message::builder().text(text).build())
        .locations(vec![location])
        .partial_fingerprints(BTreeMap::from([(FINGERPRINT_KEY.to_string(), fingerprint.to_string())]));
    let index = catalogue.iter().position(|r| r.code == f.code);
    let fixes = f.fix.as_ref().map(|fix| {
        vec![Fix::builder()
            .description(Message::builder().text(fix.description.as_str()).build())
            .artifact_changes(changes(ws, &fix.edits))
            .build()]
    });
    // typed-builder fixes the field order at compile time, so optional fields are set on
    // the built value rather than through branches of the builder chain.
    let mut result = builder.build();
    result.rule_index = index.map(|i| i as i64);
    result.related_locations = (!related.is_empty()).then_some(related);
    result.fixes = fixes;
    result
}

fn span_region(ws: &Workspace, span: Span) -> Region {
    let file = ws.sources.get(span.file);
    let (start, end) = (file.position(span.start), file.position(span.end));
    Region::builder()
        .start_line(start.line as i64)
        .start_column(start.column as i64)
        .end_line(end.line as i64)
        .end_column(end.column as i64)
        .build()
}

/// One change per file, edits in file order; an insertion is an empty region.
fn changes(ws: &Workspace, edits: &[Edit]) -> Vec<ArtifactChange> {
    let mut by_file: BTreeMap<&str, (Span, Vec<&Edit>)> = BTreeMap::new();
    for e in edits {
        by_file.entry(ws.sources.get(e.span.file).display.as_str()).or_insert((e.span, Vec::new())).1.push(e);
    }
    by_file
        .into_values()
        .map(|(first, mut edits)| {
            edits.sort();
            let replacements = edits
                .iter()
                .map(|e| {
                    Replacement::builder()
                        .deleted_region(span_region(ws, e.span))
                        .inserted_content(ArtifactContent::builder().text(e.replacement.as_str()).build())
                        .build()
                })
                .collect::<Vec<_>>();
            ArtifactChange::builder().artifact_location(artifact(ws, first)).replacements(replacements).build()
        })
        .collect()
}

/// A relative path becomes a relative URI against `%SRCROOT%`; an absolute one a `file:` URI.
fn artifact(ws: &Workspace, span: Span) -> ArtifactLocation {
    let display = &ws.sources.get(span.file).display;
    let encoded: Vec<String> =
        display.split(['/', std::path::MAIN_SEPARATOR]).map(|s| utf8_percent_encode(s, SEGMENT).to_string()).collect();
    let path = encoded.join("/");
    if std::path::Path::new(display).is_absolute() {
        ArtifactLocation::builder().uri(format!("file://{path}")).build()
    } else {
        ArtifactLocation::builder().uri(path).uri_base_id(SRCROOT).build()
    }
}
