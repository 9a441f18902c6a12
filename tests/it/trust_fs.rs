//! Trust on untrusted pull requests, on the file system and git side: reads
//! stay inside the workspace root, `--changed-since` cannot be silenced by the repository or
//! the user's git settings, every numeric setting is bounded, history and policies are read
//! within the file limits, and a run that could not read what it was given never passes.
//!
//! Every case runs the real binary under a guard (a hostile input must not hang it). Git
//! cases run with `HOME` and `GIT_CONFIG_GLOBAL` in a temporary folder and no system
//! configuration, so this machine's git settings cannot leak in; each hostile setting is
//! written to the repository's own `.git/config`.

use crate::common;
use common::{run_guarded, write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const GUARD: Duration = Duration::from_secs(20);

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn text(&self) -> String {
        format!("status {:?}\nstdout:\n{}\nstderr:\n{}", self.status, self.stdout, self.stderr)
    }
}

/// Runs iamlint in `dir` with git isolated from this machine, killing it and failing the
/// test if it outlives the guard.
fn run(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, &[]).0
}

/// `run` with extra environment variables; also the peak memory (VmHWM, in KiB) seen while
/// it ran, where /proc tells (0 elsewhere).
fn run_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Run, u64) {
    let home = git_home();
    let mut command = Command::new(binary());
    command
        .envs(env.iter().copied())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", &home)
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("GIT_CONFIG_NOSYSTEM", "1");
    let r = run_guarded(command, Stdio::piped(), GUARD);
    let run = Run {
        status: r.status,
        stdout: String::from_utf8_lossy(&r.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&r.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "panic:\n{}", run.text());
    (run, r.peak_kib)
}

/// The binary under test; `IAMLINT_BIN` runs these tests against another build (to see
/// them fail on one from before a fix).
fn binary() -> PathBuf {
    std::env::var_os("IAMLINT_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_iamlint")), PathBuf::from)
}

/// A `HOME` of its own for git, with an empty global configuration.
fn git_home() -> PathBuf {
    static HOME: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let home = HOME.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gitconfig"), "").unwrap();
        dir
    });
    home.path().to_path_buf()
}

/// A manifest with one known finding (IAM101 at 2:11).
const DIRTY: &str = "serviceAccounts:\n  - name: CI_Bot\n    groups: [bots]\ngroups:\n  - name: bots\n";

// ---- Item 7: every numeric setting is bounded -------------------------------------------

#[test]
fn numeric_settings_out_of_range_are_errors_naming_key_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "sa.yaml", DIRTY);
    for (text, expected) in [
        // u64::MAX once overflowed `max + 1`, and every file read as empty: "All checks passed".
        ("max-file-size: 18446744073709551615\n", ".iamlint.yaml:1:16: `max-file-size`: expected a positive whole number up to 1073741824, found `18446744073709551615`"),
        ("# limits\nmax-file-size: 1073741825\n", ".iamlint.yaml:2:16: `max-file-size`: expected a positive whole number up to 1073741824"),
        ("max-file-size: 0\n", ".iamlint.yaml:1:16: `max-file-size`"),
        ("max-yaml-depth: 1001\n", ".iamlint.yaml:1:17: `max-yaml-depth`: expected a positive whole number up to 1000, found `1001`"),
        ("max-yaml-depth: 99999999999999999999999\n", ".iamlint.yaml:1:17: `max-yaml-depth`: expected a positive whole number up to 1000"),
    ] {
        write(d, ".iamlint.yaml", text);
        let r = run(d, &["check", "--format", "concise", "."]);
        assert_eq!(r.status, Some(2), "{text}{}", r.text());
        assert!(r.stderr.contains(expected), "{text:?}: {}", r.text());
        assert!(r.stdout.is_empty(), "{}", r.text());
    }
    // The largest values are accepted.
    write(d, ".iamlint.yaml", "max-file-size: 1073741824\nmax-yaml-depth: 1000\n");
    let r = run(d, &["check", "--format", "concise", "."]);
    assert_eq!(r.status, Some(1), "{}", r.text());
    assert!(r.stdout.contains("sa.yaml:2:11: IAM101"), "{}", r.text());
}

#[test]
fn numeric_flags_out_of_range_are_errors_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "sa.yaml", DIRTY);
    // `--threads 100000` once spawned 100,000 threads; the guard fails the test if any of
    // these starts work at all.
    for (flag, value) in [
        ("--threads", "100000"),
        ("--threads", "4294967296"),
        ("--threads", "0"),
        ("-j", "257"),
        ("--max-file-size", "18446744073709551615"),
        ("--max-file-size", "1073741825"),
        ("--max-yaml-depth", "1001"),
    ] {
        for command in ["check", "access"] {
            let r = run(d, &[command, flag, value, "."]);
            assert_eq!(r.status, Some(2), "{command} {flag} {value}: {}", r.text());
            let long = if flag == "-j" { "--threads" } else { flag };
            assert!(r.stderr.contains(long) && r.stderr.contains(value), "{command} {flag} {value}: {}", r.text());
        }
    }
    for (flag, value) in [("--threads", "1"), ("-j", "256"), ("--max-file-size", "1073741824")] {
        let r = run(d, &["check", "--format", "concise", flag, value, "."]);
        assert_eq!(r.status, Some(1), "{flag} {value}: {}", r.text());
        assert!(r.stdout.contains("sa.yaml:2:11: IAM101"), "{}", r.text());
    }
}

