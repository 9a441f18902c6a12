//! `iamlint man`: manual pages generated from the clap definitions (clap_mangen), one for
//! iamlint and one for each subcommand (`iamlint-check.1`, ...), with the sections clap
//! cannot know: EXIT STATUS, ENVIRONMENT, FILES and SEE ALSO.

use super::{fail, print, printed, Cli};
use clap::CommandFactory;
use clap_mangen::Man;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// The subcommand whose page to print (`check` prints iamlint-check(1)); default:
    /// iamlint(1)
    pub command: Option<String>,
    /// Write every page (iamlint.1, iamlint-check.1, ...) into this folder instead, and
    /// print their paths
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

pub fn run(args: ManArgs) -> i32 {
    let mut root = Cli::command().disable_help_subcommand(true);
    // Building names each subcommand as its page: display name iamlint-check, synopsis
    // `iamlint check`.
    root.build();
    let mut pages = vec![root.clone()];
    pages.extend(root.get_subcommands().cloned());
    if let Some(dir) = args.dir {
        for cmd in &pages {
            let path = dir.join(format!("{}.1", page_name(cmd)));
            if let Err(e) = std::fs::write(&path, page(cmd)) {
                return fail(&format!("cannot write {}: {e}", path.display()));
            }
            if let Err(status) = print(&format!("{}\n", path.display())) {
                return status;
            }
        }
        return 0;
    }
    let wanted = args.command.as_deref().unwrap_or("iamlint");
    match pages.iter().find(|c| c.get_name() == wanted) {
        Some(cmd) => printed(print(&String::from_utf8_lossy(&page(cmd)))),
        None => {
            let names = pages[1..].iter().map(|c| c.get_name());
            let hint = iamlint::suggest::closest(wanted, names).map(|s| format!(" (did you mean `{s}`?)"));
            fail(&format!(
                "no manual page for `{wanted}`{}; `iamlint --help` lists the subcommands",
                hint.unwrap_or_default()
            ))
        }
    }
}

/// `iamlint` or `iamlint-check`.
fn page_name(cmd: &clap::Command) -> &str {
    cmd.get_display_name().unwrap_or(cmd.get_name())
}

/// The page in roff: clap_mangen's sections in the usual order, this module's after OPTIONS.
fn page(cmd: &clap::Command) -> Vec<u8> {
    let man = Man::new(cmd.clone()).source(format!("iamlint {}", env!("CARGO_PKG_VERSION"))).manual("iamlint");
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        let _ = man.render_options_section(&mut out);
    }
    if cmd.has_subcommands() {
        let _ = man.render_subcommands_section(&mut out);
    }
    let command = cmd.get_name();
    section(&mut out, "EXIT STATUS", exit_status(command));
    section(&mut out, "ENVIRONMENT", &ENVIRONMENT.iter().map(|&(t, d)| (t, d)).collect::<Vec<_>>());
    let files: Vec<_> = FILES.iter().filter(|f| f.0.contains(&command)).map(|f| (f.1, f.2)).collect();
    if !files.is_empty() {
        section(&mut out, "FILES", &files);
    }
    if cmd.get_version().is_some() {
        let _ = man.render_version_section(&mut out);
    }
    let see_also = if command == "iamlint" {
        cmd.get_subcommands().map(|s| format!("iamlint-{}(1)", s.get_name())).collect::<Vec<_>>().join(", ")
    } else {
        "iamlint(1)".to_string()
    };
    let _ = writeln!(out, ".SH \"SEE ALSO\"\n{}", escape(&see_also));
    out
}

/// A section of tagged paragraphs.
fn section(out: &mut Vec<u8>, title: &str, entries: &[(&str, &str)]) {
    let _ = if title.contains(' ') { writeln!(out, ".SH \"{title}\"") } else { writeln!(out, ".SH {title}") };
    for (term, text) in entries {
        let _ = writeln!(out, ".TP\n\\fB{}\\fR\n{}", escape(term), escape(text));
    }
}

