//! The command line (docs/cli.md). Exit status: 0 nothing at or above `--fail-on`, 1 findings,
//! 2 iamlint could not do its job.

mod access;
mod access_diff;
mod command_word;
mod man;
mod output;
mod show_fixes;
mod statistics;
mod stdin;
mod tools;

use clap::builder::RangedU64ValueParser;
use clap::{Parser, Subcommand, ValueEnum};
use iamlint::catalogue::Catalogue;
use iamlint::config::{self, Config};
use iamlint::finding::Severity;
use iamlint::frontend::FileKind;
use iamlint::lint::{Options, Overrides};
use iamlint::render::{self, OutputFormat, RenderOptions};
use iamlint::review;
use iamlint::rules::FixAvailability;
use iamlint::select::{parse_list, Selection};
use iamlint::source::Reading;
use std::io::Write;
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
    /// Serve the Language Server Protocol on stdin and stdout, for editors
    Server,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or folders to lint; `-` reads one file from standard input
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// With `-`: lint standard input as this file of the workspace (which need not exist on
    /// disk yet); `--fix` then prints the fixed text and writes nothing. Without it, standard
    /// input is a lone YAML or JSON manifest named `-`
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Write the report (of `--format`) to this file instead of standard output, whole or not
    /// at all; a one-line summary still goes to standard error (not with `-q`)
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Also write a report in another format to a file, e.g. `sarif=iamlint.sarif`
    /// (repeatable: `--output-format sarif=iamlint.sarif --output-format markdown=summary.md`)
    #[arg(long = "output-format", value_name = "FORMAT=FILE", value_parser = output::parse_extra)]
    pub output_formats: Vec<output::Extra>,
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
    /// The longest token lifetime accepted (IAM202), as an ISO 8601 duration, at most P36500D
    /// [default: the configuration's max-token-age, else P90D]
    #[arg(long)]
    pub max_token_age: Option<String>,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// List on stderr which files were linted (and read as what) and which were skipped as
    /// not IAM (and why)
    #[arg(long)]
    pub show_files: bool,
    /// Print the findings only: no summary line on stderr
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Exit 0 even when findings are reported (status 2 still means iamlint failed)
    #[arg(long)]
    pub exit_zero: bool,
    /// Print a count per rule (count, code, name, whether --fix fixes them) instead of the
    /// findings; a JSON array with --format json
    #[arg(long)]
    pub statistics: bool,
    /// Apply the fixes in place, then report what remains
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// With --fix, list on standard error what was fixed: per file, how many of each rule
    #[arg(long, requires = "fix")]
    pub show_fixes: bool,
    /// Print the fixes as a unified diff and change nothing (exit 1 when there is a fix)
    #[arg(long)]
    pub diff: bool,
    /// With --fix or --diff, also apply the unsafe fixes: renames, removed fields, shorter
    /// token lifetimes, permission migrations (they can change who exists or what is granted)
    #[arg(long)]
    pub unsafe_fixes: bool,
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
    /// One configuration file for every file (default: each file's nearest .iamlint.yaml, up to
    /// the repository root)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Files larger than this many bytes are skipped unread (check reports each, IAM001) [default:
    /// the configuration's max-file-size, else 16777216; 1 to 1073741824]
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..=config::MAX_FILE_SIZE))]
    pub max_file_size: Option<u64>,
    /// Deepest YAML/JSON nesting parsed, aliases included; deeper files are skipped (check
    /// reports each, IAM001) [default: the configuration's max-yaml-depth, else 256; 1 to 1000]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=config::MAX_YAML_DEPTH))]
    pub max_yaml_depth: Option<u64>,
    /// Worker threads [default: one per core; 1 to 256]
    #[arg(long, short = 'j', value_parser = RangedU64ValueParser::<usize>::new().range(1..=MAX_THREADS))]
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
    fn options(&self, config: &Config, paths: Vec<PathBuf>, catalogue: Catalogue) -> Result<Options, i32> {
        // rayon reads RAYON_NUM_THREADS unbounded (100000 started 15,000 threads that spun
        // for minutes): the variable gets --threads' bound.
        let from_env = || {
            let n = std::env::var("RAYON_NUM_THREADS").ok()?.trim().parse::<usize>().ok()?;
            (n > 0).then(|| n.min(MAX_THREADS as usize))
        };
        if let Some(n) = self.threads.or_else(from_env) {
            if rayon::ThreadPoolBuilder::new().num_threads(n).build_global().is_err() {
                return Err(fail("cannot start worker threads"));
            }
        }
        let mut options =
            Options { var_files: self.var_files.clone(), ..Options::from_config(config, paths, catalogue) };
        // Flags win over the configuration; both are bounded where they are read (clap,
        // the configuration parser).
        if let Some(size) = self.max_file_size {
            options.max_file_size = size;
        };
        if let Some(depth) = self.max_yaml_depth {
            options.max_yaml_depth = depth as usize;
            options.suppress.yaml_limits = options.yaml_limits();
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

/// More worker threads than cores only cost: idle rayon workers spin before they sleep, and
/// on 2 cores 512 of them took 7 s for what 1 thread does in 0.1 s (256: 0.6 s).
const MAX_THREADS: u64 = 256;

const SUBCOMMANDS: [&str; 9] =
    ["check", "rules", "explain", "help", "access", "config", "completions", "man", "server"];

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
            return match e.print() {
                // --help and --version are reports too.
                Err(w) if !e.use_stderr() && w.kind() != std::io::ErrorKind::BrokenPipe => {
                    fail(&render::Error::Write(w).to_string())
                }
                _ if e.use_stderr() => 2,
                _ => 0,
            };
        }
    };
    match cli.command {
        Command::Check(args) => check(*args),
        Command::Rules(args) => tools::rules(args),
        Command::Config(args) => tools::config(args),
        Command::Completions { shell } => tools::completions(shell),
        Command::Man(args) => man::run(args),
        Command::Explain { rule, rules } => match load_catalogue(&rules) {
            Err(status) => status,
            Ok(catalogue) => match catalogue.find(&rule) {
                Some(entry) => printed(print(&render::escape::lines(&iamlint::catalogue::explain(entry)))),
                None => fail(&format!("unknown rule `{rule}`; `iamlint rules` lists them")),
            },
        },
        Command::Access(args) => access::run(args),
        Command::Server => match iamlint::server::stdio() {
            Ok(()) => 0,
            Err(e) => fail(&e),
        },
    }
}