/// Runs git in `dir` with the same isolation as `run`; its output.
fn git(dir: &Path, args: &[&str]) -> String {
    let home = git_home();
    let out = Command::new("git")
        .args(["-c", "user.name=iamlint", "-c", "user.email=dev@iamlint.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("HOME", &home)
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A git repository `repo/` beside a folder `outside/` that holds a file of the machine
/// (a credential that must never be printed) and a manifest that `--fix` would rewrite.
struct Machine {
    dir: tempfile::TempDir,
}

const CANARY: &str = "s3cr3t-canary-7f3a";

impl Machine {
    fn new() -> Machine {
        let dir = tempfile::tempdir().unwrap();
        let m = Machine { dir };
        write(&m.outside(), "git-credentials", &format!("https://bot:{CANARY}@github.com\n"));
        write(&m.outside(), "fixable.yaml", &format!("# {CANARY}\nserviceAccounts:\n  - name: CI_Bot\n"));
        write(&m.outside(), "config.yaml", "ignore: [IAM101]\n");
        std::fs::create_dir_all(m.repo()).unwrap();
        git(&m.repo(), &["init", "-q", "-b", "main"]);
        m
    }

    fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn outside(&self) -> PathBuf {
        self.dir.path().join("outside")
    }

    /// Everything in `outside/`, to check that nothing was written there.
    fn outside_state(&self) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = std::fs::read_dir(self.outside())
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).unwrap_or_default())
            })
            .collect();
        files.sort();
        files
    }
}

// ---- Item 5: files outside the workspace ------------------------------------------------

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_workspace_are_reported_and_never_read() {
    use std::os::unix::fs::symlink;
    let m = Machine::new();
    let repo = m.repo();
    write(&repo, "ok.yaml", DIRTY);
    write(&repo, "shared/real.tf", "resource \"kestra_service_account\" \"a\" {\n  name = \"Inside_Bot\"\n}\n");
    symlink("../outside/git-credentials", repo.join("a.tf")).unwrap();
    symlink(m.outside().join("fixable.yaml"), repo.join("b.yaml")).unwrap();
    // Through a folder link inside the tree, and a link that stays inside (still linted).
    symlink("../outside", repo.join("elsewhere")).unwrap();
    symlink("shared/real.tf", repo.join("inside.tf")).unwrap();
    let before = m.outside_state();
    for format in ["concise", "human", "json", "sarif", "github"] {
        let r = run(&repo, &["check", "--format", format, "."]);
        assert_eq!(r.status, Some(1), "{format}: {}", r.text());
        assert!(!r.stdout.contains(CANARY) && !r.stderr.contains(CANARY), "{format} printed the file: {}", r.text());
        assert!(!r.stdout.contains("bot:"), "{format}: {}", r.text());
    }
    let r = run(&repo, &["check", "--format", "concise", "."]);
    for f in ["a.tf", "b.yaml"] {
        let line = format!("{f}:1:1: IAM001 [error] symbolic link to a file outside the workspace root; not read");
        assert!(r.stdout.contains(&line), "{}", r.text());
    }
    assert!(r.stdout.contains("ok.yaml:2:11: IAM101"), "{}", r.text());
    assert!(r.stdout.contains("Inside_Bot"), "a link inside the workspace is linted: {}", r.text());
    assert!(!r.stdout.contains("elsewhere/"), "a folder link is not followed: {}", r.text());
    // Named on the command line (as pre-commit or a script names files): the same.
    let r = run(&repo, &["check", "--format", "concise", "a.tf", "elsewhere/fixable.yaml"]);
    assert_eq!(r.status, Some(1), "{}", r.text());
    assert!(
        r.stdout.contains("a.tf:1:1: IAM001") && r.stdout.contains("elsewhere/fixable.yaml:1:1: IAM001"),
        "{}",
        r.text()
    );
    assert!(!r.stdout.contains(CANARY) && !r.stdout.contains("CI_Bot"), "{}", r.text());
    // --fix and --diff neither write through the link nor leave anything beside its target.
    let r = run(&repo, &["check", "--fix", "--unsafe-fixes", "--format", "concise", "."]);
    assert_eq!(r.status, Some(1), "{}", r.text());
    let r = run(&repo, &["check", "--diff", "--unsafe-fixes", "."]);
    assert!(!r.stdout.contains(CANARY) && !r.stdout.contains("b.yaml"), "{}", r.text());
    assert_eq!(m.outside_state(), before, "--fix wrote outside the workspace");
    // `access` does not read them either.
    let r = run(&repo, &["access", "--format", "json", "."]);
    assert!(!r.stdout.contains("CI_Bot") && !r.stdout.contains(CANARY), "{}", r.text());
    // A named folder that a link takes out of the workspace is an error, not read.
    let r = run(&repo, &["check", "elsewhere"]);
    assert_eq!(r.status, Some(2), "{}", r.text());
    assert!(r.stderr.contains("path `elsewhere` leads outside the workspace root"), "{}", r.text());
    assert!(!r.stdout.contains("CI_Bot"), "{}", r.text());
}

