//! Where `check` writes its reports and how they look there: the main report to standard
//! output or `--output-file`, more reports with `--output-format FORMAT=FILE`; colour and
//! wrapping as the terminal, `--color` and the environment say.

use iamlint::render::{self, OutputFormat};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// `--output-format FORMAT=FILE`: one more report of the run.
#[derive(Clone, Debug)]
pub struct Extra {
    pub format: OutputFormat,
    pub file: PathBuf,
}

/// clap's parser for `FORMAT=FILE`.
pub fn parse_extra(value: &str) -> Result<Extra, String> {
    let Some((format, file)) = value.split_once('=') else {
        return Err(format!(
            "`{value}` is not FORMAT=FILE (e.g. sarif=iamlint.sarif); the main report's format is `--format`"
        ));
    };
    let format = <OutputFormat as clap::ValueEnum>::from_str(format, true).map_err(|_| {
        let names: Vec<String> = <OutputFormat as clap::ValueEnum>::value_variants().iter().map(|f| f.name()).collect();
        format!("`{format}` is not a format; one of: {}", names.join(", "))
    })?;
    if file.is_empty() {
        return Err(format!("`{value}` names no file"));
    }
    Ok(Extra { format, file: PathBuf::from(file) })
}

/// The files a run writes (`--output-file`, `--output-format`, `--write-baseline`), each
/// with the flag that names it. Two naming one file (whatever the spelling, or through a
/// link) would leave only the last: an error before anything is written.
pub fn same_file_twice(written: &[(String, &Path)]) -> Result<(), String> {
    for (i, (flag, path)) in written.iter().enumerate() {
        let target = iamlint::review::target(path);
        if let Some((other, _)) = written[..i].iter().find(|(_, p)| iamlint::review::target(p) == target) {
            return Err(format!("{other} and {flag} both write `{}`; name a file for each", path.display()));
        }
    }
    Ok(())
}

/// An error when one of `written` would replace what configures runs: a configuration file
/// (`.iamlint.yaml` anywhere, or the one `settings` names, with `--config`), a policy in a
/// rules folder of `settings`, or anything inside `.git`. Nothing is written then.
pub fn no_setting_overwritten(written: &[(String, &Path)], settings: &[PathBuf]) -> Result<(), String> {
    let settings: Vec<PathBuf> = settings.iter().map(|s| iamlint::review::target(s)).collect();
    for (flag, path) in written {
        let target = iamlint::review::target(path);
        let named = target.file_name().is_some_and(|n| n == ".iamlint.yaml" || n == ".iamlint.yml");
        let in_git = target.components().any(|c| c.as_os_str() == ".git");
        let configures = settings.iter().any(|s| target == *s || target.starts_with(s));
        if named || in_git || configures {
            return Err(format!(
                "{flag} would overwrite `{}`, which configures iamlint or git; nothing was written",
                render::escape::line(&path.display().to_string())
            ));
        }
    }
    Ok(())
}

/// Whether to colour: `--color always|never` first; then `NO_COLOR` (set and not empty:
/// no-color.org), which wins over `FORCE_COLOR` (force-color.org; `0` and `false` do not
/// force) and `CLICOLOR_FORCE` (bixense.com/clicolors; `0` does not force), as the
/// CLICOLOR convention ranks them; else colour only on a terminal.
pub fn color(choice: super::ColorChoice, to_terminal: bool) -> bool {
    let set = |value: Result<String, std::env::VarError>| value.ok().filter(|v| !v.is_empty());
    match choice {
        super::ColorChoice::Always => true,
        super::ColorChoice::Never => false,
        super::ColorChoice::Auto => {
            if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                return false;
            }
            let force_color = set(std::env::var("FORCE_COLOR"));
            let clicolor_force = set(std::env::var("CLICOLOR_FORCE"));
            let forced = force_color.is_some_and(|v| v != "0" && !v.eq_ignore_ascii_case("false"))
                || clicolor_force.is_some_and(|v| v != "0");
            forced || to_terminal
        }
    }
}

/// Where `human` wraps: a terminal's width (`COLUMNS`, else what the terminal says, else
/// 100); never anywhere else (a CI log, a pipe, a file).
pub fn width(to_terminal: bool) -> Option<usize> {
    if !to_terminal {
        return None;
    }
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|&c| c > 0);
    let measured = || terminal_size::terminal_size().map(|(w, _)| w.0 as usize);
    Some(columns.or_else(measured).unwrap_or(100))
}

/// Whether standard output is a terminal (the main report goes there).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Writes a report whole or not at all: into a temporary file beside `path`, renamed over
/// it once complete, so that a reader (an upload step) never sees half a report and a
/// failed run leaves the previous one. The error names the file.
pub fn write_file(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<(), render::Error>) -> Result<(), String> {
    let shown = render::escape::line(&path.to_string_lossy()).into_owned();
    let cannot = |e: &dyn std::fmt::Display| format!("cannot write the report `{shown}`: {e}");
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(cannot(&"it is a folder"));
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".iamlint-report");
    // Created as `File::create` would: a report replacing one keeps its mode, a new one gets
    // what the umask leaves of 0666 (a temporary file's own 0600 would hide it from the
    // other steps and people that read it; a forced 0644 would ignore the user's umask).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let kept = std::fs::metadata(path).ok().filter(std::fs::Metadata::is_file).map(|m| m.permissions());
        builder.permissions(kept.unwrap_or_else(|| std::fs::Permissions::from_mode(0o666)));
    }
    let mut file = builder.tempfile_in(dir).map_err(|e| cannot(&e))?;
    {
        let mut out = std::io::BufWriter::new(file.as_file_mut());
        let written = write(&mut out).and_then(|()| out.flush().map_err(render::Error::Write));
        written.map_err(|e| match e {
            render::Error::Write(e) => cannot(&e),
            other => other.to_string(),
        })?;
    }
    file.as_file().sync_all().map_err(|e| cannot(&e))?;
    file.persist(path).map_err(|e| cannot(&e.error))?;
    Ok(())
}