/// The rules of this run: the built-in ones and the policies under `paths`.
fn load_catalogue(paths: &[PathBuf]) -> Result<Catalogue, i32> {
    Catalogue::load(paths).map_err(|e| {
        for error in &e.errors {
            note(&format!("error: {error}"));
        }
        2
    })
}

/// Says what a run did not cover: files named that iamlint does not read (a note), and
/// what it could not read (errors). Whether the run must fail (status 2).
fn report_coverage(coverage: &iamlint::discover::Coverage) -> bool {
    if !coverage.foreign.is_empty() {
        const SHOWN: usize = 5;
        let mut names: Vec<String> =
            coverage.foreign.iter().take(SHOWN).map(|p| format!("`{}`", p.display())).collect();
        if coverage.foreign.len() > SHOWN {
            names.push(format!("and {} more", coverage.foreign.len() - SHOWN));
        }
        let count = coverage.foreign.len();
        let (noun, verb) = if count == 1 { ("file", "is") } else { ("files", "are") };
        note(&format!("note: {count} named {noun} {verb} of no kind iamlint reads, not checked: {}", names.join(", ")));
    }
    for unfollowed in &coverage.unfollowed {
        note(&format!("note: {unfollowed}; not read"));
    }
    for problem in &coverage.problems {
        note(&format!("error: {problem}"));
    }
    !coverage.problems.is_empty()
}

fn fail(message: &str) -> i32 {
    note(&format!("error: {message}"));
    2
}

