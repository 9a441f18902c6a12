//! Every crash, hang or timeout the fuzz targets (`fuzz/`) found, kept as a plain test.
//! Inputs too long to read inline are in `tests/fuzz_regressions/`.

use iamlint::frontend::manifest;
use iamlint::lint::load_texts;
use iamlint::model::Workspace;
use iamlint::source::FileId;
use std::time::{Duration, Instant};

/// Generous against a loaded machine: the inputs below took minutes before their fix.
const BUDGET: Duration = Duration::from_secs(5);

fn timed<T>(f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(start.elapsed() < BUDGET, "took {:?}", start.elapsed());
    out
}

/// terraform_frontend, timeout: unclosed objects whose keys are operator expressions made
/// hcl-edit backtrack exponentially (the fuzzer's 2.3 KB input ran for minutes). Such
/// nesting is now reported without parsing.
#[test]
fn terraform_exponential_backtracking_found_by_fuzzing() {
    let text = include_str!("fuzz_regressions/terraform_exponential_backtracking.tf");
    for name in ["main.tf", "terraform.tfvars"] {
        let ws = timed(|| load_texts(&[(name, text)]));
        assert_eq!(ws.problems.len(), 1);
        assert_eq!(ws.problems[0].code, "IAM001");
        assert!(ws.problems[0].message.contains("nesting deeper than 32 levels"), "{}", ws.problems[0].message);
    }
}

/// The same pattern reduced by hand: each `a + b + {` / `c = {` pair doubled the time.
#[test]
fn terraform_exponential_backtracking_minimal() {
    let text = format!("x = {{{}\n", "a + b + {\n  c = {".repeat(30));
    let ws: Workspace = timed(|| load_texts(&[("main.tf", &text)]));
    assert_eq!(ws.problems[0].code, "IAM001");
    // Suppression comments are read from the same text with the same parser.
    let comments = timed(|| {
        iamlint::suppress::comments::comments(iamlint::suppress::comments::Syntax::Hcl, &text, Default::default())
    });
    assert!(comments.is_empty());
    // Nesting under the limit still parses.
    let closed = format!("x = {}1{}\n", "{a = ".repeat(30), "}".repeat(30));
    assert!(timed(|| load_texts(&[("main.tf", &closed)])).problems.is_empty());
}

/// yaml_frontend: aliases nesting copies of anchors inside each other built trees far past
/// the depth limit (found while writing the hostile suite; the fuzz target now covers it).
#[test]
fn yaml_alias_chain_depth() {
    let mut text = String::from("a0: &a0 x\n");
    for i in 1..60 {
        text.push_str(&format!("a{i}: &a{i} {}*a{} {}\n", "[".repeat(100), i - 1, "]".repeat(100)));
    }
    text.push_str("roles: []\n");
    let model = timed(|| manifest::parse(FileId(0), &text, false));
    assert_eq!(model.problems[0].code, "IAM001");
    assert!(model.problems[0].message.contains("through an alias"), "{}", model.problems[0].message);
}
