//! Property tests of `--fix` and `--diff` over generated workspaces: Terraform and YAML with
//! bad names, long, invalid, absent or null max ages, extended flags, personal fields,
//! references by name across files, comments and suppressions, LF and CRLF line ends.
//!
//! For every generated workspace:
//! - fixing converges (fewer than `MAX_PASSES` passes) and a fixed workspace re-parses,
//!   with no fixable finding left;
//! - fixing it again changes nothing;
//! - every pass changes only the bytes inside its edits: replaying the recorded edits on
//!   the original texts with an independent applier gives exactly the fixed texts, and
//!   every comment that is not a suppression survives, in order;
//! - `--diff`, applied with `patch -p1` to a copy, gives exactly what `--fix` writes.

use crate::common;
use common::*;
use iamlint::finding::Edit;
use iamlint::fix;
use iamlint::lint::{self, Options};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

const NAMES: [&str; 10] =
    ["ci", "ci-bot", "CI_Bot", "ciBot", "deploy-", "-edge", "With Space", "True_", "Mixed.Case", "a--b"];
const AGES: [Option<&str>; 11] = [
    None,
    Some("null"),
    Some("''"),
    Some("P30D"),
    Some("P400D"),
    Some("30d"),
    Some("P2W"),
    Some("PT0S"),
    Some("p91d"),
    Some("P1Y"),
    Some("PT2400H"),
];
const PERSONAL: [&str; 3] = ["email", "firstName", "password"];

#[derive(Clone, Debug)]
struct Token {
    name: usize,
    age: usize,
    extended: Option<bool>,
    suppress_extended: bool,
}

#[derive(Clone, Debug)]
struct Account {
    name: usize,
    personal: Vec<usize>,
    tokens: Vec<Token>,
    in_group: bool,
    comment_above: bool,
    stale_suppression: bool,
}

fn token() -> impl Strategy<Value = Token> {
    (0..NAMES.len(), 0..AGES.len(), prop::option::of(any::<bool>()), any::<bool>())
        .prop_map(|(name, age, extended, suppress_extended)| Token { name, age, extended, suppress_extended })
}

fn account() -> impl Strategy<Value = Account> {
    (
        0..NAMES.len(),
        prop::collection::vec(0..PERSONAL.len(), 0..3),
        prop::collection::vec(token(), 0..3),
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(name, mut personal, tokens, in_group, comment_above, stale_suppression)| {
            personal.sort();
            personal.dedup();
            Account { name, personal, tokens, in_group, comment_above, stale_suppression }
        })
}

fn yaml(accounts: &[Account], tenant: usize) -> String {
    let mut s = format!("# keep: manifest {tenant}\ntenant: t{tenant}\ngroups:\n  - name: bots\nserviceAccounts:\n");
    for (i, a) in accounts.iter().enumerate() {
        if a.comment_above {
            s.push_str(&format!("  # keep: account {i}\n"));
        }
        if a.stale_suppression {
            s.push_str("  # iamlint-ignore: IAM301 -- never was a super admin\n");
        }
        s.push_str(&format!("  - name: '{}'  # keep: name {i}\n", NAMES[a.name]));
        s.push_str(&format!("    description: \"account # {i}\"\n"));
        if a.in_group {
            s.push_str("    groups: [bots]\n");
        }
        for p in &a.personal {
            // A literal password is a credential (IAM601): starred out of a diff, whose hunk
            // then cannot apply. A reference still makes the field an IAM402 to remove.
            let value =
                if PERSONAL[*p] == "password" { format!("${{SA_PASSWORD_{i}}}") } else { format!("someone{i}") };
            s.push_str(&format!("    {}: {value}\n", PERSONAL[*p]));
        }
        if !a.tokens.is_empty() {
            s.push_str("    apiTokens:\n");
        }
        for t in &a.tokens {
            s.push_str(&format!("      - name: {}\n", NAMES[t.name].replace(' ', "_")));
            if let Some(age) = AGES[t.age] {
                s.push_str(&format!("        maxAge: {age}\n"));
            }
            if let Some(e) = t.extended {
                let suppression = if t.suppress_extended { "  # iamlint-ignore: IAM203 -- agreed" } else { "" };
                s.push_str(&format!("        extended: {e}{suppression}\n"));
            }
        }
    }
    s
}

/// Bindings in another file, naming the accounts of `yaml(accounts, tenant)`.
fn bindings(accounts: &[Account], tenant: usize) -> String {
    let mut s =
        format!("tenant: t{tenant}\nroles:\n  - name: viewer\n    permissions:\n      FLOW: [VIEW]\nbindings:\n");
    for a in accounts {
        s.push_str(&format!(
            "  - type: USER  # keep: binding\n    externalId: {}\n    roleId: viewer\n",
            NAMES[a.name].replace(' ', "-")
        ));
    }
    s
}