/// `.gitignore` files are read by iamlint, like configuration: the `ignore` crate's walker
/// followed a committed `.gitignore` link anywhere (to `/dev/zero` it read until the process
/// aborted) and blocked on a FIFO. Such a file is a problem the run reports (status 2), and
/// its rules are not applied, so the files it would hide are still linted.
#[cfg(unix)]
#[test]
fn gitignore_files_are_read_inside_the_workspace_only() {
    use std::os::unix::fs::symlink;
    let m = Machine::new();
    let repo = m.repo();
    write(&repo, "ok.yaml", DIRTY);
    write(&repo, "hidden/sa.yaml", "serviceAccounts:\n  - name: Hidden_Bot\n");
    write(&m.outside(), "ignore-all", "*.yaml\n");
    symlink(m.outside().join("ignore-all"), repo.join(".gitignore")).unwrap();
    assert!(Command::new("mkfifo").arg(repo.join("hidden/.gitignore")).status().unwrap().success());
    let r = run(&repo, &["check", "--format", "concise", "."]);
    assert_eq!(r.status, Some(2), "{}", r.text());
    assert!(r.stderr.contains(".gitignore`: a symbolic link to outside the workspace root, not read"), "{}", r.text());
    assert!(r.stderr.contains("hidden/.gitignore`: not a regular file, not read"), "{}", r.text());
    assert!(r.stdout.contains("ok.yaml:2:11: IAM101") && r.stdout.contains("Hidden_Bot"), "{}", r.text());
    // Ordinary rules files still apply, from the workspace root down to a folder named.
    std::fs::remove_file(repo.join(".gitignore")).unwrap();
    std::fs::remove_file(repo.join("hidden/.gitignore")).unwrap();
    write(&repo, ".gitignore", "hidden/skip.yaml\n");
    write(&repo, "hidden/.gitignore", "sa.yaml\n");
    write(&repo, "hidden/skip.yaml", "serviceAccounts:\n  - name: Skip_Bot\n");
    write(&repo, "hidden/kept.yaml", "serviceAccounts:\n  - name: Kept_Bot\n");
    let r = run(&repo, &["check", "--format", "concise", "hidden"]);
    assert_eq!(r.status, Some(1), "{}", r.text());
    assert!(
        r.stdout.contains("Kept_Bot") && !r.stdout.contains("Skip_Bot") && !r.stdout.contains("Hidden_Bot"),
        "{}",
        r.text()
    );
}

/// A committed link into `.git/` (where a CI checkout keeps its token) is never read, named
/// or found, whatever its name says it is.
#[cfg(unix)]
#[test]
fn links_into_the_git_folder_are_never_read() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    let token = "ghs_CheckoutTokenQ8Zx";
    git(d, &["config", "http.https://github.com/.extraheader", &format!("AUTHORIZATION: basic {token}")]);
    let names = ["a.tf", "b.yaml", "c.tf.json", "d.sh", ".github/workflows/e.yml"];
    for name in names {
        let link = d.join(name);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        let up = "../".repeat(name.matches('/').count());
        symlink(format!("{up}.git/config"), &link).unwrap();
    }
    let mut args = vec!["check", "--format", "human", "."];
    let mut runs = vec![run(d, &args)];
    args.truncate(3);
    args.extend(names);
    runs.push(run(d, &args));
    for r in runs {
        assert!(!r.stdout.contains("Q8Zx") && !r.stderr.contains("Q8Zx"), "{}", r.text());
        assert!(!r.stdout.contains("repositoryformatversion"), "{}", r.text());
        assert_eq!(
            r.stdout.matches("symbolic link to a file outside the workspace root; not read").count(),
            5,
            "{}",
            r.text()
        );
    }
}

/// A committed link to a file outside the repository does not choose the configuration:
/// the search for `.iamlint.yaml` starts where the link is named, so a configuration (and
/// its policies, its excludes) beside the target outside is never read.
#[cfg(unix)]
#[test]
fn links_do_not_choose_a_configuration_outside() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    write(&outside, "real.tf", "resource \"kestra_service_account\" \"a\" {\n  name = \"Bad_Name\"\n}\n");
    write(&outside, ".iamlint.yaml", "select: [OUTSIDE999]\n");
    let repo = dir.path().join("repo");
    git(&std::fs::create_dir_all(&repo).map(|_| repo.clone()).unwrap(), &["init", "-q", "-b", "main"]);
    write(&repo, "envs/prod/main.tf", "resource \"kestra_group\" \"bots\" {\n  name = \"bots\"\n}\n");
    symlink("../../../outside/real.tf", repo.join("envs/prod/b.tf")).unwrap();
    for args in [&["check", "envs/prod/b.tf"][..], &["check", "envs/prod"], &["check", "."]] {
        let r = run(&repo, args);
        assert!(!r.stderr.contains("OUTSIDE999") && !r.stdout.contains("OUTSIDE999"), "{args:?}: {}", r.text());
        assert_eq!(r.status, Some(1), "{args:?}: {}", r.text());
        assert!(r.stdout.contains("symbolic link to a file outside the workspace root; not read"), "{}", r.text());
    }
}

