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
//!
//! A second generator writes names, references and max ages in every YAML scalar style and
//! HCL string form (see "Scalar styles" below) and checks that each fix replaces exactly
//! the value it fixes, with the intended value, leaving the structure as it was.

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

    let diff = iamlint(dir.path(), &["check", "--diff", "--unsafe-fixes", "."]);
    let diff_text = stdout(&diff);
    prop_assert_eq!(diff.status.code(), Some(i32::from(!diff_text.is_empty())), "{}", stderr(&diff));
    prop_assert_eq!(&read_all(dir.path(), files), files, "--diff wrote files");

    let options = Options { paths: vec![dir.path().to_path_buf()], ..Options::default() };
    let fixed = fix::fix(lint::run(&options).unwrap(), &options, &|_, f| f, fix::Applies::All);
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
    let again = fix::fix(lint::run(&options).unwrap(), &options, &|_, f| f, fix::Applies::All);
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
        let fixed = fix::fix(outcome, &options, &|_, f| f, fix::Applies::All);
        changed += usize::from(!fixed.changed().is_empty());
        multi_pass += usize::from(fixed.passes.len() > 1);
    }
    assert!(changed > 32 && multi_pass > 0 && cross_file > 0 && iam900 > 0 && crlf > 0);
    let expected = ["IAM101", "IAM102", "IAM201", "IAM202", "IAM203", "IAM204", "IAM402", "IAM900"];
    assert_eq!(codes.into_iter().collect::<Vec<_>>(), expected);
}

// ---------------------------------------------------------------------------------------
// Scalar styles: names, references and max ages written in every YAML scalar style and
// every HCL string form, so that each fix has to replace exactly one written value.
//
// For every generated workspace, after `fix::fix`:
// (a) every edit of every pass lies inside one written value of that pass's text (a YAML
//     scalar, indicator and content lines included; an HCL attribute's expression), or
//     inserts a line between values (IAM201's max age), and replaying the edits gives the
//     fixed text: no byte outside a value changes;
// (b) every fixed file parses, with the structure of the original (keys, lengths, blocks,
//     labels, attribute names; plus an inserted max age), every value equal except fixed
//     ones, and each fixed value the intended one (the normalized name, the suggested or
//     maximum duration, `false`);
// (c) fixing again changes nothing;
// (d) a fixed Terraform value is a quoted string that reads back as the intended value.
// ---------------------------------------------------------------------------------------

use iamlint::syntax::yaml::{self as yaml_tree, Limits, Node};

const STYLED_NAMES: [&str; 8] = ["ci", "CI_Bot", "ciBot", "deploy-", "With Space", "Mixed.Case", "a--b", "etl-Nightly"];
const STYLED_AGES: [&str; 9] = ["P30D", "P400D", "30d", "P2W", "PT0S", "p91d", "P1Y", "PT2400H", ""];

/// How a YAML value is written after its key (block context, the key at `indent`).
#[derive(Clone, Copy, Debug)]
enum YStyle {
    Plain,
    Single,
    Double,
    /// Double-quoted, split by an escaped line break.
    DoubleBroken,
    Anchored,
    Tagged,
    /// `|`, `|-`, `|+`, `>`, `>-`, `>+`, with an indentation indicator and a comment on
    /// the header line or not.
    Block {
        folded: bool,
        chomp: &'static str,
        indicator: bool,
        comment: bool,
    },
}

fn ystyle() -> impl Strategy<Value = YStyle> {
    prop_oneof![
        Just(YStyle::Plain),
        Just(YStyle::Single),
        Just(YStyle::Double),
        Just(YStyle::DoubleBroken),
        Just(YStyle::Anchored),
        Just(YStyle::Tagged),
        (any::<bool>(), prop::sample::select(vec!["", "-", "+"]), any::<bool>(), any::<bool>())
            .prop_map(|(folded, chomp, indicator, comment)| YStyle::Block { folded, chomp, indicator, comment }),
    ]
}