/// Text as roff reads it literally: backslashes escaped, `-` a hyphen-minus (so options
/// copy and paste), and no line read as a request.
fn escape(text: &str) -> String {
    let body = text.replace('\\', "\\e").replace('-', "\\-");
    body.lines()
        .map(|l| if l.starts_with(['.', '\'']) { format!("\\&{l}") } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
}

fn exit_status(command: &str) -> &'static [(&'static str, &'static str)] {
    const TOOL_FAILED: &str = "iamlint could not do its job: bad arguments or configuration, a malformed policy, \
         a path that does not exist or cannot be read, an unknown subcommand, an output it could not write.";
    match command {
        "iamlint" | "check" => &[
            ("0", "No finding at or above --fail-on (default: warning). --write-baseline exits 0 once the baseline is written."),
            ("1", "Findings at or above --fail-on; with --diff, there is a fix to show. A file that cannot be parsed or read is a finding (IAM001), not an error."),
            ("2", TOOL_FAILED),
        ],
        "access" => &[
            ("0", "The permissions, or with --diff the changes, were printed (changes are not a failure)."),
            ("2", "iamlint could not do its job: bad arguments or configuration, a path that does not exist, a revision git does not know, or --diff outside a git repository."),
        ],
        "server" => &[
            ("0", "The editor sent shutdown, then exit."),
            ("2", "The editor connection failed, or the editor sent exit without shutdown (or closed the connection)."),
        ],
        _ => &[("0", "Success."), ("2", TOOL_FAILED)],
    }
}

/// Every variable iamlint reads (tests/install.rs checks the sources against this list).
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "NO_COLOR",
        "Set and not empty: no colour with --color auto (the default), which colours only \
         when standard output is a terminal. It wins over FORCE_COLOR and CLICOLOR_FORCE.",
    ),
    (
        "FORCE_COLOR",
        "Set, not empty and not 0 or false: colour with --color auto even when standard \
         output is not a terminal (a CI log), unless NO_COLOR is set. Reports written to \
         files are never coloured.",
    ),
    ("CLICOLOR_FORCE", "Set, not empty and not 0: as FORCE_COLOR."),
    (
        "COLUMNS",
        "The width human output wraps at when standard output is a terminal (else the \
         terminal's width, else 100); output that is not a terminal is never wrapped.",
    ),
    (
        "RAYON_NUM_THREADS",
        "Without --threads, the number of worker threads that parse and lint (rayon's \
         variable; default: one per core; at most 256, as --threads).",
    ),
    (
        "GIT_DIR and git's other variables",
        "--changed-since and access --diff run git, which reads its environment as usual.",
    ),
    (
        "IAMLINT_NO_PREFILTER",
        "Set (to anything): parse every file, even those a byte search shows cannot hold \
         anything of Kestra (a check that the shortcut changes no finding; slower).",
    ),
    ("Other IAMLINT_* variables", "None: iamlint is configured by .iamlint.yaml and its flags only."),
];

/// (pages, file, what iamlint does with it).
const FILES: &[(&[&str], &str, &str)] = &[
    (
        &["iamlint", "check", "access", "rules", "config"],
        ".iamlint.yaml",
        "The configuration: the nearest one from the linted paths (the current folder for \
         rules and config) up to the repository root, the first folder holding .git. --config \
         FILE names another. Its JSON Schema: iamlint config --schema.",
    ),
    (
        &["iamlint", "check"],
        ".iamlint-baseline.json",
        "The usual name of a baseline: --write-baseline FILE records the current findings, \
         --baseline FILE reports only findings not in it.",
    ),
    (
        &["iamlint", "check", "rules", "explain"],
        "policies/*.yaml",
        "Organisation policies: the folder named by rules-dir in .iamlint.yaml or by --rules \
         DIR (each *.yaml and *.yml file directly in it).",
    ),
    (
        &["iamlint", "check", "access"],
        ".gitignore",
        "Honoured when iamlint looks for files; hidden files and folders are skipped except \
         .github/ and .gitlab-ci.yml, and .terraform/ always is.",
    ),
    (
        &["iamlint", "check", "access"],
        "terraform.tfvars, *.auto.tfvars",
        "Read for each Terraform root module (also as .json), before each --var-file FILE.",
    ),
];

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_keeps_text_literal() {
        assert_eq!(escape("--fail-on"), "\\-\\-fail\\-on");
        assert_eq!(escape("a\\b"), "a\\eb");
        assert_eq!(escape(".iamlint.yaml\n'quoted"), "\\&.iamlint.yaml\n\\&'quoted");
    }
}
