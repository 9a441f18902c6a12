//! A real editor as the client: Neovim, headless, with its built-in LSP client, opens a
//! file of a repository and prints the diagnostics `iamlint server` sent it. `.ci/run`
//! installs Neovim; without it the test fails under CI and is skipped elsewhere.

use crate::common::{repo_root, require, run_guarded, write};
use crate::server::{repository, ROLES};
use std::process::{Command, Stdio};
use std::time::Duration;

fn nvim() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("nvim")).find(|p| p.is_file())
}

#[test]
fn neovim_shows_the_servers_diagnostics_including_cross_file_ones() {
    let Some(nvim) = require(nvim(), "nvim is not installed; `.ci/run` installs it (apt-get install neovim)") else {
        return;
    };
    let dir = repository();
    write(dir.path(), "iam/roles.yaml", &ROLES.replace("[VIEW, LIST]", "[VIEW, LIST, MANAGE_MEMBERS]"));
    let out = dir.path().join("diagnostics.txt");
    let mut command = Command::new(nvim);
    command
        .args(["--headless", "-n", "-i", "NONE", "-u", "NONE", "-c"])
        .arg(format!("luafile {}", repo_root().join("tests/it/nvim/diagnostics.lua").display()))
        .current_dir(dir.path())
        .env("IAMLINT_BIN", env!("CARGO_BIN_EXE_iamlint"))
        .env("IAMLINT_FILE", "iam/accounts.yaml")
        .env("IAMLINT_OUT", &out);
    let run = run_guarded(command, Stdio::null(), Duration::from_secs(90));
    assert_eq!(run.status, Some(0), "nvim: {}", String::from_utf8_lossy(&run.stderr));
    let printed = std::fs::read_to_string(&out).expect("the script wrote the diagnostics");
    let mut lines: Vec<&str> = printed.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "3:5 IAM303 service account `onboarding-bot` can change IAM (GROUP: MANAGE_MEMBERS): it can grant itself more [iam-escalation]",
            "7:9 IAM205 API token `nightly-sync` belongs to service account `onboarding-bot`, which can change IAM and grant itself more: the token carries all its rights [privileged-token]",
            "9:17 IAM204 max age `30d` is not an ISO 8601 duration [invalid-duration]",
        ],
        "{printed}"
    );
}