/// `key: value` as YAML lines (each ending with a line break), the key at `indent`.
fn yaml_entry(indent: &str, key: &str, style: YStyle, value: &str, anchor: usize) -> String {
    let quoted_single = format!("'{}'", value.replace('\'', "''"));
    let quoted_double = format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""));
    // Plain text YAML would read as null or as another value stays quoted.
    let plain = if value.is_empty() || value.contains(": ") { quoted_single.clone() } else { value.to_string() };
    match style {
        YStyle::Plain => format!("{indent}{key}: {plain}\n"),
        YStyle::Single => format!("{indent}{key}: {quoted_single}  # keep: {key}\n"),
        YStyle::Double => format!("{indent}{key}: {quoted_double}\n"),
        YStyle::DoubleBroken if value.len() > 1 && value.is_ascii() && !value.contains(['"', '\\', ' ']) => {
            let (a, b) = value.split_at(value.len() / 2);
            format!("{indent}{key}: \"{a}\\\n{indent}  {b}\"\n")
        }
        YStyle::DoubleBroken => format!("{indent}{key}: {quoted_double}\n"),
        YStyle::Anchored => format!("{indent}{key}: &a{anchor} {plain}\n"),
        YStyle::Tagged => format!("{indent}{key}: !!str {quoted_double}\n"),
        YStyle::Block { .. } if value.is_empty() || value.starts_with(' ') => format!("{indent}{key}: ''\n"),
        YStyle::Block { folded, chomp, indicator, comment } => {
            let mut s = format!("{indent}{key}: {}", if folded { '>' } else { '|' });
            s.push_str(if indicator { "2" } else { "" });
            s.push_str(chomp);
            s.push_str(if comment { "  # keep: block header" } else { "" });
            s.push_str(&format!("\n{indent}  {value}\n"));
            if chomp == "+" {
                s.push('\n');
            }
            s
        }
    }
}

#[derive(Clone, Debug)]
struct StyledToken {
    name: (usize, YStyle, TStyle),
    /// `None`: no max age, written as null or not at all (IAM201 inserts one).
    age: Option<(usize, YStyle, TStyle)>,
    absent: bool,
    extended: Option<bool>,
}

#[derive(Clone, Debug)]
struct StyledAccount {
    name: (usize, YStyle, TStyle),
    /// One line of flow mapping instead of a block mapping (YAML).
    flow: bool,
    tokens: Vec<StyledToken>,
    /// The style of the reference to it by name (a binding, a membership).
    reference: Option<(YStyle, TStyle)>,
}

/// How an HCL value is written.
#[derive(Clone, Copy, Debug)]
enum TStyle {
    Quoted,
    /// Quoted, with `_` written as `\u005F`.
    Escaped,
    Heredoc,
    IndentedHeredoc,
    /// A template with an interpolation: evaluated, never rewritten.
    Template,
}

fn tstyle() -> impl Strategy<Value = TStyle> {
    prop_oneof![
        3 => Just(TStyle::Quoted),
        1 => Just(TStyle::Escaped),
        2 => Just(TStyle::Heredoc),
        2 => Just(TStyle::IndentedHeredoc),
        1 => Just(TStyle::Template),
    ]
}

fn hcl_value(style: TStyle, value: &str) -> String {
    let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
    match style {
        _ if value.is_empty() => "\"\"".into(),
        TStyle::Quoted => format!("\"{quoted}\""),
        TStyle::Escaped => format!("\"{}\"", quoted.replace('_', "\\u005F")),
        TStyle::Heredoc => format!("<<EOT\n{value}\nEOT"),
        TStyle::IndentedHeredoc => format!("<<-EOT\n    {value}\n    EOT"),
        TStyle::Template => format!("\"${{local.none}}{quoted}\""),
    }
}

fn styled_account() -> impl Strategy<Value = StyledAccount> {
    let value = |n: usize| (0..n, ystyle(), tstyle());
    let token = (
        value(STYLED_NAMES.len()),
        prop::option::weighted(0.8, value(STYLED_AGES.len())),
        any::<bool>(),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(name, age, absent, extended)| StyledToken { name, age, absent, extended });
    (
        value(STYLED_NAMES.len()),
        prop::bool::weighted(0.2),
        prop::collection::vec(token, 0..3),
        prop::option::of((ystyle(), tstyle())),
    )
        .prop_map(|(name, flow, tokens, reference)| StyledAccount { name, flow, tokens, reference })
}

