//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod sarif;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `found`, or, when a tool a test drives is missing (`None`), a test failure under CI
/// (`CI=true`), where `.ci/run` installs every such tool, and elsewhere a loud message,
/// the caller then skipping the test.
pub fn require<T>(found: Option<T>, message: &str) -> Option<T> {
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{message}");
        }
        // Straight to stderr: the test harness captures eprintln! of passing tests.
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "\n!!!!! SKIPPED: {message} !!!!!\n");
    }
    found
}

/// The folder holding the wheel of this version (`iamlint-VERSION-*.whl`) and the build
/// backend of the pre-commit package, for pip's `--find-links`: `$IAMLINT_WHEELS`, else
/// `.ci/wheels`, where `.ci/run` builds and downloads them.
pub fn wheels() -> Option<PathBuf> {
    let dir = std::env::var_os("IAMLINT_WHEELS").map(PathBuf::from).unwrap_or_else(|| repo_root().join(".ci/wheels"));
    let prefix = format!("iamlint-{}-", env!("CARGO_PKG_VERSION"));
    let entries = std::fs::read_dir(&dir).ok()?;
    let has_wheel = entries
        .flatten()
        .any(|e| e.file_name().to_str().is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".whl")));
    has_wheel.then_some(dir)
}

pub fn require_wheels() -> Option<PathBuf> {
    require(
        wheels(),
        "no iamlint wheel in .ci/wheels (or $IAMLINT_WHEELS); `.ci/run` builds it with maturin (cd python && maturin build --release --out ../.ci/wheels)",
    )
}

/// A PATH without cargo or rustc: what pip and pre-commit see on a machine with no Rust
/// toolchain. The folders of git, python3 and the other system tools stay.
pub fn path_without_rust() -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<PathBuf> =
        std::env::split_paths(&path).filter(|d| !d.join("cargo").exists() && !d.join("rustc").exists()).collect();
    std::env::join_paths(kept).unwrap()
}

pub fn iamlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("iamlint runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Applies a unified diff in `dir` with `patch -p1`, or `git apply` where patch is not
/// installed; the error output when it does not apply.
pub fn apply_patch(dir: &Path, patch_file: &str) -> Result<(), String> {
    let out = match Command::new("patch").args(["-p1", "-s", "-i", patch_file]).current_dir(dir).output() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Command::new("git").args(["apply", "-p1", patch_file]).current_dir(dir).output()
        }
        other => other,
    }
    .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    }
}

/// Golden cases: each case folder's `expected.txt` must equal `snapshot`'s output; cases
/// named `bad*` must produce findings and `good*` none. With `UPDATE_EXPECT` set, the
/// expectations are rewritten instead, for review.
pub fn check_golden_cases(cases: &[(String, std::path::PathBuf)], snapshot: impl Fn(&str, &Path) -> (String, usize)) {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for (code, case) in cases {
        let (actual, count) = snapshot(code, case);
        let name = case.file_name().unwrap().to_string_lossy();
        if name.starts_with("bad") && count == 0 {
            failures.push(format!("{}: a bad case produced no {code} finding", case.display()));
        }
        if name.starts_with("good") && count != 0 {
            failures.push(format!("{}: a good case produced findings:\n{actual}", case.display()));
        }
        let expected_path = case.join("expected.txt");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "{}: output differs from expected.txt\n--- expected\n{expected}\n--- actual\n{actual}",
                case.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// How a guarded run ended and what it printed, byte for byte.
pub struct Guarded {
    pub status: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The process's peak resident memory in KiB, sampled while it ran (0 where /proc does
    /// not say).
    pub peak_kib: u64,
}

/// Runs `command` with no standard input, `stdout` as its standard output and its standard
/// error piped. Both pipes are drained while it runs, so a large output cannot block it; it
/// is killed, and the test fails, if it outlives `guard`.
pub fn run_guarded(mut command: Command, stdout: Stdio, guard: Duration) -> Guarded {
    let mut child =
        command.stdin(Stdio::null()).stdout(stdout).stderr(Stdio::piped()).spawn().expect("the command starts");
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        pipe.map(|mut pipe| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                bytes
            })
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let start = Instant::now();
    let mut peak_kib = 0;
    let status = loop {
        // Sampled before the exit is collected: a high-water mark only grows.
        peak_kib = peak_kib.max(high_water_kib(child.id()));
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > guard {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} did not finish within {guard:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let joined = |t: Option<std::thread::JoinHandle<Vec<u8>>>| t.map(|t| t.join().unwrap()).unwrap_or_default();
    Guarded { status: status.code(), stdout: joined(out), stderr: joined(err), peak_kib }
}

/// A process's peak resident memory so far, in KiB (0 where /proc does not say).
fn high_water_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or("");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// Runs git in `dir`, isolated from this machine's configuration, with an identity for
/// commits; its standard output. Fails the test when git does.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=iamlint", "-c", "user.email=dev@iamlint.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}
