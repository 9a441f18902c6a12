//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

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