fn styled_yaml(accounts: &[StyledAccount]) -> String {
    let mut s = String::from("tenant: t1  # keep: tenant\ngroups:\n  - name: bots\nserviceAccounts:\n");
    for (i, a) in accounts.iter().enumerate() {
        let name = STYLED_NAMES[a.name.0];
        if a.flow {
            s.push_str(&format!("  - {{description: \"sa {i}\", name: \"{name}\", groups: [bots]}}  # keep: flow\n"));
            continue;
        }
        s.push_str(&format!("  - description: \"sa {i}\"\n"));
        s.push_str(&yaml_entry("    ", "name", a.name.1, name, i));
        s.push_str("    groups: [bots]\n");
        if !a.tokens.is_empty() {
            s.push_str("    apiTokens:\n");
        }
        for (j, t) in a.tokens.iter().enumerate() {
            s.push_str(&format!("      - description: \"token {j}\"\n"));
            s.push_str(&yaml_entry("        ", "name", t.name.1, STYLED_NAMES[t.name.0], 100 + 10 * i + j));
            match t.age {
                Some((age, style, _)) => {
                    s.push_str(&yaml_entry("        ", "maxAge", style, STYLED_AGES[age], 500 + 10 * i + j))
                }
                None if t.absent => {}
                None => s.push_str("        maxAge:\n"),
            }
            if let Some(e) = t.extended {
                s.push_str(&format!("        extended: {e}\n"));
            }
        }
    }
    s
}

fn styled_bindings(accounts: &[StyledAccount]) -> String {
    let mut s = String::from(
        "tenant: t1\nroles:\n  - name: viewer\n    namespace: team\n    permissions:\n      FLOW: [VIEW]\nbindings:\n",
    );
    for (i, a) in accounts.iter().enumerate() {
        let Some((style, _)) = a.reference else { continue };
        s.push_str("  - type: USER\n");
        s.push_str(&yaml_entry("    ", "externalId", style, STYLED_NAMES[a.name.0], 900 + i));
        s.push_str("    roleId: viewer\n    namespace: team\n");
    }
    s
}

fn styled_terraform(accounts: &[StyledAccount]) -> String {
    let mut s = String::from("# keep: terraform\nlocals {\n  none = \"\"\n}\n\n");
    for (i, a) in accounts.iter().enumerate() {
        s.push_str(&format!(
            "resource \"kestra_service_account\" \"sa{i}\" {{\n  tenant_id   = \"tf1\"\n  name        = {}\n  description = \"sa {i}\" # keep: tf {i}\n}}\n\n",
            hcl_value(a.name.2, STYLED_NAMES[a.name.0])
        ));
        for (j, t) in a.tokens.iter().enumerate() {
            s.push_str(&format!(
                "resource \"kestra_service_account_api_token\" \"t{i}_{j}\" {{\n  tenant_id          = \"tf1\"\n  service_account_id = kestra_service_account.sa{i}.id\n  name               = {}\n",
                hcl_value(t.name.2, STYLED_NAMES[t.name.0])
            ));
            match t.age {
                Some((age, _, style)) => s.push_str(&format!("  max_age = {}\n", hcl_value(style, STYLED_AGES[age]))),
                None if t.absent => {}
                None => s.push_str("  max_age = null\n"),
            }
            if let Some(e) = t.extended {
                s.push_str(&format!("  extended = {e}\n"));
            }
            s.push_str("}\n\n");
        }
    }
    s
}

fn styled_memberships(accounts: &[StyledAccount]) -> String {
    let mut s = String::from("locals {\n  none = \"\"\n}\n\n");
    for (i, a) in accounts.iter().enumerate() {
        let Some((_, style)) = a.reference else { continue };
        s.push_str(&format!(
            "resource \"kestra_user_group_membership\" \"m{i}\" {{\n  tenant_id = \"tf1\"\n  user_id   = {}\n  group_id  = \"bots\"\n}}\n\n",
            hcl_value(style, STYLED_NAMES[a.name.0])
        ));
    }
    s
}