/// A pull request that commits a file and a rules file ignoring it (`git add -f`, or an
/// `.ignore`, which git does not read) cannot hide it: rules files leave tracked files alone.
/// Untracked files they name stay ignored.
#[test]
fn ignore_rules_do_not_hide_committed_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "iam.yaml", "groups:\n  - name: bots\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-qb", "pr"]);
    let admin = |name: &str| format!("serviceAccounts:\n  - name: {name}\n    superAdmin: true\n    groups: [bots]\n");
    write(d, "evil.yaml", &admin("evil-bot"));
    write(d, "team/also.yaml", &admin("also-bot"));
    write(d, ".gitignore", "evil.yaml\nteam/\n");
    write(d, ".ignore", "*.yaml\n");
    git(d, &["add", "-f", "."]);
    git(d, &["commit", "-qm", "pr"]);
    write(d, "scratch.yaml", &admin("scratch-bot"));
    for args in
        [&["check", "--format", "concise", "."][..], &["check", "--format", "concise", "--changed-since", "main", "."]]
    {
        let r = run(d, args);
        assert_eq!(r.status, Some(1), "{args:?}: {}", r.text());
        assert!(r.stdout.contains("`evil-bot` is a super admin"), "{args:?}: {}", r.text());
        assert!(r.stdout.contains("`also-bot` is a super admin"), "{args:?}: {}", r.text());
        assert!(!r.stdout.contains("scratch-bot"), "an untracked ignored file stays ignored: {}", r.text());
    }
    let r = run(d, &["access", "--diff", "main"]);
    assert!(r.stdout.contains("evil-bot") && r.stdout.contains("also-bot"), "{}", r.text());
}

#[cfg(unix)]
#[test]
fn outside_git_the_workspace_root_is_the_current_folder() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "secret.tf", &format!("password = \"{CANARY}\"\n"));
    let ws = dir.path().join("ws");
    write(&ws, "ok.yaml", DIRTY);
    symlink("../secret.tf", ws.join("up.tf")).unwrap();
    let r = run(&ws, &["check", "--format", "concise", "."]);
    assert_eq!(r.status, Some(1), "{}", r.text());
    assert!(
        r.stdout.contains("up.tf:1:1: IAM001 [error] symbolic link to a file outside the workspace root"),
        "{}",
        r.text()
    );
    assert!(!r.stdout.contains(CANARY), "{}", r.text());
    // Linting the parent folder, the same file is inside its workspace and linted.
    let r = run(dir.path(), &["check", "--format", "concise", "--select", "IAM001", "."]);
    assert!(!r.stdout.contains("outside the workspace"), "{}", r.text());
}

#[cfg(unix)]
#[test]
fn a_committed_configuration_stays_inside_the_repository() {
    use std::os::unix::fs::symlink;
    let m = Machine::new();
    let repo = m.repo();
    write(&repo, "ok.yaml", DIRTY);
    let config = repo.join(".iamlint.yaml");
    // A link to a file of the machine, a procfs file (reports 0 bytes, holds gigabytes), a
    // FIFO and a device: each an error naming the file, quickly, never a silent default.
    for (make, expected) in [
        ("outside", "the configuration file is a symbolic link to outside the repository"),
        ("/proc/self/pagemap", "the configuration file is a symbolic link to outside the repository"),
        ("/dev/zero", "the configuration file is a symbolic link to outside the repository"),
        ("fifo", "cannot read the configuration file: not a regular file"),
        ("folder", "cannot read the configuration file: not a regular file"),
    ] {
        match make {
            "outside" => symlink(m.outside().join("config.yaml"), &config).unwrap(),
            "fifo" => assert!(Command::new("mkfifo").arg(&config).status().unwrap().success()),
            "folder" => std::fs::create_dir(&config).unwrap(),
            target => symlink(target, &config).unwrap(),
        }
        let r = run(&repo, &["check", "--format", "concise", "."]);
        assert_eq!(r.status, Some(2), "{make}: {}", r.text());
        assert!(r.stderr.contains(".iamlint.yaml:1:1: ") && r.stderr.contains(expected), "{make}: {}", r.text());
        let _ = std::fs::remove_file(&config).or_else(|_| std::fs::remove_dir(&config));
    }
    // A configuration inside the repository that links to another one inside is fine.
    write(&repo, "ci/strict.yaml", "ignore: [IAM401]\n");
    symlink("ci/strict.yaml", &config).unwrap();
    let r = run(&repo, &["check", "--format", "concise", "."]);
    assert_eq!(r.status, Some(1), "{}", r.text());
    assert!(r.stdout.contains("IAM101") && !r.stdout.contains("IAM401"), "{}", r.text());
    std::fs::remove_file(&config).unwrap();
    // The command line may name any file: the user chose it. Still read within a bound.
    let outside_config = m.outside().join("config.yaml");
    let r = run(&repo, &["check", "--format", "concise", "--config", outside_config.to_str().unwrap(), "."]);
    assert_eq!(r.status, Some(0), "its `ignore: [IAM101]` applies: {}", r.text());
    let r = run(&repo, &["check", "--config", "/dev/zero", "."]);
    assert_eq!(r.status, Some(2), "{}", r.text());
    assert!(r.stderr.contains("/dev/zero:1:1: the configuration file is larger than 1048576 bytes"), "{}", r.text());
    let r = run(&repo, &["check", "--format", "concise", "--config", "/dev/null", "."]);
    assert_eq!(r.status, Some(1), "an empty configuration: {}", r.text());
}

