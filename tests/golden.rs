//! Golden tests, one named test per fixture case, so that a newcomer can run one rule's
//! cases alone (`cargo test --test golden IAM201`) and read a unified diff when one fails.
//!
//! - `rules::CODE::CASE`: every case folder under `fixtures/rules/CODE/` is linted with only
//!   that rule selected; its concise and human output must equal `expected.txt`. Cases
//!   named `bad*` must produce findings, cases named `good*` none.
//! - `fix::CODE::CASE`: for a rule with a fix, each file the fix changes (in memory) must
//!   equal `FILE.fixed` beside it, a file it leaves alone has no `.fixed`, and no fixable
//!   finding is left afterwards.
//! - `catalogue::…`: every rule has bad and good cases, every fix is exercised, and a rule
//!   declared without a fix never emits one.
//!
//! `UPDATE_EXPECT=1 cargo test --test golden` rewrites the expectations for review.

use iamlint::catalogue::Catalogue;
use iamlint::fix;
use iamlint::lint::{self, Options};
use iamlint::render::{self, OutputFormat, RenderOptions};
use iamlint::rules::FixAvailability;
use iamlint::select::Selection;
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};

const RULE_FIXTURES: &str = "fixtures/rules";

fn main() {
    let args = Arguments::from_args();
    let cases = cases();
    let mut trials = Vec::new();
    for (code, case) in &cases {
        let name = case_name(case);
        trials.push(Trial::test(format!("rules::{code}::{name}"), {
            let (code, case) = (code.clone(), case.clone());
            move || rule_case(&code, &case)
        }));
        let (code, case) = (code.clone(), case.clone());
        if Catalogue::builtin().rules().iter().any(|r| *r.code == *code && r.meta.fix != FixAvailability::None) {
            trials.push(Trial::test(format!("fix::{code}::{name}"), move || fix_case(&code, &case)));
        }
    }
    trials.push(Trial::test("catalogue::every_rule_has_bad_and_good_cases", {
        let cases = cases.clone();
        move || every_rule_has_bad_and_good_cases(&cases)
    }));
    trials.push(Trial::test("catalogue::every_fix_is_exercised", {
        let cases = cases.clone();
        move || every_fix_is_exercised(&cases)
    }));
    trials.push(Trial::test("catalogue::rules_without_a_fix_never_emit_one", move || {
        rules_without_a_fix_never_emit_one(&cases)
    }));
    libtest_mimic::run(&args, trials).exit();
}

/// (rule code, case folder), in path order.
fn cases() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for rule in std::fs::read_dir(RULE_FIXTURES).expect("fixtures/rules exists") {
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

fn case_name(case: &Path) -> String {
    case.file_name().unwrap().to_string_lossy().into_owned()
}

fn updating() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some()
}

fn options(code: &str, case: &Path) -> Options {
    Options {
        paths: vec![case.to_path_buf()],
        selection: Selection { select: Some(vec![code.to_string()]), ..Selection::default() },
        ..Options::default()
    }
}

/// A failure that shows what changed, line by line, as `git diff` would.
fn differs(what: &Path, expected: &str, actual: &str) -> Failed {
    let diff = similar::TextDiff::from_lines(expected, actual);
    let diff = diff.unified_diff().context_radius(3).header("expected", "actual").to_string();
    format!("{} differs (UPDATE_EXPECT=1 rewrites it):\n{diff}", what.display()).into()
}

fn rule_case(code: &str, case: &Path) -> Result<(), Failed> {
    let outcome = lint::run(&options(code, case)).map_err(|e| format!("the fixture does not lint: {e}"))?;
    let catalogue = Catalogue::builtin();
    let render_options = RenderOptions { files: outcome.files, ..RenderOptions::new(&catalogue) };
    let concise = render::render(OutputFormat::Concise, &outcome.ws, &outcome.findings, &render_options);
    let human = render::render(OutputFormat::Human, &outcome.ws, &outcome.findings, &render_options);
    let actual = format!("{concise}--- human ---\n{human}");
    let name = case_name(case);
    let expected_path = case.join("expected.txt");
    if updating() {
        std::fs::write(&expected_path, &actual).map_err(|e| e.to_string())?;
    } else {
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            return Err(differs(&expected_path, &expected, &actual));
        }
    }
    if name.starts_with("bad") && outcome.findings.is_empty() {
        return Err(format!("a bad case produced no {code} finding").into());
    }
    if name.starts_with("good") && !outcome.findings.is_empty() {
        return Err(format!("a good case produced findings:\n{actual}").into());
    }
    Ok(())
}