/// Memberships in another Terraform file, naming the accounts of `terraform(accounts, tenant)`.
fn memberships(accounts: &[Account], tenant: usize) -> String {
    let mut s = String::new();
    for (i, a) in accounts.iter().enumerate() {
        s.push_str(&format!(
            "resource \"kestra_user_group_membership\" \"m{i}\" {{\n  tenant_id = \"tf{tenant}\"\n  user_id   = \"{}\" # keep: member {i}\n  group_id  = \"bots\"\n}}\n",
            NAMES[a.name]
        ));
    }
    s
}

fn terraform(accounts: &[Account], tenant: usize) -> String {
    let mut s = format!("# keep: terraform {tenant}\n");
    for (i, a) in accounts.iter().enumerate() {
        if a.comment_above {
            s.push_str(&format!("// keep: resource {i}\n"));
        }
        s.push_str(&format!(
            "resource \"kestra_service_account\" \"sa{i}\" {{\n  tenant_id   = \"tf{tenant}\"\n  name        = \"{}\" # keep: tf name {i}\n  description = \"sa # {i}\"\n",
            NAMES[a.name]
        ));
        for p in &a.personal {
            let key = ["email", "first_name", "password"][*p];
            // A literal password would be a credential, starred out of the diff (see yaml()).
            let value = if key == "password" { format!("var.sa_password_{i}") } else { format!("\"x{i}\"") };
            s.push_str(&format!("  {key} = {value}\n"));
        }
        s.push_str("}\n\n");
        for (j, t) in a.tokens.iter().enumerate() {
            // Alternate references by address and by name.
            let owner =
                if j % 2 == 0 { format!("kestra_service_account.sa{i}.id") } else { format!("\"{}\"", NAMES[a.name]) };
            s.push_str(&format!(
                "resource \"kestra_service_account_api_token\" \"t{i}_{j}\" {{\n  tenant_id          = \"tf{tenant}\"\n  service_account_id = {owner}\n  name               = \"{}\"\n",
                NAMES[t.name]
            ));
            match AGES[t.age] {
                None => {}
                Some("''") => s.push_str("  max_age            = \"\"\n"),
                Some("null") => s.push_str("  max_age            = null\n"),
                Some(age) => s.push_str(&format!("  max_age            = \"{age}\"\n")),
            }
            if let Some(e) = t.extended {
                let suppression = if t.suppress_extended { " // iamlint-ignore: IAM203 -- agreed" } else { "" };
                s.push_str(&format!("  extended           = {e}{suppression}\n"));
            }
            s.push_str("}\n\n");
        }
    }
    s
}

fn workspace() -> impl Strategy<Value = BTreeMap<String, String>> {
    (
        prop::collection::vec(account(), 0..4),
        prop::collection::vec(account(), 0..4),
        any::<bool>(),
        prop::bool::weighted(0.25),
    )
        .prop_map(|(ya, ta, split, crlf)| {
            let mut files = BTreeMap::new();
            files.insert("iam/one.yaml".to_string(), yaml(&ya, 1));
            files.insert("tf/main.tf".to_string(), terraform(&ta, 1));
            // References by name from other files, so that renames span files.
            files.insert("iam/bindings.yaml".to_string(), bindings(&ya, 1));
            files.insert("tf/members.tf".to_string(), memberships(&ta, 1));
            if split {
                // A second manifest in the same tenant: duplicates across files.
                files.insert("iam/two.yaml".to_string(), yaml(&ya[ya.len() / 2..], 1));
            }
            if crlf {
                for text in files.values_mut() {
                    *text = text.replace('\n', "\r\n");
                }
            }
            files
        })
}

fn write_all(dir: &Path, files: &BTreeMap<String, String>) {
    for (name, text) in files {
        write(dir, name, text);
    }
}

fn read_all(dir: &Path, files: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    files.keys().map(|n| (n.clone(), std::fs::read_to_string(dir.join(n)).unwrap())).collect()
}

/// Applies one pass's edits to a text, independently of `fix::apply`.
fn replay(text: &str, edits: &[&Edit]) -> String {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    for w in edits.windows(2) {
        assert!(w[0].span.end <= w[1].span.start, "overlapping edits in one pass: {w:?}");
    }
    let mut out = text.to_string();
    for e in edits.iter().rev() {
        out.replace_range(e.span.start..e.span.end, &e.replacement);
    }
    out
}

/// Comments that fixes must keep: all but suppressions (which IAM900 may remove).
fn kept_comments(text: &str) -> Vec<String> {
    text.lines().filter_map(|l| l.find("keep:").map(|i| l[i..].to_string())).collect()
}

