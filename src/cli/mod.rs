//! The command line (SPEC 4). Exit status: 0 nothing at or above `--fail-on`, 1 findings,
//! 2 iamlint could not do its job.

mod access;
mod access_diff;
mod command_word;
mod man;
mod tools;

use crate::config::Config;
use crate::finding::Severity;
use crate::lint::Options;
use crate::render::{self, OutputFormat, RenderOptions};
use crate::review;
use crate::rules::{self, FixAvailability, Settings};
use crate::select::{parse_list, Selection};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "iamlint", version, about = "Lint Kestra service accounts, API tokens, groups, roles and bindings")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint a workspace (the default command)
    Check(Box<CheckArgs>),
    /// List every rule: code, name, severity, on/off (as configured), fixable
    Rules(tools::RulesArgs),
    /// Show a rule's documentation
    Explain {
        /// A rule code (IAM101) or name (service-account-name)
        rule: String,
        /// Also look among the organisation policies in this folder or file (repeatable)
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
    /// Effective permissions of every service account and user, by namespace
    Access(access::AccessArgs),
    /// Show the configuration in effect, or print the JSON Schema of .iamlint.yaml
    Config(tools::ConfigArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff): iamlint's, a subcommand's, or every page into a folder
    Man(man::ManArgs),
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or folders to lint
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub input: InputArgs,
    /// Rules to run instead of the defaults (codes, names or code prefixes, comma separated)
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Rules to run in addition to the selected ones (e.g. opt-in rules)
    #[arg(long, value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Rules not to run
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// The lowest severity that makes the exit status 1
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// The longest token lifetime accepted (IAM202), as an ISO 8601 duration [default: the
    /// configuration's max-token-age, else P90D]
    #[arg(long)]
    pub max_token_age: Option<String>,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Apply the fixes in place, then report what remains
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the fixes as a unified diff and change nothing (exit 1 when there is a fix)
    #[arg(long)]
    pub diff: bool,
    /// Report only findings not recorded in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and report nothing)
    #[arg(long, value_name = "FILE", conflicts_with = "diff")]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings on lines changed since this git ref (commit, branch, tag)
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Organisation policies: a folder of YAML rules, or one file (repeatable)
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

/// What to read and within which limits: shared by `check` and `access`, so that both see
/// one workspace.
#[derive(clap::Args, Debug)]
pub struct InputArgs {
    /// Configuration file (default: the nearest .iamlint.yaml from the paths up to the repository root)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Files larger than this many bytes are skipped unread (check reports each, IAM001) [default:
    /// the configuration's max-file-size, else 16777216]
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_file_size: Option<u64>,
    /// Deepest YAML/JSON nesting parsed, aliases included; deeper files are skipped (check
    /// reports each, IAM001) [default: the configuration's max-yaml-depth, else 256; at most 1000]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_YAML_DEPTH as u64))]
    pub max_yaml_depth: Option<u64>,
    /// Worker threads (default: one per core)
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// A Terraform variables file for the root modules, as `terraform -var-file` (repeatable;
    /// `terraform.tfvars` and `*.auto.tfvars` are always read)
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
}

impl InputArgs {
    /// The configuration in effect for `paths`: `--config`, else the nearest one.
    fn config(&self, paths: &[PathBuf]) -> Result<Config, i32> {
        Config::load(self.config.as_deref(), paths).map_err(|e| fail(&e))
    }

    /// Options that read `paths` as these flags and `config` say (flags win), and starts
    /// the worker threads.
    fn options(&self, config: &Config, paths: Vec<PathBuf>) -> Result<Options, i32> {
        if let Some(n) = self.threads {
            if rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().is_err() {
                return Err(fail("cannot start worker threads"));
            }
        }
        let mut options =
            Options { paths, filter: config.file_filter(), var_files: self.var_files.clone(), ..Options::default() };
        if let Some(size) = self.max_file_size.or(config.max_file_size) {
            options.max_file_size = size;
        };
        if let Some(depth) = self.max_yaml_depth.map(|d| d as usize).or(config.max_yaml_depth) {
            if depth > MAX_YAML_DEPTH {
                return Err(fail(&format!(
                    "max-yaml-depth {depth} is above the supported maximum of {MAX_YAML_DEPTH}"
                )));
            }
            options.max_yaml_depth = depth;
        }
        Ok(options)
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Parsed trees are walked recursively; this bound keeps them far from any thread's stack
/// limit whatever the option or configuration says.
const MAX_YAML_DEPTH: usize = 1000;

const SUBCOMMANDS: [&str; 8] = ["check", "rules", "explain", "help", "access", "config", "completions", "man"];

/// `iamlint PATHS...` means `iamlint check PATHS...`.
fn with_default_command(mut args: Vec<String>) -> Vec<String> {
    let first = args.get(1).map(String::as_str);
    let explicit = match first {
        None => false,
        Some(a) => SUBCOMMANDS.contains(&a) || matches!(a, "-h" | "--help" | "-V" | "--version"),
    };
    if !explicit {
        args.insert(1, "check".into());
    }
    args
}

pub fn main() -> i32 {
    let args: Vec<String> = std::env::args().collect();
    if let Some(status) = command_word::reject_unknown(&args) {
        return status;
    }
    let args = with_default_command(args);
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        Command::Check(args) => check(*args),
        Command::Rules(args) => tools::rules(args),
        Command::Config(args) => tools::config(args),
        Command::Completions { shell } => tools::completions(shell),
        Command::Man(args) => man::run(args),
        Command::Explain { rule, rules } => match install_policies(&rules).map(|()| rules::find(&rule)) {
            Err(status) => status,
            Ok(Some(entry)) => {
                print(&explain(entry));
                0
            }
            Ok(None) => fail(&format!("unknown rule `{rule}`; `iamlint rules` lists them")),
        },
        Command::Access(args) => access::run(args),
    }
}

/// Policies must join the catalogue before a rule is looked up (for `--select ORG001`).
fn install_policies(paths: &[PathBuf]) -> Result<(), i32> {
    crate::policy::install(paths).map_err(|e| {
        for error in &e.errors {
            note(&format!("error: {error}"));
        }
        2
    })
}

fn fail(message: &str) -> i32 {
    note(&format!("error: {message}"));
    2
}

/// A line on standard error; a closed pipe (`iamlint ... 2>&1 | head`) is no reason to
/// panic, as `eprintln!` would.
fn note(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`iamlint ... | head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn check(args: CheckArgs) -> i32 {
    let config = match args.input.config(&args.paths) {
        Ok(c) => c,
        Err(status) => return status,
    };
    // Policies join the rule catalogue before any selector is checked (`--select ORG001`).
    let mut rules_dirs = args.rules.clone();
    rules_dirs.extend(config.rules_dir.clone());
    if let Err(status) = install_policies(&rules_dirs) {
        return status;
    }
    if let Err(e) = config.verify_rules() {
        return fail(&e);
    }
    // Command-line flags override the configuration: --select replaces its selection,
    // --extend-select and --ignore add to it.
    let mut selection = config.selection();
    if let Some(select) = args.select {
        selection.select = Some(select.iter().flat_map(|s| parse_list(s)).collect());
    }
    selection.extend_select.extend(args.extend_select);
    selection.ignore.extend(args.ignore);
    if let Err(e) = selection.validate() {
        return fail(&e);
    }
    let max_token_age = match &args.max_token_age {
        None => config.max_token_age.unwrap_or(Settings::default().max_token_age),
        Some(text) => match crate::duration::parse(text) {
            Ok(d) if d.seconds > 0 => d,
            _ => return fail(&format!("--max-token-age `{text}` is not a positive duration such as P90D")),
        },
    };
    let options = match args.input.options(&config, args.paths) {
        Ok(o) => o,
        Err(status) => return status,
    };
    let options = Options {
        selection,
        settings: Settings { max_token_age },
        rules_dirs,
        suppress: crate::suppress::Options {
            require_reason: config.require_suppression_reason,
            unsuppressible: config.unsuppressible.clone(),
            today: None,
            yaml_limits: options.yaml_limits(),
        },
        ..options
    };
    let plan = review::Plan {
        fix: args.fix,
        diff: args.diff,
        baseline: args.baseline,
        write_baseline: args.write_baseline,
        changed_since: args.changed_since,
    };
    let report = match review::run(&options, &plan) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    for note in &report.notes {
        self::note(note);
    }
    if let Some(diff) = &report.diff {
        print(diff);
    }
    if let Some(status) = report.status {
        return status;
    }
    let outcome = report.outcome;
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let render_options = RenderOptions { color, files: outcome.files };
    print(&render::render(args.format, &outcome.ws, &outcome.findings, &render_options));
    if args.format == OutputFormat::Human {
        note(&render::summary(&outcome.findings, outcome.files));
    }
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    let status = i32::from(outcome.findings.iter().any(|f| f.severity >= threshold));
    // The process exits next: freeing a large workspace object by object only costs time.
    std::mem::forget(outcome);
    status
}

/// The rule table, with each rule's severity and on/off as `selection` sets them.
pub fn rules_table(selection: &Selection) -> String {
    let mut out = format!("{:<8} {:<38} {:<8} {:<4} {}\n", "CODE", "NAME", "SEVERITY", "ON", "FIX");
    for r in rules::all() {
        // A policy is marked with the file that defines it.
        let fix = match r.policy() {
            Some(p) => format!("{:<4} policy {}", fix_word(r.meta.fix), p.source.path),
            None => fix_word(r.meta.fix).to_string(),
        };
        out.push_str(&format!(
            "{:<8} {:<38} {:<8} {:<4} {}\n",
            r.code,
            r.meta.name,
            selection.severity(r).as_str(),
            if selection.enabled(r) { "on" } else { "off" },
            fix
        ));
    }
    out
}

fn fix_word(fix: FixAvailability) -> &'static str {
    match fix {
        FixAvailability::None => "-",
        FixAvailability::Always => "yes",
        FixAvailability::Sometimes => "some",
    }
}

pub fn explain(entry: &rules::RuleEntry) -> String {
    if let Some(policy) = entry.policy() {
        return crate::policy::explain(entry, policy);
    }
    let m = &entry.meta;
    let mut out = format!("# {} {}\n\n{}\n\n", m.code, m.name, m.summary);
    out.push_str(&format!(
        "Default severity: {}{}. Fix: {}.\n\n",
        m.severity.as_str(),
        if m.enabled { "" } else { " (opt-in: enable with --extend-select)" },
        match m.fix {
            FixAvailability::None => "none",
            FixAvailability::Always => "available",
            FixAvailability::Sometimes => "sometimes available",
        }
    ));
    out.push_str(&format!("## What it does\n\n{}\n\n## Why is this bad?\n\n{}\n\n", m.what.trim(), m.why.trim()));
    if let Some(bad) = &m.bad {
        out.push_str(&format!("## Example\n\n```{}\n{}\n```\n\n", fence(&bad.file), bad.source.trim_end()));
    }
    if let Some(good) = &m.good {
        out.push_str(&format!("## Use instead\n\n```{}\n{}\n```\n", fence(&good.file), good.source.trim_end()));
    }
    if let Some(notes) = &m.fix_notes {
        out.push_str(&format!("\n## Fix safety\n\n{}\n", notes.trim()));
    }
    if !m.references.is_empty() {
        out.push_str("\n## References\n\n");
        for r in &m.references {
            out.push_str(&format!("- {r}\n"));
        }
    }
    out
}

fn fence(file: &str) -> &'static str {
    crate::render::language(file)
}