fn styled_workspace() -> impl Strategy<Value = BTreeMap<String, String>> {
    (
        prop::collection::vec(styled_account(), 0..4),
        prop::collection::vec(styled_account(), 0..4),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(ya, ta, crlf)| {
            let mut files = BTreeMap::new();
            files.insert("iam/accounts.yaml".to_string(), styled_yaml(&ya));
            files.insert("iam/bindings.yaml".to_string(), styled_bindings(&ya));
            files.insert("tf/main.tf".to_string(), styled_terraform(&ta));
            files.insert("tf/members.tf".to_string(), styled_memberships(&ta));
            if crlf {
                for text in files.values_mut() {
                    *text = text.replace('\n', "\r\n");
                }
            }
            files
        })
}

/// Keys whose values fixes may change.
const FIXED_KEYS: [&str; 7] = ["name", "externalId", "maxAge", "extended", "user_id", "max_age", "description"];

/// The values a fix may write in place of `old` under `key`.
fn intended(key: &str, old: &str) -> Vec<String> {
    match key {
        "name" | "externalId" | "user_id" => iamlint::names::normalize(old).into_iter().collect(),
        "maxAge" | "max_age" => {
            let mut out = vec!["P90D".to_string()];
            if let Err(e) = iamlint::duration::parse(old) {
                out.extend(e.suggestion().map(String::from));
            }
            out
        }
        "extended" => vec!["false".into()],
        _ => Vec::new(),
    }
}

fn yaml_docs(text: &str) -> Vec<Node> {
    yaml_tree::parse(text, Limits::default()).expect("a fixed manifest parses")
}

/// (b) for YAML: the same tree, values equal except fixed ones, which are the intended ones.
fn same_yaml(before: &Node, after: &Node, key: &str, path: &str) -> Result<(), String> {
    match (before, after) {
        (Node::Scalar(a), Node::Scalar(b)) if a.text == b.text => Ok(()),
        (Node::Scalar(a), Node::Scalar(b)) => {
            let ok = FIXED_KEYS.contains(&key) && intended(key, &a.text).contains(&b.text);
            ok.then_some(()).ok_or_else(|| format!("{path}: `{}` became `{}`", a.text, b.text))
        }
        (Node::Seq { items: a, .. }, Node::Seq { items: b, .. }) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().try_for_each(|(i, (a, b))| same_yaml(a, b, key, &format!("{path}[{i}]")))
        }
        (Node::Map { entries: a, .. }, Node::Map { entries: b, .. }) => {
            let b = without_inserted_max_age(a, b, yaml_entry_of, "maxAge");
            if a.len() != b.len() {
                return Err(format!("{path}: the mapping changed"));
            }
            a.iter().zip(b).try_for_each(|((ka, va), (kb, vb))| {
                let k = ka.as_str().unwrap_or_default();
                if ka.as_str() != kb.as_str() {
                    return Err(format!("{path}: key `{k}` became `{}`", kb.as_str().unwrap_or_default()));
                }
                same_yaml(va, vb, k, &format!("{path}.{k}"))
            })
        }
        _ => Err(format!("{path}: the structure changed")),
    }
}

/// The entries of a fixed mapping or body without the max age IAM201 inserted: when the
/// original has none and the fixed one has one more entry, set to the maximum.
fn without_inserted_max_age<'a, T>(
    before: &[T],
    after: &'a [T],
    read: fn(&T) -> (Option<&str>, Option<&str>),
    key: &str,
) -> Vec<&'a T> {
    let mut out: Vec<&T> = after.iter().collect();
    if out.len() == before.len() + 1 && !before.iter().any(|e| read(e).0 == Some(key)) {
        if let Some(i) = out.iter().position(|e| read(e) == (Some(key), Some("P90D"))) {
            out.remove(i);
        }
    }
    out
}

fn yaml_entry_of((k, v): &(Node, Node)) -> (Option<&str>, Option<&str>) {
    (k.as_str(), v.as_str())
}