#[cfg(unix)]
#[test]
fn policies_named_by_a_committed_configuration_stay_inside_the_repository() {
    use std::os::unix::fs::symlink;
    let m = Machine::new();
    let repo = m.repo();
    write(&repo, "ok.yaml", DIRTY);
    let policy = "code: ORG001\nname: no-bots\nseverity: error\napplies-to: service-account\nmessage: m\nhelp: h\nassert: {field: name, matches: \"^x\"}\n";
    write(&m.outside(), "policies/org.yaml", policy);
    for (rules_dir, expected) in [
        ("../outside/policies", "`rules-dir`: `"),
        ("/etc", "`rules-dir`: `"),
        ("linked", "`rules-dir`: `"),
        ("policies", "policies/org.yaml` is outside the repository"),
    ] {
        let _ = std::fs::remove_dir_all(repo.join("policies"));
        let _ = std::fs::remove_file(repo.join("linked"));
        symlink(m.outside().join("policies"), repo.join("linked")).unwrap();
        std::fs::create_dir(repo.join("policies")).unwrap();
        symlink(m.outside().join("policies/org.yaml"), repo.join("policies/org.yaml")).unwrap();
        write(&repo, ".iamlint.yaml", &format!("# policies\nrules-dir: {rules_dir}\n"));
        let r = run(&repo, &["check", "--format", "concise", "."]);
        assert_eq!(r.status, Some(2), "{rules_dir}: {}", r.text());
        assert!(r.stderr.contains(".iamlint.yaml:2:12: ") && r.stderr.contains(expected), "{rules_dir}: {}", r.text());
        assert!(r.stderr.contains("outside the repository"), "{}", r.text());
    }
    // `--rules` on the command line may point anywhere.
    std::fs::remove_file(repo.join(".iamlint.yaml")).unwrap();
    let dir = m.outside().join("policies");
    let r = run(&repo, &["check", "--format", "concise", "--rules", dir.to_str().unwrap(), "."]);
    assert_eq!(r.status, Some(1), "{}", r.text());
    assert!(r.stdout.contains("ORG001"), "{}", r.text());
    // A FIFO named like a policy is an error naming it, never a hang or a silent skip.
    let fifo_dir = repo.join("fifo-policies");
    std::fs::create_dir(&fifo_dir).unwrap();
    assert!(Command::new("mkfifo").arg(fifo_dir.join("org.yaml")).status().unwrap().success());
    let r = run(&repo, &["check", "--rules", "fifo-policies", "."]);
    assert_eq!(r.status, Some(2), "{}", r.text());
    assert!(r.stderr.contains("fifo-policies/org.yaml: is not a regular file"), "{}", r.text());
}

/// A baseline is named on the command line, but committed: it is read within a bound too.
#[cfg(unix)]
#[test]
fn a_baseline_is_read_within_a_bound() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.yaml", DIRTY);
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("baseline.json")).unwrap();
    let r = run(dir.path(), &["check", "--baseline", "baseline.json", "."]);
    assert_eq!(r.status, Some(2), "{}", r.text());
    assert!(r.stderr.contains("baseline `baseline.json` is larger than 268435456 bytes"), "{}", r.text());
}

// ---- Item 11: no false passes -------------------------------------------------------------

/// A folder that cannot be listed, as root too: its path is longer than PATH_MAX (4096
/// bytes), which the kernel refuses to every caller (ENAMETOOLONG); permission bits would
/// not stop root, and nothing here needs a mount. It is built in two halves, each under
/// the limit, from a working folder in the middle. Holds a super-admin the run must not
/// pretend to have checked.
fn unlistable_folder(dir: &Path) -> String {
    let name = "d".repeat(200);
    let half = |n: usize| vec![name.as_str(); n].join("/");
    let first = dir.join("deep").join(half(10));
    std::fs::create_dir_all(&first).unwrap();
    let second = half(12);
    assert!(Command::new("mkdir").arg("-p").arg(&second).current_dir(&first).status().unwrap().success());
    let file = format!("{second}/sa.yaml");
    let made = Command::new("sh")
        .args(["-c", "printf 'serviceAccounts:\\n  - name: root-bot\\n    superAdmin: true\\n' > \"$1\"", "sh", &file])
        .current_dir(&first)
        .status()
        .unwrap();
    assert!(made.success());
    "deep/".to_string()
}

#[test]
fn an_unreadable_folder_fails_the_run_naming_it_and_the_rest_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "ok.yaml", DIRTY);
    let deep = unlistable_folder(d);
    for format in ["concise", "human", "json"] {
        let r = run(d, &["check", "--format", format, "."]);
        assert_eq!(r.status, Some(2), "{format}: {}", r.text());
        assert!(r.stderr.contains(&format!("error: cannot read ./{deep}")), "{format}: {}", r.text());
        assert!(r.stderr.contains("File name too long"), "{format}: {}", r.text());
        assert!(!r.stderr.contains("All checks passed"), "{}", r.text());
        assert!(r.stdout.contains("CI_Bot"), "the other files are linted: {}", r.text());
    }
    // Alone, it is no pass either.
    std::fs::remove_file(d.join("ok.yaml")).unwrap();
    let r = run(d, &["check", "."]);
    assert_eq!(r.status, Some(2), "{}", r.text());
    assert!(!r.stderr.contains("All checks passed"), "{}", r.text());
    let r = run(d, &["access", "."]);
    assert_eq!(r.status, Some(2), "{}", r.text());
    assert!(r.stderr.contains("cannot read ./deep/"), "{}", r.text());
}

