//! Output on untrusted input: a finding on a very long line renders in every
//! format without a panic and with a bounded snippet, output grows with the number of
//! findings rather than with line length times findings, a name cannot forge a CI
//! annotation or a terminal escape, and a report that cannot be written is exit status 2.
//! Every case runs the real binary under a guard.

use crate::common;
use common::*;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Generous: the debug binary parses a 15 MB file in a few seconds, on a shared machine.
const GUARD: Duration = Duration::from_secs(90);

const FORMATS: [&str; 10] =
    ["human", "concise", "json", "sarif", "github", "gitlab", "junit", "checkstyle", "rdjson", "markdown"];

struct Run {
    status: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// Runs iamlint (through `sh -c` when `shell` wraps it, e.g. to set a memory limit),
/// killing it and failing the test if it outlives the guard.
fn run_with(dir: &Path, args: &[&str], stdout: Stdio, shell: Option<&str>) -> Run {
    let bin = env!("CARGO_BIN_EXE_iamlint");
    let mut command = match shell {
        Some(prefix) => {
            let mut c = Command::new("sh");
            c.arg("-c").arg(format!("{prefix}; exec \"$0\" \"$@\"")).arg(bin).args(args);
            c
        }
        None => {
            let mut c = Command::new(bin);
            c.args(args);
            c
        }
    };
    command.current_dir(dir).env("NO_COLOR", "1").env_remove("FORCE_COLOR");
    let r = run_guarded(command, stdout, GUARD);
    Run { status: r.status, stdout: r.stdout, stderr: String::from_utf8_lossy(&r.stderr).into_owned() }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, Stdio::piped(), None)
}

fn assert_no_panic(r: &Run, what: &str) {
    assert!(!r.stderr.contains("panicked"), "{what} panicked:\n{}", r.stderr);
    assert_ne!(r.status, Some(101), "{what}: exit 101\n{}", r.stderr);
}

/// A `terraform show -json` plan on one line: `accounts` service accounts with bad names,
/// each followed by a description of `pad` characters, so the later findings sit far past
/// column 65,535.
fn plan(accounts: usize, pad: usize) -> String {
    let resources: Vec<serde_json::Value> = (0..accounts)
        .map(|i| {
            serde_json::json!({
                "address": format!("kestra_service_account.sa{i}"),
                "mode": "managed",
                "type": "kestra_service_account",
                "name": format!("sa{i}"),
                "values": {"name": format!("Bad_Name_{i}"), "description": "x".repeat(pad)},
            })
        })
        .collect();
    let plan = serde_json::json!({
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "planned_values": {"root_module": {"resources": resources}},
    });
    format!("{}\n", serde_json::to_string(&plan).unwrap())
}

/// A JSON manifest on one line: `accounts` service accounts with bad names (one IAM101
/// each), each with a description of `pad` characters.
fn one_line_manifest(accounts: usize, pad: usize) -> String {
    let sas: Vec<serde_json::Value> = (0..accounts)
        .map(|i| {
            serde_json::json!({"name": format!("Bad_Name_{i}"), "groups": ["bots"], "description": "x".repeat(pad)})
        })
        .collect();
    let doc = serde_json::json!({"serviceAccounts": sas, "groups": [{"name": "bots"}]});
    format!("{}\n", serde_json::to_string(&doc).unwrap())
}

/// The concise report's `line:column` of every finding, in order.
fn positions(dir: &Path) -> Vec<String> {
    let r = run(dir, &["check", "--format", "concise", "."]);
    assert_eq!(r.status, Some(1), "{}", r.stderr);
    r.text().lines().map(|l| l.split(':').skip(1).take(2).collect::<Vec<_>>().join(":")).collect()
}

#[test]
fn one_line_plan_renders_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.json", &plan(6, 20_000));
    let findings = positions(dir.path());
    assert_eq!(findings.len(), 6, "{findings:?}");
    assert!(findings.iter().all(|f| f.starts_with("1:")), "{findings:?}");
    let last_column: usize = findings.last().unwrap().split(':').nth(1).unwrap().parse().unwrap();
    assert!(last_column > 65_535, "the test needs a column past 65,535, got {last_column}");
    for format in FORMATS {
        let r = run(dir.path(), &["check", "--format", format, "."]);
        assert_no_panic(&r, format);
        assert_eq!(r.status, Some(1), "{format}: {}", r.stderr);
        // SARIF lists the whole rule catalogue whatever fired; everything else is per finding.
        let fixed = if format == "sarif" { 200_000 } else { 2_000 };
        assert!(
            r.stdout.len() < fixed + 4_000 * findings.len(),
            "{format}: {} bytes for {} findings",
            r.stdout.len(),
            findings.len()
        );
        if format == "human" {
            // Each snippet is clipped, yet names the real place.
            let text = r.text();
            for at in &findings {
                assert!(text.contains(&format!("[plan.json:{at}]")), "no header for {at}:\n{text}");
            }
            assert!(text.contains('…'), "{text}");
            assert!(text.lines().all(|l| l.chars().count() < 400), "a line is not clipped:\n{text}");
        }
    }
}