fn hcl_entry<'x>(a: &'x &hcl_edit::structure::Attribute) -> (Option<&'x str>, Option<&'x str>) {
    let value = match &a.value {
        hcl_edit::expr::Expression::String(s) => Some(s.value().as_str()),
        _ => None,
    };
    (Some(a.key.as_str()), value)
}

/// A literal string expression's value: quoted (without interpolation) or a heredoc.
fn hcl_literal(e: &hcl_edit::expr::Expression) -> Option<String> {
    use hcl_edit::expr::Expression;
    use hcl_edit::template::Element;
    let literal = |mut elements: Box<dyn Iterator<Item = &Element> + '_>| {
        elements.try_fold(String::new(), |mut s, e| match e {
            Element::Literal(l) => {
                s.push_str(l.value());
                Some(s)
            }
            _ => None,
        })
    };
    match e {
        Expression::String(s) => Some(s.value().clone()),
        Expression::HeredocTemplate(h) => literal(h.template.iter()),
        _ => None,
    }
}

/// (b) and (d) for HCL: the same blocks and attributes, expressions written the same except
/// fixed ones, which are quoted strings holding the intended values.
fn same_hcl(before: &str, after: &str) -> Result<(), String> {
    use hcl_edit::Span as _;
    let parse = |t: &str| hcl_edit::parser::parse_body(t).map_err(|e| format!("fixed Terraform does not parse: {e}"));
    let (a, b) = (parse(before)?, parse(after)?);
    let (ba, bb): (Vec<_>, Vec<_>) = (a.blocks().collect(), b.blocks().collect());
    if ba.len() != bb.len() {
        return Err("the blocks changed".into());
    }
    for (x, y) in ba.iter().zip(&bb) {
        let labels = |b: &hcl_edit::structure::Block| b.labels.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        if x.ident.as_str() != y.ident.as_str() || labels(x) != labels(y) {
            return Err(format!("block {} {:?} changed", x.ident.as_str(), labels(x)));
        }
        let xa: Vec<_> = x.body.attributes().collect();
        let all: Vec<_> = y.body.attributes().collect();
        let ya = without_inserted_max_age(&xa, &all, hcl_entry, "max_age");
        if xa.iter().map(|a| a.key.as_str()).ne(ya.iter().map(|a| a.key.as_str())) || x.body.blocks().count() != 0 {
            return Err(format!("the attributes of {:?} changed", labels(x)));
        }
        for (p, q) in xa.iter().zip(&ya) {
            let key = p.key.as_str();
            let old_text = &before[p.value.span().unwrap()];
            let new_text = &after[q.value.span().unwrap()];
            // `extended = true` becomes the boolean false: checked below.
            if old_text == new_text || key == "extended" {
                continue;
            }
            let (old, new) = (hcl_literal(&p.value), &q.value);
            let hcl_edit::expr::Expression::String(new) = new else {
                return Err(format!("{key} = {old_text} became {new_text}, not a quoted string"));
            };
            let allowed = match (key, &p.value) {
                ("max_age", hcl_edit::expr::Expression::Null(_)) => vec!["P90D".to_string()],
                _ => old.map(|o| intended(key, &o)).unwrap_or_default(),
            };
            if !allowed.contains(new.value()) {
                return Err(format!("{key} = {old_text} became {new_text}"));
            }
        }
        // `extended = true` becomes the boolean false, not a string.
        for (p, q) in xa.iter().zip(&ya).filter(|(p, _)| p.key.as_str() == "extended") {
            let (old, new) = (&before[p.value.span().unwrap()], &after[q.value.span().unwrap()]);
            if old != new && new != "false" {
                return Err(format!("extended = {old} became {new}"));
            }
        }
    }
    Ok(())
}

/// Spans of every written value of a text: YAML scalars, HCL attribute expressions.
fn value_spans(name: &str, text: &str) -> Vec<std::ops::Range<usize>> {
    fn walk(node: &Node, out: &mut Vec<std::ops::Range<usize>>) {
        match node {
            Node::Scalar(s) => out.push(s.start..s.end),
            Node::Seq { items, .. } => items.iter().for_each(|n| walk(n, out)),
            Node::Map { entries, .. } => entries.iter().for_each(|(k, v)| {
                walk(k, out);
                walk(v, out);
            }),
        }
    }
    let mut out = Vec::new();
    if name.ends_with(".tf") {
        use hcl_edit::Span as _;
        for block in hcl_edit::parser::parse_body(text).unwrap().blocks() {
            out.extend(block.body.attributes().filter_map(|a| a.value.span()));
        }
    } else {
        yaml_docs(text).iter().for_each(|d| walk(d, &mut out));
    }
    out
}

