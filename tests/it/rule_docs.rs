//! The documentation is executable: each rule's bad example (rules/<CODE>.toml) must
//! trigger the rule and its good example must not.

use iamlint::lint::{self, Options};
use iamlint::select::Selection;

#[test]
fn documented_examples_behave_as_documented() {
    for rule in iamlint::catalogue::Catalogue::builtin().rules() {
        for (example, should_fire) in [(&rule.meta.docs.bad, true), (&rule.meta.docs.good, false)] {
            let example = example.as_ref().expect("built-in rules document a bad and a good example");
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join(&example.file), &example.source).unwrap();
            let options = Options {
                paths: vec![dir.path().to_path_buf()],
                selection: Selection { select: Some(vec![rule.code.to_string()]), ..Selection::default() },
                ..Options::default()
            };
            let outcome = lint::run(&options).unwrap();
            let fired = !outcome.findings.is_empty();
            assert_eq!(
                fired,
                should_fire,
                "{}: the {} example {}",
                rule.code,
                if should_fire { "bad" } else { "good" },
                if should_fire { "does not fire" } else { "fires" }
            );
        }
    }
}

#[test]
fn the_rules_page_lists_every_rule() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md")).unwrap();
    for rule in iamlint::catalogue::Catalogue::builtin().rules() {
        let row = format!("| {} | {} |", rule.code, rule.meta.name);
        assert!(readme.contains(&row), "docs/rules.md has no row for {}", rule.code);
    }
}