#[test]
fn output_is_linear_in_findings_on_a_multi_megabyte_line() {
    let dir = tempfile::tempdir().unwrap();
    // 200 findings on one 5 MB line; each snippet used to reprint the whole line.
    write(dir.path(), "iam.json", &one_line_manifest(200, 25_000));
    for format in ["human", "concise", "github"] {
        let r = run(dir.path(), &["check", "--format", format, "."]);
        assert_no_panic(&r, format);
        assert_eq!(r.status, Some(1), "{format}: {}", r.stderr);
        let count = r.text().matches("IAM101").count();
        assert!(count >= 200, "{format}: {count} findings");
        assert!(r.stdout.len() < 200 * 2_000, "{format}: {} bytes for 200 findings", r.stdout.len());
    }
}

#[test]
fn long_line_below_the_column_limit_is_clipped_too() {
    // Columns under 65,535 did not panic, but printed the whole 60 KB line per finding.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "iam.json", &one_line_manifest(200, 250));
    let r = run(dir.path(), &["check", "."]);
    assert_no_panic(&r, "human");
    assert_eq!(r.status, Some(1), "{}", r.stderr);
    assert!(r.stdout.len() < 200 * 2_000, "{} bytes for 200 findings", r.stdout.len());
}

#[test]
fn fifteen_megabyte_line_finishes_within_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let text = one_line_manifest(200, 75_000);
    assert!(text.len() > 15_000_000 && text.len() < 16 * 1024 * 1024);
    write(dir.path(), "iam.json", &text);
    // 1 GiB of address space: the old renderer asked for 15 GB at once.
    let r = run_with(dir.path(), &["check", "."], Stdio::piped(), Some("ulimit -v 1048576"));
    assert_no_panic(&r, "human");
    assert_eq!(r.status, Some(1), "{}", r.stderr);
    assert!(r.stdout.len() < 200 * 2_000, "{} bytes", r.stdout.len());
}

/// A name that would print a GitHub annotation at the start of a line, and one that would
/// clear and recolour a terminal.
/// The third hides its end behind a right-to-left override and a line separator, with a
/// DEL and a C1 CSI, which no JSON encoder escapes by itself.
const FORGED: [&str; 3] =
    ["ci\\n::warning file=x.tf::Security review passed", "\\e[2J\\e[31mred", "rtl\\u202Eexe.\\u2028\\x7f\\x9b\\u2066x"];

fn forged_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "iam.yaml",
        &format!(
            "serviceAccounts:\n  - name: \"{}\"\n    groups: [bots]\n  - name: \"{}\"\n    groups: [bots]\n\
             \x20 - name: \"{}\"\n    groups: [bots]\n\
             groups:\n  - name: bots\nroles:\n  - name: admin\n    permissions:\n      FLOW: [READ]\n\
             bindings:\n  - type: GROUP\n    externalId: bots\n    roleId: admin\n",
            FORGED[0], FORGED[1], FORGED[2]
        ),
    );
    dir
}

/// Nothing in `text` can act on a terminal or a CI runner: no control character but line
/// breaks, and no line that starts a workflow command iamlint did not mean.
fn assert_inert(what: &str, text: &str) {
    for c in text.chars() {
        let control = (c.is_control() && c != '\n')
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}');
        assert!(!control, "{what}: raw {c:?} in output:\n{text}");
    }
    for line in text.lines() {
        assert!(!line.trim_start().starts_with("::warning file=x.tf"), "{what} forges an annotation: {line}");
    }
}