fn check_styled(files: &BTreeMap<String, String>) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), files);
    let options = Options { paths: vec![dir.path().to_path_buf()], ..Options::default() };
    let fixed = fix::fix(lint::run(&options).unwrap(), &options, &|_, f| f, fix::Applies::All);
    prop_assert!(fixed.outcome.ws.problems.iter().all(|p| p.code != "IAM001"), "a fixed file does not parse");
    let left: Vec<_> = fixed.outcome.findings.iter().filter(|f| f.fix.is_some()).map(|f| &f.message).collect();
    prop_assert!(left.is_empty(), "fixable findings left: {:?}", left);

    // (a) Each pass's edits lie within written values of that pass's text.
    let ws = &fixed.outcome.ws;
    let names: BTreeMap<u32, String> = ws
        .sources
        .iter()
        .map(|(id, f)| (id.0, f.path.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned()))
        .collect();
    let mut texts: BTreeMap<u32, String> = names.iter().map(|(id, n)| (*id, files[n].clone())).collect();
    for pass in &fixed.passes {
        for (id, text) in texts.iter_mut() {
            let mine: Vec<&Edit> = pass.iter().filter(|e| e.span.file.0 == *id).collect();
            if mine.is_empty() {
                continue;
            }
            let spans = value_spans(&names[id], text);
            for e in &mine {
                // An inserted line (IAM201's max age) goes between values, never inside one.
                let ok = if e.span.is_empty() && e.replacement.starts_with(['\n', '\r']) {
                    !spans.iter().any(|s| s.start < e.span.start && e.span.start < s.end)
                } else {
                    spans.iter().any(|s| s.start <= e.span.start && e.span.end <= s.end)
                };
                let written = &text[e.span.start..e.span.end];
                prop_assert!(ok, "{}: edit {:?} of {:?} is outside every value", names[id], e, written);
            }
            *text = replay(text, &mine);
        }
    }
    for (id, f) in ws.sources.iter() {
        prop_assert_eq!(&texts[&id.0], &*f.text, "replayed edits differ from the fixed text");
        let name = &names[&id.0];
        prop_assert_eq!(kept_comments(&f.text), kept_comments(&files[name]), "a comment was lost in {}", name);
        // (b), (d)
        let same = if name.ends_with(".tf") {
            same_hcl(&files[name], &f.text)
        } else {
            let (a, b) = (yaml_docs(&files[name]), yaml_docs(&f.text));
            prop_assert_eq!(a.len(), b.len());
            a.iter().zip(&b).try_for_each(|(a, b)| same_yaml(a, b, "", ""))
        };
        same.map_err(|e| {
            TestCaseError::fail(format!("{name}: {e}\n--- before\n{}\n--- after\n{}", files[name], f.text))
        })?;
    }

    // (c) Fixing the fixed workspace changes nothing.
    fix::write(&fixed).map_err(|m| TestCaseError::fail(m.join("\n")))?;
    let again = fix::fix(lint::run(&options).unwrap(), &options, &|_, f| f, fix::Applies::All);
    prop_assert!(again.changed().is_empty(), "a second --fix changed {:?}", again.changed());
    Ok(())
}

proptest! {
    // In process, no child: 32 cases take a few seconds. PROPTEST_CASES=20000 runs a long search.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(32)
    ))]

    #[test]
    fn fixes_replace_exactly_the_value_in_every_scalar_style(files in styled_workspace()) {
        check_styled(&files)?;
    }
}