#[cfg(unix)]
#[test]
fn named_paths_that_cannot_be_read_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "ok.yaml", DIRTY);
    write(d, "notes", "a file, not a folder\n");
    std::os::unix::fs::symlink("loop", d.join("loop")).unwrap();
    for (path, expected) in [
        ("missing", "path `missing` does not exist"),
        ("loop", "cannot read path `loop`"),
        // A path component that is a file.
        ("notes/iam.yaml", "cannot read path `notes/iam.yaml`"),
    ] {
        let r = run(d, &["check", path, "ok.yaml"]);
        assert_eq!(r.status, Some(2), "{path}: {}", r.text());
        assert!(r.stderr.contains(expected), "{path}: {}", r.text());
    }
}

#[test]
fn a_folder_holding_no_file_iamlint_reads_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "iam/ok.yaml", DIRTY);
    write(d, "docs/README.md", "# notes\n");
    std::fs::create_dir(d.join("empty")).unwrap();
    for folder in ["docs", "empty"] {
        let r = run(d, &["check", folder]);
        assert_eq!(r.status, Some(2), "{folder}: {}", r.text());
        assert!(r.stderr.contains(&format!("error: no file iamlint reads under `{folder}`")), "{}", r.text());
        assert!(!r.stderr.contains("All checks passed"), "{}", r.text());
        // Beside a folder with files, the empty one still fails the run, after linting.
        let r = run(d, &["check", "--format", "concise", "iam", folder]);
        assert_eq!(r.status, Some(2), "{folder}: {}", r.text());
        assert!(r.stdout.contains("iam/ok.yaml:2:11: IAM101"), "{}", r.text());
    }
    // Everything the configuration excludes: said so.
    write(d, ".iamlint.yaml", "exclude: [\"iam/**\"]\n");
    let r = run(d, &["check", "iam"]);
    assert_eq!(r.status, Some(2), "{}", r.text());
    assert!(
        r.stderr.contains("no file iamlint reads under `iam` (the configuration excludes all 1 found there)"),
        "{}",
        r.text()
    );
}

#[test]
fn named_files_that_are_not_iam_pass_and_say_so() {
    // pre-commit passes every staged file its pattern matches: a YAML file that holds no
    // Kestra object is linted (and clean); a file of another kind, named by a script, is
    // not iamlint's and must not fail a commit. Neither is a false "checked".
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".pre-commit-config.yaml", "repos: []\n");
    write(d, "README.md", "# notes\n");
    write(d, "Makefile", "all:\n");
    let r = run(d, &["check", ".pre-commit-config.yaml"]);
    assert_eq!(r.status, Some(0), "{}", r.text());
    // The YAML file holds no Kestra object: it is skipped as not IAM, and said to be.
    assert!(r.stderr.contains("All checks passed (0 files checked; 1 skipped as not IAM"), "{}", r.text());
    let r = run(d, &["check", "README.md", "Makefile"]);
    assert_eq!(r.status, Some(0), "{}", r.text());
    assert!(r.stderr.contains("All checks passed (0 files checked)"), "{}", r.text());
    assert!(
        r.stderr.contains("note: 2 named files are of no kind iamlint reads, not checked: `README.md`, `Makefile`"),
        "{}",
        r.text()
    );
}

// ---- Item 6: --changed-since cannot be silenced -----------------------------------------

/// A base commit on `main` with clean files and one old finding, and a branch whose commit
/// makes a super admin in every file (paths with spaces, quotes, non-ASCII and a tab
/// included). `hostile` runs between the two commits (to commit `.gitattributes`), and
/// `configure` once both are made (a clean filter configured earlier would have rewritten
/// what was committed).
fn pull_request(hostile: &[(&str, &str)], configure: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    let group = "resource \"kestra_group\" \"g\" {\n  name = \"bots\"\n}\n";
    let tf_admin = "\nresource \"kestra_service_account\" \"ops\" {\n  name        = \"ops-bot\"\n  groups      = [kestra_group.g.id]\n  super_admin = true\n}\n";
    let groups = "groups:\n  - name: ops\n";
    let yaml_admin = "serviceAccounts:\n  - name: root-bot\n    groups: [ops]\n    superAdmin: true\n";
    write(d, "iam.tf", group);
    write(d, "legacy.yaml", "serviceAccounts:\n  - name: Old_Bot\n    groups: [ops]\n");
    for name in YAML_NAMES {
        write(d, name, groups);
    }
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-qb", "pr"]);
    for (name, text) in hostile {
        write(d, name, text);
    }
    write(d, "iam.tf", &format!("{group}{tf_admin}"));
    for name in YAML_NAMES {
        write(d, name, &format!("{groups}{yaml_admin}"));
    }
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "pr"]);
    for (key, value) in configure {
        git(d, &["config", key, value]);
    }
    dir
}