fn check_workspace(files: &BTreeMap<String, String>) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let copy = tempfile::tempdir().unwrap();
    write_all(dir.path(), files);
    write_all(copy.path(), files);

    let diff = iamlint(dir.path(), &["check", "--diff", "."]);
    let diff_text = stdout(&diff);
    prop_assert_eq!(diff.status.code(), Some(i32::from(!diff_text.is_empty())), "{}", stderr(&diff));
    prop_assert_eq!(&read_all(dir.path(), files), files, "--diff wrote files");

    let options = Options { paths: vec![dir.path().to_path_buf()], ..Options::default() };
    let fixed = fix::fix(lint::run(&options).unwrap(), &options, &|_, f| f);
    prop_assert!(fixed.passes.len() < fix::MAX_PASSES, "no fixed point after {} passes", fixed.passes.len());
    prop_assert!(fixed.outcome.ws.problems.iter().all(|p| p.code != "IAM001"), "a fixed file does not parse");
    let left: Vec<_> = fixed.outcome.findings.iter().filter(|f| f.fix.is_some()).map(|f| &f.message).collect();
    prop_assert!(left.is_empty(), "fixable findings left: {:?}", left);

    // Replay every pass on the original texts.
    let ws = &fixed.outcome.ws;
    let mut texts: BTreeMap<u32, String> = BTreeMap::new();
    for (id, f) in ws.sources.iter() {
        let name = f.path.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned();
        texts.insert(id.0, files[&name].clone());
    }
    for pass in &fixed.passes {
        for (id, text) in texts.iter_mut() {
            let mine: Vec<&Edit> = pass.iter().filter(|e| e.span.file.0 == *id).collect();
            *text = replay(text, &mine);
        }
    }
    for (id, f) in ws.sources.iter() {
        prop_assert_eq!(&texts[&id.0], &*f.text, "replayed edits differ from the fixed text");
        let name = f.path.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned();
        prop_assert_eq!(kept_comments(&f.text), kept_comments(&files[&name]), "a comment was lost in {}", name);
    }

    fix::write(&fixed).map_err(|m| TestCaseError::fail(m.join("\n")))?;
    let written = read_all(dir.path(), files);
    if !diff_text.is_empty() {
        std::fs::write(copy.path().join("fix.patch"), &diff_text).unwrap();
        apply_patch(copy.path(), "fix.patch").map_err(|e| TestCaseError::fail(format!("patch failed: {e}")))?;
    }
    prop_assert_eq!(&read_all(copy.path(), files), &written, "--diff and --fix disagree");

    // Fixing the fixed workspace changes nothing.
    let again = fix::fix(lint::run(&options).unwrap(), &options, &|_, f| f);
    prop_assert!(again.changed().is_empty(), "a second --fix changed {:?}", again.changed());
    Ok(())
}

proptest! {
    // Each case spawns iamlint and patch once; 64 cases keep the suite quick on two cores.
    // PROPTEST_CASES=1000 runs a longer search.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64)
    ))]

    #[test]
    fn fixes_are_idempotent_local_and_match_the_diff(files in workspace()) {
        check_workspace(&files)?;
    }
}
/// The properties above are only as good as the workspaces: check that the generator
/// produces renames across files, fixes that need several passes, CRLF files, and
/// suppressions IAM900 reports.
#[test]
fn the_generator_exercises_every_kind_of_fix() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut changed, mut multi_pass, mut cross_file, mut iam900, mut crlf) = (0, 0, 0, 0, 0);
    let mut codes = std::collections::BTreeSet::new();
    for _ in 0..64 {
        let files = workspace().new_tree(&mut runner).unwrap().current();
        crlf += usize::from(files.values().any(|t| t.contains("\r\n")));
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &files);
        let options = Options { paths: vec![dir.path().to_path_buf()], ..Options::default() };
        let outcome = lint::run(&options).unwrap();
        for f in outcome.findings.iter().filter(|f| f.fix.is_some()) {
            codes.insert(f.code.clone());
            let edits = &f.fix.as_ref().unwrap().edits;
            cross_file += usize::from(edits.iter().any(|e| e.span.file != f.span.file));
        }
        iam900 += outcome.findings.iter().filter(|f| f.code == "IAM900").count();
        let fixed = fix::fix(outcome, &options, &|_, f| f);
        changed += usize::from(!fixed.changed().is_empty());
        multi_pass += usize::from(fixed.passes.len() > 1);
    }
    assert!(changed > 32 && multi_pass > 0 && cross_file > 0 && iam900 > 0 && crlf > 0);
    let expected = ["IAM101", "IAM102", "IAM201", "IAM202", "IAM203", "IAM204", "IAM402", "IAM900"];
    assert_eq!(codes.into_iter().collect::<Vec<_>>(), expected);
}
