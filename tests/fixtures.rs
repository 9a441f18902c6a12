//! Golden tests: every case folder under `fixtures/rules/<CODE>/` is linted with only that
//! rule selected, and its concise and human output must equal `expected.txt`. Cases named
//! `bad*` must produce findings, cases named `good*` none.
//! `UPDATE_EXPECT=1 cargo test --test fixtures` rewrites the expectations for review.

mod common;
use common::check_golden_cases;
use iamlint::lint::{self, Options};
use iamlint::render::{self, OutputFormat, RenderOptions};
use iamlint::select::Selection;
use std::path::{Path, PathBuf};

fn cases() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let root = Path::new("fixtures/rules");
    for rule in std::fs::read_dir(root).expect("fixtures/rules exists") {
        let rule = rule.unwrap().path();
        let code = rule.file_name().unwrap().to_string_lossy().to_string();
        for case in std::fs::read_dir(&rule).unwrap() {
            let case = case.unwrap().path();
            if case.is_dir() {
                out.push((code.clone(), case));
            }
        }
    }
    out.sort();
    out
}

pub fn snapshot(code: &str, case: &Path) -> (String, usize) {
    let options = Options {
        paths: vec![case.to_path_buf()],
        selection: Selection { select: Some(vec![code.to_string()]), ..Selection::default() },
        ..Options::default()
    };
    let outcome = lint::run(&options).expect("fixture lints");
    let render_options = RenderOptions { color: false, files: outcome.files };
    let concise = render::render(OutputFormat::Concise, &outcome.ws, &outcome.findings, &render_options);
    let human = render::render(OutputFormat::Human, &outcome.ws, &outcome.findings, &render_options);
    (format!("{concise}--- human ---\n{human}"), outcome.findings.len())
}

#[test]
fn rule_fixtures_match_their_expectations() {
    let cases = cases();
    assert!(cases.len() >= 20, "expected the fixture corpus, found {} cases", cases.len());
    check_golden_cases(&cases, snapshot);
}

#[test]
fn every_rule_has_bad_and_good_fixtures() {
    let cases = cases();
    for rule in iamlint::rules::all() {
        let mine: Vec<_> = cases.iter().filter(|(c, _)| c == rule.code).collect();
        let has = |prefix: &str| mine.iter().any(|(_, p)| p.file_name().unwrap().to_string_lossy().starts_with(prefix));
        assert!(
            has("bad") && has("good"),
            "{} needs bad and good fixtures under fixtures/rules/{}/",
            rule.code,
            rule.code
        );
    }
}