const YAML_NAMES: [&str; 3] = ["iam.yaml", "team \"a\"/sérvice äccounts ✓.yaml", "tab\there.yaml"];

/// Each setting once made `--changed-since main` report nothing (a pull request adding two
/// super admins passed review) or could have: committed attributes, the user's git
/// configuration, and git's environment. Every one must leave exactly the new super admins.
#[test]
fn changed_since_sees_a_pull_request_whatever_git_is_told() {
    let binary_attributes = (".gitattributes", "*.tf binary\n*.yaml -diff\n");
    let driver_attributes = (".gitattributes", "* diff=evil filter=evil\n");
    // (name, files committed by the pull request, git configuration, environment)
    type Pairs<'a> = Vec<(&'a str, &'a str)>;
    let cases: Vec<(&str, Pairs, Pairs, Pairs)> = vec![
        ("none", vec![], vec![], vec![]),
        ("attributes: binary, -diff", vec![binary_attributes], vec![], vec![]),
        (
            "attributes: a textconv driver that prints nothing",
            vec![driver_attributes],
            vec![("diff.evil.textconv", "true")],
            vec![],
        ),
        ("attributes: a binary diff driver", vec![driver_attributes], vec![("diff.evil.binary", "true")], vec![]),
        (
            "attributes: a clean filter that keeps one line",
            vec![driver_attributes],
            vec![("filter.evil.clean", "sed -n 1p")],
            vec![],
        ),
        ("diff.noprefix", vec![], vec![("diff.noprefix", "true")], vec![]),
        ("diff.mnemonicPrefix", vec![], vec![("diff.mnemonicPrefix", "true")], vec![]),
        ("diff.srcPrefix/dstPrefix", vec![], vec![("diff.srcPrefix", "x/"), ("diff.dstPrefix", "y/")], vec![]),
        ("diff.external", vec![], vec![("diff.external", "true")], vec![]),
        ("GIT_EXTERNAL_DIFF", vec![], vec![], vec![("GIT_EXTERNAL_DIFF", "true")]),
        ("color.diff=always", vec![], vec![("color.diff", "always"), ("color.ui", "always")], vec![]),
        ("core.quotePath", vec![], vec![("core.quotePath", "true")], vec![]),
        ("diff.relative", vec![], vec![("diff.relative", "true")], vec![]),
        ("diff.renames=copies", vec![], vec![("diff.renames", "copies")], vec![]),
        ("diff.interHunkContext", vec![], vec![("diff.interHunkContext", "100")], vec![]),
        ("GIT_DIFF_OPTS", vec![], vec![], vec![("GIT_DIFF_OPTS", "--unified=20")]),
    ];
    let expected = [
        "iam.tf:8:17: IAM301",
        "iam.yaml:6:17: IAM301",
        // Control characters in paths are shown escaped (a tab as `\t`).
        "tab\\there.yaml:6:17: IAM301",
        "team \"a\"/sérvice äccounts ✓.yaml:6:17: IAM301",
    ];
    let mut failures = Vec::new();
    for (name, hostile, configure, env) in &cases {
        let dir = pull_request(hostile, configure);
        let args = ["check", "--changed-since", "main", "--format", "concise", "--select", "IAM101,IAM301", "."];
        let (r, _) = run_with(dir.path(), &args, env);
        let got: Vec<&str> = r.stdout.lines().map(|l| l.split(" [").next().unwrap_or(l)).collect();
        if r.status != Some(1) || got != expected {
            failures.push(format!("{name}:\n{}", r.text()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} settings hid the pull request:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// A path iamlint reads that was something else at REF (a symbolic link there) or is new
/// (untracked) counts as changed throughout; one iamlint cannot read now (binary) keeps its
/// IAM001 in review.
#[cfg(unix)]
#[test]
fn changed_since_counts_new_and_unreadable_files_as_changed() {
    let dir = pull_request(&[], &[]);
    let d = dir.path();
    git(d, &["checkout", "-q", "main"]);
    std::os::unix::fs::symlink("iam.yaml", d.join("was-a-link.yaml")).unwrap();
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "a link"]);
    std::fs::remove_file(d.join("was-a-link.yaml")).unwrap();
    write(d, "was-a-link.yaml", "serviceAccounts:\n  - name: Link_Bot\n");
    write(d, "untracked.yaml", "serviceAccounts:\n  - name: New_Bot\n");
    std::fs::write(d.join("binary.tf"), b"\0\x01").unwrap();
    let r = run(d, &["check", "--changed-since", "HEAD", "--format", "concise", "--select", "IAM001,IAM101", "."]);
    assert_eq!(r.status, Some(1), "{}", r.text());
    let got: Vec<&str> = r.stdout.lines().map(|l| l.split(" [").next().unwrap()).collect();
    assert_eq!(
        got,
        ["binary.tf:1:1: IAM001", "untracked.yaml:2:11: IAM101", "was-a-link.yaml:2:11: IAM101"],
        "{}",
        r.text()
    );
}

// ---- Item 8: history and policies are read within the file limits ------------------------

/// Writes `megabytes` of numbered lines to `name` without holding them.
fn big_text(dir: &Path, name: &str, megabytes: usize, line: &str) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join(name)).unwrap());
    let per_line = line.len() + 9;
    for i in 0..megabytes * 1024 * 1024 / per_line {
        writeln!(f, "{line} {i:07}").unwrap();
    }
}