#[test]
fn names_cannot_forge_annotations_or_terminal_escapes() {
    let dir = forged_workspace();
    for format in FORMATS {
        let r = run(dir.path(), &["check", "--format", format, "."]);
        assert_no_panic(&r, format);
        assert_eq!(r.status, Some(1), "{format}: {}", r.stderr);
        let text = r.text();
        assert_inert(format, &text);
        assert_inert(&format!("{format} (stderr)"), &r.stderr);
        match format {
            "json" | "sarif" | "gitlab" | "rdjson" => {
                // Decoded, the messages are still inert: consumers print them as they are.
                let value: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_inert(&format!("{format} (decoded)"), &strings(&value).join("\n"));
            }
            "junit" | "checkstyle" => {}
            // Markdown escapes its own characters too: `\n` shown as `\\n`, `:` as `\:`.
            "markdown" => {
                assert!(text.contains("ci\\\\n\\:\\:warning file=x.tf"), "markdown:\n{text}");
                assert!(text.contains("\\\\u\\{1b\\}\\[2J"), "markdown:\n{text}");
            }
            _ => {
                assert!(text.contains("ci\\n::warning file=x.tf"), "{format} does not show the name escaped:\n{text}");
                assert!(text.contains("\\u{1b}[2J\\u{1b}[31mred"), "{format} does not show the escape:\n{text}");
            }
        }
    }
    let r = run(dir.path(), &["access", "."]);
    assert_eq!(r.status, Some(0), "{}", r.stderr);
    assert_inert("access", &r.text());
    assert!(r.text().contains("\\u{1b}[2J"), "{}", r.text());
    let r = run(dir.path(), &["access", "--format", "json", "."]);
    assert_eq!(r.status, Some(0), "{}", r.stderr);
    assert_inert("access json", &r.text());
    // Escaped as JSON escapes: a script still reads the exact name.
    let value: serde_json::Value = serde_json::from_str(&r.text()).unwrap();
    assert!(strings(&value).iter().any(|s| s == "rtl\u{202e}exe.\u{2028}\u{7f}\u{9b}\u{2066}x"), "{}", r.text());
}

/// `--diff` shows a file's text and path: a committed file cannot recolour the terminal or
/// start a CI log command through it. CRLF line ends are the file's, and stay.
#[test]
fn diff_shows_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    // (Terraform takes raw controls in a comment; a parser rejects a lone CR in a file, but
    // not in a file name.)
    let text = "# \u{1b}[31mred ::error file=x.tf::forged\u{2028}x\u{202e}\n\
                resource \"kestra_service_account\" \"a\" {\n  name = \"Bad_Name\"\n}\n";
    write(dir.path(), "team\u{1b}[2J\r::error::.tf", text);
    let r = run(dir.path(), &["check", "--diff", "--unsafe-fixes", "."]);
    assert_eq!(r.status, Some(1), "{}", r.stderr);
    let diff = r.text();
    assert!(diff.contains("+  name = \"bad-name\"\n"), "{diff}");
    assert!(diff.contains(" # \\u{1b}[31mred ::error file=x.tf::forged\\u{2028}x\\u{202e}\n"), "{diff}");
    assert!(diff.contains("+++ b/team\\u{1b}[2J\\r::error::.tf\n"), "{diff}");
    assert_inert("--diff", &diff);
    assert_inert("--diff (stderr)", &r.stderr);
    let crlf = tempfile::tempdir().unwrap();
    write(crlf.path(), "iam.yaml", "serviceAccounts:\r\n  - name: Bad_Name\r\n    groups: [bots]\r\n");
    let r = run(crlf.path(), &["check", "--diff", "--unsafe-fixes", "."]);
    assert!(r.text().contains("+  - name: bad-name\r\n"), "{:?}", r.text());
    std::fs::write(crlf.path().join("fix.patch"), &r.stdout).unwrap();
    apply_patch(crlf.path(), "fix.patch").unwrap();
    assert!(std::fs::read_to_string(crlf.path().join("iam.yaml")).unwrap().contains("  - name: bad-name\r\n"));
}

/// Every string in a JSON document (keys aside).
fn strings(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(items) => items.iter().flat_map(strings).collect(),
        serde_json::Value::Object(map) => map.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn file_names_cannot_forge_either() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\n::warning file=x.tf::Path review passed\u{1b}[2J\u{202e}\u{7f}\u{2066}.yaml";
    write(dir.path(), name, "serviceAccounts:\n  - name: Bad_Name\n    groups: [bots]\ngroups:\n  - name: bots\n");
    for format in FORMATS {
        let r = run(dir.path(), &["check", "--format", format, "."]);
        assert_no_panic(&r, format);
        assert_eq!(r.status, Some(1), "{format}: {}", r.stderr);
        assert_inert(format, &r.text());
        assert_inert(&format!("{format} (stderr)"), &r.stderr);
        if matches!(format, "json" | "gitlab" | "rdjson") {
            // JSON escapes keep the path exact for scripts.
            let value: serde_json::Value = serde_json::from_str(&r.text()).unwrap();
            assert!(strings(&value).iter().any(|s| s.contains(name)), "{format}: {}", r.text());
        }
    }
}

#[test]
fn access_diff_escapes_names() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write(dir.path(), "iam.yaml", "groups:\n  - name: bots\n");
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "base"]);
    let forged = forged_workspace();
    std::fs::copy(forged.path().join("iam.yaml"), dir.path().join("iam.yaml")).unwrap();
    let r = run(dir.path(), &["access", "--diff", "HEAD", "."]);
    assert_eq!(r.status, Some(0), "{}", r.stderr);
    assert_inert("access --diff", &r.text());
    assert!(r.text().contains("\\u{1b}[2J"), "{}", r.text());
    let r = run(dir.path(), &["access", "--diff", "HEAD", "--format", "markdown", "."]);
    assert_eq!(r.status, Some(0), "{}", r.stderr);
    assert_inert("access --diff --format markdown", &r.text());
    assert!(r.text().contains("\\\\u\\{1b\\}\\[2J"), "{}", r.text());
}