/// A line on standard error; a closed pipe (`iamlint ... 2>&1 | head`) is no reason to
/// panic, as `eprintln!` would. Names and paths in it are escaped, as in every report.
fn note(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", render::escape::lines(line));
}

/// Writes a report to standard output through a buffer, so that `write` can stream it. A
/// report that cannot be written whole (a full disk) fails the run: exit status 2 with a
/// message, never a panic or a silently cut report. A reader that went away (`| head`)
/// ends it quietly, as with other command-line tools: it asked for no more.
fn emit(write: impl FnOnce(&mut dyn Write) -> Result<(), render::Error>) -> Result<(), i32> {
    emit_to(std::io::stdout().lock(), write)
}

/// `emit` to `target` (standard error, when standard output holds a fixed buffer).
fn emit_to(target: impl Write, write: impl FnOnce(&mut dyn Write) -> Result<(), render::Error>) -> Result<(), i32> {
    let mut out = std::io::BufWriter::new(target);
    let written = write(&mut out).and_then(|()| out.flush().map_err(render::Error::Write));
    match written {
        Err(render::Error::Write(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(fail(&e.to_string())),
        Ok(()) => Ok(()),
    }
}

fn print(text: &str) -> Result<(), i32> {
    emit(|out| out.write_all(text.as_bytes()).map_err(render::Error::Write))
}

/// The exit status of a command whose last act is printing its report.
fn printed(result: Result<(), i32>) -> i32 {
    result.err().unwrap_or(0)
}

fn check(mut args: CheckArgs) -> i32 {
    let from_stdin = match stdin::requested(&args.paths, args.stdin_filename.as_deref()) {
        Ok(requested) => requested,
        Err(status) => return status,
    };
    if from_stdin {
        args.paths = stdin::paths(args.stdin_filename.as_deref());
    }
    let config = match args.input.config(&args.paths) {
        Ok(c) => c,
        Err(status) => return status,
    };
    // Policies are in the catalogue before any selector is checked (`--select ORG001`).
    let mut rules_dirs = args.rules.clone();
    rules_dirs.extend(config.rules_dir.clone());
    // What configures a run is never a report's place: the next run would fail on it.
    let settings: Vec<PathBuf> = config.file.iter().chain(&rules_dirs).cloned().collect();
    let catalogue = match load_catalogue(&rules_dirs) {
        Ok(c) => c,
        Err(status) => return status,
    };
    if let Err(e) = config.verify_rules(&catalogue) {
        return fail(&e);
    }
    // Command-line flags override every configuration: --select replaces its selection,
    // --extend-select and --ignore add to it.
    let max_token_age = match &args.max_token_age {
        None => None,
        Some(text) => match iamlint::duration::setting(text) {
            Ok(d) => Some(d),
            Err(reason) => return fail(&format!("--max-token-age: {reason}")),
        },
    };
    let overrides = Overrides {
        select: args.select.map(|select| select.iter().flat_map(|s| parse_list(s)).collect()),
        extend_select: args.extend_select,
        ignore: args.ignore,
        max_token_age,
    };
    let options = match args.input.options(&config, args.paths, catalogue) {
        Ok(o) => o.with_overrides(overrides),
        Err(status) => return status,
    };
    // From here on, `--fix` of standard input prints the buffer whatever happens: an editor
    // replaces its buffer with standard output.
    let buffer = match from_stdin {
        true => match stdin::Buffer::read(options.max_file_size) {
            Ok(b) => Some(b),
            Err(status) => return status,
        },
        false => None,
    };
    let echoed = buffer.as_ref().filter(|_| args.fix && !args.diff);
    let refuse = |status: i32| match echoed.map(stdin::Buffer::echo) {
        Some(Err(failed)) => failed,
        _ => status,
    };
    let options = match &buffer {
        Some(buffer) => match stdin::read_into(options, args.stdin_filename.as_deref(), buffer) {
            Ok(o) => o,
            Err(status) => return refuse(status),
        },
        None => options,
    };
    if let Err(e) = options.selection.validate(&options.catalogue) {
        return refuse(fail(&e));
    }
    // `--diff` and `--write-baseline` give a patch or a baseline, not findings: a report of
    // findings asked beside them would silently not be written.
    if (args.diff || args.write_baseline.is_some()) && !args.output_formats.is_empty() {
        let mode = if args.diff { "--diff" } else { "--write-baseline" };
        return fail(&format!("--output-format writes reports of findings, which {mode} does not give; run it apart"));
    }
    let mut written: Vec<(String, &std::path::Path)> = Vec::new();
    written.extend(args.output_file.as_deref().map(|f| ("--output-file".to_string(), f)));
    for extra in &args.output_formats {
        written.push((format!("--output-format {}={}", extra.format.name(), extra.file.display()), &extra.file));
    }
    written.extend(args.write_baseline.as_deref().map(|f| ("--write-baseline".to_string(), f)));
    if let Err(e) = output::same_file_twice(&written).and_then(|()| output::no_setting_overwritten(&written, &settings))
    {
        return fail(&e);
    }
    let reports = written.iter().filter(|(flag, _)| flag != "--write-baseline").map(|(_, f)| f.to_path_buf()).collect();
    let plan = review::Plan {
        fix: args.fix,
        diff: args.diff,
        unsafe_fixes: args.unsafe_fixes,
        baseline: args.baseline,
        write_baseline: args.write_baseline,
        changed_since: args.changed_since,
        reports,
    };
    let report = match review::run(&options, &plan) {
        Ok(r) => r,
        Err(e) => return refuse(fail(&e)),
    };
    for warning in options.nested.iter().flat_map(|n| n.warnings()) {
        note(&format!("warning: {warning}"));
    }
    for note in &report.notes {
        self::note(note);
    }
    if args.show_fixes {
        note(&show_fixes::list(&report.fixed, &options.catalogue));
    }
    if let Some(diff) = &report.diff {
        // `--output-file` holds the diff, as it holds any report: a job uploads it as a patch.
        let written = match &args.output_file {
            Some(path) => output::write_file(path, |out| out.write_all(diff.as_bytes()).map_err(render::Error::Write))
                .map_err(|e| fail(&e)),
            None => print(diff),
        };
        if let Err(status) = written {
            return status;
        }
    }
    // Standard input fixed: standard output is the text, fixed or as read, and the report
    // goes beside it.
    let report_to_stderr = echoed.is_some();
    let printed = match (&report.fixed_buffer, echoed) {
        (Some(fixed), _) => print(fixed),
        (None, Some(buffer)) => buffer.echo(),
        (None, None) => Ok(()),
    };
    if let Err(status) = printed {
        return status;
    }
    // Report only: findings never fail the run; a failure of iamlint's own still does.
    let findings_status = |status: i32| if args.exit_zero && status == 1 { 0 } else { status };
    if let Some(status) = report.status {
        // The fixes and the baseline cover what was read; what was not still fails the run.
        return if report_coverage(&report.outcome.coverage) { 2 } else { findings_status(status) };
    }
    let outcome = report.outcome;
    // Colour and wrapping are for a terminal: a report in a file has neither.
    let to_terminal = args.output_file.is_none() && output::stdout_is_terminal();
    let render_options = RenderOptions {
        color: args.output_file.is_none() && output::color(args.color, to_terminal),
        files: outcome.files,
        catalogue: &options.catalogue,
        width: output::width(to_terminal),
        hidden: report.hidden,
    };
    let main = |out: &mut dyn Write| {
        if args.statistics {
            let json = args.format == OutputFormat::Json;
            statistics::write(&outcome.findings, &options.catalogue, json, out)
        } else {
            render::write(args.format, &outcome.ws, &outcome.findings, &render_options, out)
        }
    };
    // Every report is attempted, so one unwritable file does not cost the others.
    let mut unwritten = false;
    match &args.output_file {
        None => {
            let written = if report_to_stderr { emit_to(std::io::stderr().lock(), main) } else { emit(main) };
            if let Err(status) = written {
                return status;
            }
        }
        Some(path) => {
            if let Err(e) = output::write_file(path, main) {
                unwritten = true;
                note(&format!("error: {e}"));
            }
        }
    }
    let plain = RenderOptions { color: false, width: None, ..render_options };
    for extra in &args.output_formats {
        let written = output::write_file(&extra.file, |out| {
            render::write(extra.format, &outcome.ws, &outcome.findings, &plain, out)
        });
        if let Err(e) = written {
            unwritten = true;
            note(&format!("error: {e}"));
        }
    }
    // "All checks passed" would be false when something could not be read: the errors
    // that follow say what.
    let incomplete = !outcome.coverage.problems.is_empty();
    if args.show_files {
        note(&files_read(&outcome));
    }
    let skipped =
        outcome.ws.sources.iter().filter(|(_, f)| f.reported && matches!(f.reading, Reading::Skipped(_))).count();
    // A report for people ends with the summary; so does a run whose reports went to files,
    // whose log would otherwise be empty.
    let for_people = matches!(args.format, OutputFormat::Human | OutputFormat::Concise) && args.output_file.is_none();
    let to_files = args.output_file.is_some() || !args.output_formats.is_empty();
    if (for_people || to_files) && !args.quiet && !(incomplete && outcome.findings.is_empty()) {
        let files = outcome.files - skipped;
        note(&render::summary(&outcome.findings, files, skipped, &plain.hidden, &options.catalogue));
    }
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    let status = findings_status(i32::from(outcome.findings.iter().any(|f| f.severity >= threshold)));
    // After the findings and the summary, so the reason for status 2 is the last thing said.
    let status = if report_coverage(&outcome.coverage) || unwritten { 2 } else { status };
    // The process exits next: freeing a large workspace object by object only costs time.
    std::mem::forget(outcome);
    status
}

/// `--show-files`: every file reported on, linted (read as what) or skipped (and why).
fn files_read(outcome: &iamlint::lint::Outcome) -> String {
    let mut out = String::from("Files:");
    for (c, (_, file)) in outcome.candidates.iter().zip(outcome.ws.sources.iter()) {
        if !c.reported {
            continue;
        }
        let line = match file.reading {
            Reading::Skipped(why) => format!("\n  skipped  {}: not IAM, {why}", c.display),
            Reading::As(what) => format!("\n  linted   {} ({what})", c.display),
            Reading::ByName => {
                let what = match c.kind {
                    FileKind::Terraform => "Terraform",
                    FileKind::TerraformJson => "Terraform JSON",
                    FileKind::TerraformVars => "Terraform variables",
                    FileKind::Workflow => "CI workflow, scanned for credentials",
                    FileKind::Script => "script, scanned for credentials",
                    FileKind::Yaml | FileKind::Json => "unreadable",
                };
                format!("\n  linted   {} ({what})", c.display)
            }
        };
        out.push_str(&line);
    }
    out
}

/// The rule table, with each rule's severity and on/off as `selection` sets them.
pub fn rules_table(catalogue: &Catalogue, selection: &Selection) -> String {
    let mut out = format!("{:<8} {:<38} {:<8} {:<4} {}\n", "CODE", "NAME", "SEVERITY", "ON", "FIX");
    for r in catalogue.rules() {
        // A policy is marked with the file that defines it.
        let fix = match r.meta.safety.filter(|_| r.meta.fix != FixAvailability::None) {
            Some(safety) => format!("{} {}", fix_word(r.meta.fix), safety.as_str()),
            None => fix_word(r.meta.fix).to_string(),
        };
        let fix = match r.policy() {
            Some(p) => format!("{fix:<11} policy {}", render::escape::line(&p.source.path)),
            None => fix,
        };
        out.push_str(&format!(
            "{:<8} {:<38} {:<8} {:<4} {}\n",
            r.code,
            render::escape::line(&r.meta.name),
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