/// A pull request that adds 40 MB of text iamlint does not lint, and a 40 MB YAML file over
/// `--max-file-size`: once every changed line of every file was held (40 MB of text made
/// ~400 MB; 117 MB made 1.25 GB and took 41 s). Only files iamlint lints count now.
#[test]
fn changed_since_holds_only_what_iamlint_lints() {
    let dir = pull_request(&[], &[]);
    let d = dir.path();
    big_text(d, "data.txt", 40, "a line of a data file");
    big_text(d, "dump.yaml", 40, "# a comment line of a dump");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "data"]);
    let args = ["check", "--changed-since", "main", "--format", "concise", "--select", "IAM001,IAM301", "."];
    let (r, peak_kib) = run_with(d, &args, &[]);
    assert_eq!(r.status, Some(1), "{}", r.text());
    assert!(
        r.stdout.contains("dump.yaml:1:1: IAM001 [error] file is larger than the 16777216-byte limit"),
        "{}",
        r.text()
    );
    assert!(r.stdout.contains("iam.yaml:6:17: IAM301"), "{}", r.text());
    if peak_kib > 0 {
        assert!(peak_kib < 100 * 1024, "peak memory {peak_kib} KiB");
    }
}

/// A revision holding blobs over `--max-file-size`: `access --diff` once read every blob at
/// REF into memory and wrote each to a temporary folder (20 blobs of 25 MB: 991 MB). They
/// are skipped now, as larger files are, and the rest streams one blob at a time.
#[test]
fn access_diff_reads_past_blobs_within_the_file_limit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "iam.yaml", "groups:\n  - name: ops\n");
    for i in 0..8 {
        big_text(d, &format!("data{i}.yaml"), 18, "- a list item of a large manifest");
    }
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-qb", "pr"]);
    git(d, &["rm", "-q", "data0.yaml", "data1.yaml", "data2.yaml", "data3.yaml"]);
    git(d, &["rm", "-q", "data4.yaml", "data5.yaml", "data6.yaml", "data7.yaml"]);
    write(
        d,
        "iam.yaml",
        "groups:\n  - name: ops\nserviceAccounts:\n  - name: root-bot\n    groups: [ops]\n    superAdmin: true\n",
    );
    git(d, &["commit", "-qam", "pr"]);
    let (r, peak_kib) = run_with(d, &["access", "--diff", "main", "--format", "json", "."], &[]);
    assert_eq!(r.status, Some(0), "{}", r.text());
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(report["changes"][0]["name"], "root-bot", "{}", r.text());
    assert_eq!(report["changes"][0]["super_admin_after"], true, "{}", r.text());
    if peak_kib > 0 {
        assert!(peak_kib < 100 * 1024, "peak memory {peak_kib} KiB");
    }
    // Under the limit, a past file is read: the same service account, removed since.
    git(d, &["checkout", "-q", "main"]);
    write(d, "old.yaml", "groups:\n  - name: ops\nserviceAccounts:\n  - name: old-bot\n    groups: [ops]\n");
    git(d, &["add", "old.yaml"]);
    git(d, &["commit", "-qm", "old"]);
    git(d, &["checkout", "-q", "pr"]);
    let (r, _) = run_with(d, &["access", "--diff", "main", "--format", "json", "--max-file-size", "1000", "."], &[]);
    assert_eq!(r.status, Some(0), "{}", r.text());
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let names: Vec<&str> = report["changes"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    assert!(names.contains(&"old-bot") && names.contains(&"root-bot"), "{}", r.text());
}

/// A 0.5 KB policy of nested aliases once expanded to 111,111 tests and ran 74 s (1.2 GB).
/// Aliases in policies count as the copies they make, within a bound, and going past it is
/// an error naming the file and line.
#[test]
fn policy_aliases_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "iam.yaml", DIRTY);
    let mut policy = String::from("code: ORG001\nname: alias-heavy\nseverity: error\napplies-to: service-account\nmessage: m\nhelp: h\nassert:\n  all:\n    - &l0 {field: name, matches: \"^[a-z][a-z0-9-]*$\"}\n");
    for i in 1..6 {
        let copies = vec![format!("*l{}", i - 1); 10].join(", ");
        policy.push_str(&format!("    - &l{i} {{all: [{copies}]}}\n"));
    }
    assert!(policy.len() < 600);
    write(d, "policies/org.yaml", &policy);
    let start = Instant::now();
    let r = run(d, &["check", "--rules", "policies", "."]);
    assert_eq!(r.status, Some(2), "{}", r.text());
    assert!(r.stderr.contains("policies/org.yaml:13:"), "{}", r.text());
    assert!(r.stderr.contains("more than 10000 nodes"), "{}", r.text());
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
    // The same file with few enough copies loads and runs.
    let small = policy.lines().take(11).collect::<Vec<_>>().join("\n") + "\n";
    write(d, "policies/org.yaml", &small);
    let r = run(d, &["check", "--format", "concise", "--rules", "policies", "--select", "ORG001", "."]);
    assert_eq!(r.status, Some(1), "{}", r.text());
    assert!(r.stdout.contains("ORG001"), "{}", r.text());
}
