//! Golden fixed files: for every fixture case of a rule with a fix, the rule alone is run
//! with `--fix` semantics (in memory), and each file it changes must equal `<file>.fixed`
//! beside it, so reviewers can read the result of every fix. Files a fix leaves alone have
//! no `.fixed`. `UPDATE_EXPECT=1 cargo test --test fix_golden` rewrites them for review.

use iamlint::fix;
use iamlint::lint::{self, Options};
use iamlint::rules::{self, FixAvailability};
use iamlint::select::Selection;
use std::path::{Path, PathBuf};

fn case_dirs(code: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(Path::new("fixtures/rules").join(code))
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn fixed_files_match_their_golden_copies() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    let mut compared = 0;
    for rule in rules::all().iter().filter(|r| r.meta.fix != FixAvailability::None) {
        let mut rule_changed_something = false;
        for case in case_dirs(rule.code) {
            let options = Options {
                paths: vec![case.clone()],
                selection: Selection { select: Some(vec![rule.code.to_string()]), ..Selection::default() },
                ..Options::default()
            };
            let fixed = fix::fix(lint::run(&options).expect("fixture lints"), &options, &|_, f| f);
            let changed: Vec<(PathBuf, String)> = fixed
                .changed()
                .into_iter()
                .map(|(id, _, after)| (fixed.outcome.ws.sources.get(id).path.clone(), after.to_string()))
                .collect();
            rule_changed_something |= !changed.is_empty();
            let mut golden: Vec<PathBuf> = std::fs::read_dir(&case)
                .unwrap()
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "fixed"))
                .collect();
            golden.sort();
            let expected_golden: Vec<PathBuf> =
                changed.iter().map(|(p, _)| PathBuf::from(format!("{}.fixed", p.display()))).collect();
            if update {
                for g in golden.iter().filter(|g| !expected_golden.contains(g)) {
                    std::fs::remove_file(g).unwrap();
                }
                for ((_, text), g) in changed.iter().zip(&expected_golden) {
                    std::fs::write(g, text).unwrap();
                }
                continue;
            }
            for g in golden.iter().filter(|g| !expected_golden.contains(g)) {
                failures.push(format!("{}: the fix no longer changes this file", g.display()));
            }
            for ((_, text), g) in changed.iter().zip(&expected_golden) {
                compared += 1;
                let expected = std::fs::read_to_string(g).unwrap_or_default();
                if &expected != text {
                    failures.push(format!("{}: differs\n--- expected\n{expected}\n--- actual\n{text}", g.display()));
                }
            }
            if !fixed.outcome.findings.iter().all(|f| f.fix.is_none()) {
                failures.push(format!("{}: a fixable finding is left after fixing", case.display()));
            }
        }
        if !rule_changed_something {
            failures.push(format!("{}: no fixture exercises its fix", rule.code));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(update || compared >= 10, "expected golden fixed files, compared {compared}");
}