/// The files the rule's fix changes in this case, with their fixed text.
fn fixed_files(code: &str, case: &Path) -> Result<(Vec<(PathBuf, String)>, bool), Failed> {
    let options = options(code, case);
    let outcome = lint::run(&options).map_err(|e| format!("the fixture does not lint: {e}"))?;
    let fixed = fix::fix(outcome, &options, &|_, f| f, fix::Applies::All);
    let changed = fixed
        .changed()
        .into_iter()
        .map(|(id, _, after)| (fixed.outcome.ws.sources.get(id).path.clone(), after.to_string()))
        .collect();
    let leftover = fixed.outcome.findings.iter().any(|f| f.fix.is_some());
    Ok((changed, leftover))
}

fn fix_case(code: &str, case: &Path) -> Result<(), Failed> {
    let (changed, leftover) = fixed_files(code, case)?;
    let mut golden: Vec<PathBuf> = std::fs::read_dir(case)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "fixed"))
        .collect();
    golden.sort();
    let expected_golden: Vec<PathBuf> =
        changed.iter().map(|(p, _)| PathBuf::from(format!("{}.fixed", p.display()))).collect();
    if updating() {
        for g in golden.iter().filter(|g| !expected_golden.contains(g)) {
            std::fs::remove_file(g).map_err(|e| e.to_string())?;
        }
        for ((_, text), g) in changed.iter().zip(&expected_golden) {
            std::fs::write(g, text).map_err(|e| e.to_string())?;
        }
        return Ok(());
    }
    if let Some(g) = golden.iter().find(|g| !expected_golden.contains(g)) {
        return Err(format!("{}: the fix no longer changes this file", g.display()).into());
    }
    for ((_, text), g) in changed.iter().zip(&expected_golden) {
        let expected = std::fs::read_to_string(g).unwrap_or_default();
        if &expected != text {
            return Err(differs(g, &expected, text));
        }
    }
    if leftover {
        return Err("a fixable finding is left after fixing".into());
    }
    Ok(())
}

fn every_rule_has_bad_and_good_cases(cases: &[(String, PathBuf)]) -> Result<(), Failed> {
    let mut missing = Vec::new();
    for rule in Catalogue::builtin().rules() {
        let mine: Vec<_> = cases.iter().filter(|(c, _)| *c == *rule.code).collect();
        let has = |prefix: &str| mine.iter().any(|(_, p)| case_name(p).starts_with(prefix));
        if !(has("bad") && has("good")) {
            missing.push(format!("{} needs bad and good fixtures under {RULE_FIXTURES}/{}/", rule.code, rule.code));
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing.join("\n").into())
    }
}

/// A fixable rule whose fix no fixture exercises has no golden to review.
fn every_fix_is_exercised(cases: &[(String, PathBuf)]) -> Result<(), Failed> {
    let mut missing = Vec::new();
    let mut compared = 0;
    for rule in Catalogue::builtin().rules().iter().filter(|r| r.meta.fix != FixAvailability::None) {
        let mut changed_something = false;
        for (_, case) in cases.iter().filter(|(c, _)| *c == *rule.code) {
            let (changed, _) = fixed_files(&rule.code, case)?;
            compared += changed.len();
            changed_something |= !changed.is_empty();
        }
        if !changed_something {
            missing.push(format!("{}: no fixture exercises its fix", rule.code));
        }
    }
    if compared < 10 {
        missing.push(format!("expected golden fixed files, found {compared}"));
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing.join("\n").into())
    }
}

/// A rule's declaration is what `rules`, `explain` and SARIF tell users about its fixes:
/// every case, linted with every rule, must agree with it.
fn rules_without_a_fix_never_emit_one(cases: &[(String, PathBuf)]) -> Result<(), Failed> {
    let catalogue = Catalogue::builtin();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (_, case) in cases {
        let options = Options {
            paths: vec![case.clone()],
            selection: Selection { select: Some(vec!["ALL".into()]), ..Selection::default() },
            ..Options::default()
        };
        let outcome = lint::run(&options).map_err(|e| format!("{}: {e}", case.display()))?;
        for f in &outcome.findings {
            let rule = catalogue.find(&f.code).ok_or_else(|| format!("{} is not in the catalogue", f.code))?;
            checked += 1;
            if rule.meta.fix == FixAvailability::None && f.fix.is_some() {
                wrong.push(format!("{}: {} is declared without a fix but emitted one", case.display(), f.code));
            }
        }
    }
    if checked < 100 {
        wrong.push(format!("expected the fixture corpus to produce findings, found {checked}"));
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("\n").into())
    }
}
