//! Golden tests of every machine-readable output format on one fixture workspace
//! (`fixtures/formats/workspace`: a cross-file rename fix, an insertion fix, a path with a
//! space, a name full of characters each format must escape, a non-ASCII line).
//! `UPDATE_EXPECT=1 cargo test --test it formats` rewrites the expectations for review.

use crate::common;
use common::*;
use iamlint::lint::{self, Options};
use iamlint::render::{self, OutputFormat, RenderOptions};
use quick_xml::events::Event;
use std::path::Path;

const FORMATS: [(OutputFormat, &str); 6] = [
    (OutputFormat::Sarif, "sarif.sarif"),
    (OutputFormat::Github, "github.txt"),
    (OutputFormat::Gitlab, "gitlab.json"),
    (OutputFormat::Junit, "junit.xml"),
    (OutputFormat::Checkstyle, "checkstyle.xml"),
    (OutputFormat::Rdjson, "rdjson.json"),
];

fn render(format: OutputFormat, path: &Path) -> String {
    let options = Options { paths: vec![path.to_path_buf()], ..Options::default() };
    let outcome = lint::run(&options).expect("fixture lints");
    render::render(
        format,
        &outcome.ws,
        &outcome.findings,
        &RenderOptions { files: outcome.files, ..RenderOptions::new(&iamlint::catalogue::Catalogue::builtin()) },
    )
}

#[test]
fn every_format_matches_its_golden_file() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for (format, file) in FORMATS {
        let actual = render(format, Path::new("fixtures/formats/workspace"));
        let expected_path = Path::new("fixtures/formats/expected").join(file);
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!("{file} differs\n--- expected\n{expected}\n--- actual\n{actual}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn assert_well_formed(format: OutputFormat, text: &str) {
    match format {
        OutputFormat::Junit | OutputFormat::Checkstyle => {
            let mut reader = quick_xml::Reader::from_str(text);
            let mut depth = 0i32;
            loop {
                match reader.read_event() {
                    Ok(Event::Start(_)) => depth += 1,
                    Ok(Event::End(_)) => depth -= 1,
                    Ok(Event::Text(t)) => {
                        t.decode().expect("text decodes");
                    }
                    Ok(Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{format:?} is not well-formed XML: {e}\n{text}"),
                }
            }
            assert_eq!(depth, 0, "{format:?}: unbalanced elements");
        }
        OutputFormat::Github => {
            for line in text.lines() {
                assert!(
                    line.starts_with("::error ") || line.starts_with("::warning ") || line.starts_with("::notice ")
                );
                // One command a line: line breaks in a message must be escaped.
                assert_eq!(line.matches("::").count(), 2, "{line}");
            }
        }
        _ => {
            serde_json::from_str::<serde_json::Value>(text).unwrap_or_else(|e| panic!("{format:?}: {e}\n{text}"));
        }
    }
}

#[test]
fn every_format_is_well_formed_with_and_without_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "iam.yaml", "groups:\n  - name: bots\n");
    for (format, _) in FORMATS {
        assert_well_formed(format, &render(format, Path::new("fixtures/formats/workspace")));
        assert_well_formed(format, &render(format, dir.path()));
    }
}

#[test]
fn the_escaped_name_survives_each_format() {
    // The name `R&D<ops>%,:` must reach every reader intact, whatever its format escapes.
    let sarif: serde_json::Value =
        serde_json::from_str(&render(OutputFormat::Sarif, Path::new("fixtures/formats/workspace"))).unwrap();
    let texts: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"]["text"].as_str().unwrap())
        .collect();
    assert!(texts.iter().any(|t| t.contains("`R&D<ops>%,:`")), "{texts:?}");
    let github = render(OutputFormat::Github, Path::new("fixtures/formats/workspace"));
    assert!(github.contains("`R&D<ops>%25,:`"), "{github}");
    let checkstyle = render(OutputFormat::Checkstyle, Path::new("fixtures/formats/workspace"));
    let mut reader = quick_xml::Reader::from_str(&checkstyle);
    let mut found = false;
    loop {
        match reader.read_event().unwrap() {
            Event::Empty(e) if e.name().as_ref() == b"error" => {
                let message = e.try_get_attribute("message").unwrap().unwrap();
                found |=
                    message.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().contains("`R&D<ops>%,:`");
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(found, "{checkstyle}");
}

#[test]
fn rdjson_columns_count_bytes_and_sarif_columns_count_characters() {
    // Line 13 of iam.yaml has "Équipe données" (two 2-byte characters) before the name.
    let rdjson: serde_json::Value =
        serde_json::from_str(&render(OutputFormat::Rdjson, Path::new("fixtures/formats/workspace"))).unwrap();
    let d = rdjson["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("R&D"))
        .unwrap();
    let line = std::fs::read_to_string("fixtures/formats/workspace/iam.yaml").unwrap();
    let line = line.lines().nth(12).unwrap();
    let byte = line.find("\"R&D").unwrap();
    assert_eq!(d["location"]["range"]["start"]["column"].as_u64(), Some(byte as u64 + 1));
    let sarif: serde_json::Value =
        serde_json::from_str(&render(OutputFormat::Sarif, Path::new("fixtures/formats/workspace"))).unwrap();
    let r = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["message"]["text"].as_str().unwrap().contains("R&D"))
        .unwrap();
    let chars = line[..byte].chars().count();
    assert_eq!(r["locations"][0]["physicalLocation"]["region"]["startColumn"].as_u64(), Some(chars as u64 + 1));
    assert_eq!(sarif["runs"][0]["columnKind"], "unicodeCodePoints");
}

#[test]
fn the_command_line_offers_every_format() {
    let root = repo_root();
    for (format, file) in FORMATS {
        let name = format!("{format:?}").to_lowercase();
        let out = iamlint(root, &["check", "--format", &name, "fixtures/formats/workspace"]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let expected = std::fs::read_to_string(Path::new("fixtures/formats/expected").join(file)).unwrap();
        assert_eq!(stdout(&out), expected, "{name}");
        assert!(out.stderr.is_empty(), "{name} wrote to stderr: {}", stderr(&out));
    }
}