/// The styled generator reaches every style: fixes edit block scalars, heredocs, quoted
/// and plain values, and renames reach across files.
#[test]
fn the_styled_generator_fixes_every_style() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..64 {
        let files = styled_workspace().new_tree(&mut runner).unwrap().current();
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &files);
        let options = Options { paths: vec![dir.path().to_path_buf()], ..Options::default() };
        let outcome = lint::run(&options).unwrap();
        for f in outcome.findings.iter().filter(|f| f.fix.is_some()) {
            let edits = &f.fix.as_ref().unwrap().edits;
            if edits.iter().any(|e| e.span.file != f.span.file) {
                seen.insert("across files".to_string());
            }
            if edits.iter().any(|e| e.span.is_empty() && e.replacement.starts_with(['\n', '\r'])) {
                seen.insert(format!("{} insertion", f.code));
            }
            let written = outcome.ws.sources.text(f.span);
            let style = match written.chars().next() {
                Some('|' | '>') => "block",
                Some('<') => "heredoc",
                Some('"') => "double",
                Some('\'') => "single",
                None => "empty",
                Some(_) => "plain",
            };
            seen.insert(format!("{} {style}", f.code));
        }
    }
    for expected in [
        "IAM101 block",
        "IAM101 heredoc",
        "IAM102 block",
        "IAM102 heredoc",
        "IAM204 block",
        "IAM204 heredoc",
        "IAM101 plain",
        "IAM101 double",
        "IAM101 single",
        "IAM201 empty",
        "IAM201 insertion",
        "across files",
    ] {
        assert!(seen.contains(expected), "never generated: {expected}; saw {seen:?}");
    }
}

use crate::rewrite_oracle;

/// New values a fix might be asked to write: anything, and text made of the characters
/// that need quoting or escaping in YAML or HCL.
fn new_value() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-zA-Z0-9 _:#'\"\\\\$%{},\\[\\]\n\t\r-]{0,10}", Just(String::new())]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(32)
    ))]

    /// Every value of the styled workspaces, replaced by any string: each replacement the
    /// rewriter offers stays within the value, keeps the structure and every other value,
    /// and reads back as the new string.
    #[test]
    fn any_value_can_be_rewritten_or_is_left_alone(files in styled_workspace(), new in new_value()) {
        for (name, text) in &files {
            let checked = if name.ends_with(".tf") {
                rewrite_oracle::check_hcl(text, &new)
            } else {
                rewrite_oracle::check_yaml(text, &new)
            };
            checked.map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
        }
    }
}

/// The oracle over every YAML and Terraform file of the fixtures and examples (real
/// layouts, comments, anchors aside), with values that need quoting or escaping.
#[test]
fn fixture_values_can_be_rewritten_or_are_left_alone() {
    fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "tf") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    files(Path::new("fixtures"), &mut paths);
    files(Path::new("examples"), &mut paths);
    let mut offered = 0;
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        for new in ["bad-name", "yes", "a: b # c", "it's \"${x}\"", "line\nbreak"] {
            let checked = if path.extension().is_some_and(|e| e == "tf") {
                rewrite_oracle::check_hcl(&text, new)
            } else {
                rewrite_oracle::check_yaml(&text, new)
            };
            offered += checked.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
    assert!(offered > 1000, "only {offered} replacements checked");
}

/// Inputs the `fix_scalars` fuzz target found (text, new value), each once a panic or a
/// broken replacement.
#[test]
fn fuzz_findings_hold() {
    let cases = [
        (">-\nx", ""),
        ("?\n\\?~:", ""),
        ("  |-\r\\*", ""),
        ("\r|-\nA0!", "."),
        ("hhh -\u{5}<:\t\u{e}", "hhhhhhhhhhhh"),
        ("?\n:~:\n", "|-;"),
        (" # \u{2}\u{51d}|\n-*A", "|\n"),
        ("? :", ":"),
        ("? :- \u{c}bD:", ""),
        ("\n>-\n#\n  \n", "|"),
        ("                 ?        \n                      :::::", "    "),
        ("---\n\n---\naa}?", ">*\n\na . >\n\na = \n"),
    ];
    for (text, new) in cases {
        rewrite_oracle::check_yaml(text, new).unwrap_or_else(|e| panic!("{text:?} with {new:?}: {e}"));
    }
}