/// Every subcommand that prints, on a workspace with findings and a git history.
fn printing_commands() -> Vec<Vec<&'static str>> {
    let mut commands: Vec<Vec<&str>> = FORMATS.iter().map(|f| vec!["check", "--format", f, "."]).collect();
    commands.extend([
        vec!["check", "--diff", "--unsafe-fixes", "."],
        vec!["access", "."],
        vec!["access", "--format", "json", "."],
        vec!["access", "--diff", "HEAD", "."],
        vec!["rules"],
        vec!["rules", "--format", "json"],
        vec!["explain", "IAM101"],
        vec!["config"],
        vec!["config", "--schema"],
        vec!["completions", "bash"],
        vec!["man"],
    ]);
    commands
}

fn repository_with_findings() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write(dir.path(), "iam.yaml", "groups:\n  - name: bots\n");
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "base"]);
    let mut text = String::from("groups:\n  - name: bots\nserviceAccounts:\n");
    for i in 0..300 {
        text.push_str(&format!("  - name: Bad_Name_{i}\n    groups: [bots]\n"));
    }
    write(dir.path(), "iam.yaml", &text);
    dir
}

#[test]
fn a_streamed_report_is_written_whole() {
    let dir = repository_with_findings();
    let r = run(dir.path(), &["check", "--format", "concise", "."]);
    assert_eq!(r.status, Some(1), "{}", r.stderr);
    assert_eq!(r.text().lines().filter(|l| l.contains("IAM101")).count(), 300, "{}", r.text());
    let r = run(dir.path(), &["check", "."]);
    assert_eq!(r.text().matches("IAM101 error service-account-name:").count(), 300);
    assert!(r.stderr.contains("Found 300 problems"), "{}", r.stderr);
}

#[test]
fn a_report_that_cannot_be_written_is_status_2() {
    if !Path::new("/dev/full").exists() {
        eprintln!("no /dev/full here: skipped");
        return;
    }
    let dir = repository_with_findings();
    for args in printing_commands() {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let r = run_with(dir.path(), &args, Stdio::from(full), None);
        assert_no_panic(&r, &args.join(" "));
        assert_eq!(r.status, Some(2), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("cannot write the report: No space left on device"), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = repository_with_findings();
    for args in printing_commands() {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iamlint"))
            .args(&args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("iamlint starts");
        // The reader goes away at once, as `| head -0` would.
        drop(child.stdout.take());
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        let status = child.wait().unwrap().code();
        assert!(!err.contains("panicked") && !err.contains("cannot write"), "{args:?}: {err}");
        assert_ne!(status, Some(2), "{args:?}: {err}");
        assert_ne!(status, Some(101), "{args:?}: {err}");
    }
}

#[test]
fn access_tables_take_namespaces_of_any_length() {
    // `format!` widths stop at 65,535: a padded column that long panicked.
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write(dir.path(), "iam.yaml", "groups:\n  - name: bots\n");
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "base"]);
    let namespace = "n".repeat(70_000);
    write(
        dir.path(),
        "iam.yaml",
        &format!(
            "serviceAccounts:\n  - name: ci\n    groups: [bots]\ngroups:\n  - name: bots\nroles:\n  - name: viewer\n    \
             permissions:\n      FLOW: [READ]\nbindings:\n  - type: GROUP\n    externalId: bots\n    roleId: viewer\n    \
             namespace: {namespace}\n"
        ),
    );
    for args in [&["access", "."][..], &["access", "--diff", "HEAD", "."]] {
        let r = run(dir.path(), args);
        assert_no_panic(&r, &args.join(" "));
        assert_eq!(r.status, Some(0), "{args:?}: {}", r.stderr);
        assert!(r.text().contains(&namespace), "{args:?}");
    }
}

#[test]
fn the_fix_list_of_diff_cannot_forge_an_annotation() {
    // `--diff` lists each fix on stderr, where GitHub Actions reads workflow commands too.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "a.yaml",
        "serviceAccounts:\n  - name: \"Bad_X\\n::error file=forged.yaml,line=1::FORGED annotation\"\n    description: x\n    groups: [bots]\ngroups:\n  - name: bots\n    description: x\n",
    );
    let out = iamlint(d, &["check", "--diff", "--unsafe-fixes", "."]);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("FORGED"), "{all}");
    assert!(!all.lines().any(|l| l.starts_with("::")), "{all}");
}
