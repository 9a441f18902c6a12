//! `iamlint access [PATHS]`: the effective permissions of every service account and user,
//! by namespace, with the roles and groups they come from and the tokens that carry them.
//! A table for people, `--format json` for scripts; both sorted, so output is stable.

use iamlint::access::report::{report, Report};
use iamlint::lint;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct AccessArgs {
    /// Files or folders to read
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = AccessFormat::Table)]
    pub format: AccessFormat,
    /// Compare with the workspace at a git revision: what each principal gains and loses
    #[arg(long, value_name = "REF")]
    pub diff: Option<String>,
    #[command(flatten)]
    pub input: super::InputArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AccessFormat {
    Table,
    Json,
    /// With `--diff`: a table per principal, for a pull-request comment or a job summary
    Markdown,
}

pub fn run(args: AccessArgs) -> i32 {
    // The workspace `check` would read: the same configuration, include/exclude, limits
    // and var files.
    let options = match args
        .input
        .config(&args.paths)
        .and_then(|c| args.input.options(&c, args.paths.clone(), iamlint::catalogue::Catalogue::builtin()))
    {
        // Nested configurations change what is reported, never the model access is read
        // from: not looked for.
        Ok(o) => iamlint::lint::Options { nested: None, ..o },
        Err(status) => return status,
    };
    if let Some(reference) = &args.diff {
        return super::access_diff::run(&options, reference, args.format);
    }
    if args.format == AccessFormat::Markdown {
        return super::fail("`--format markdown` is for `iamlint access --diff REF`");
    }
    let (ws, coverage) = match lint::load_workspace(&options) {
        Ok((_, _, ws, coverage)) => (ws, coverage),
        Err(e) => return super::fail(&e.to_string()),
    };
    let report = report(&ws);
    let text = match args.format {
        AccessFormat::Json => {
            let mut t = serde_json::to_string_pretty(&report).expect("access report serializes");
            t.push('\n');
            iamlint::render::escape::json(&t).into_owned()
        }
        AccessFormat::Table | AccessFormat::Markdown => table(&report),
    };
    let status = super::printed(super::print(&text));
    // A report on part of the workspace is printed, but cannot pass for the whole.
    if super::report_coverage(&coverage) {
        return 2;
    }
    status
}

/// The table for people. Every name and path in it comes from the input, so each is
/// escaped (a name must not start a CI annotation or recolour the terminal), and columns
/// are padded by hand: `format!` widths stop at 65,535 and a namespace may be longer.
fn table(report: &Report) -> String {
    if report.principals.is_empty() {
        return "No service accounts or users found.\n".to_string();
    }
    let mut out = String::new();
    // Deployments are separate states, usually separate instances: each is shown apart.
    let mut deployments: Vec<&str> = report.principals.iter().filter_map(|e| e.deployment.as_deref()).collect();
    deployments.dedup();
    let headed = deployments.len() > 1;
    let mut shown: Option<Option<&str>> = None;
    for e in &report.principals {
        if headed && shown != Some(e.deployment.as_deref()) {
            match &e.deployment {
                Some(d) => out.push_str(&format!("deployment {}\n", esc(d))),
                None => out.push_str("manifests (every deployment)\n"),
            }
            shown = Some(e.deployment.as_deref());
        }
        let kind = if e.kind == "user" { "user" } else { "service account" };
        out.push_str(&format!("{kind} {}  (tenant {}, {}:{})\n", esc(&e.name), esc(&e.tenant), esc(&e.path), e.line));
        let groups = if e.groups.is_empty() { "none".to_string() } else { list(&e.groups, ", ") };
        out.push_str(&format!("  groups: {groups}\n"));
        let tokens: Vec<String> =
            e.tokens.iter().map(|t| format!("{} ({}:{})", esc(&t.name), esc(&t.path), t.line)).collect();
        out.push_str(&format!(
            "  tokens: {}\n",
            if tokens.is_empty() { "none".to_string() } else { tokens.join(", ") }
        ));
        if e.super_admin {
            out.push_str("  super admin: every permission, on every tenant\n");
        }
        if e.permissions.is_empty() && !e.super_admin {
            out.push_str("  no permissions\n");
        }
        if !e.permissions.is_empty() {
            let cells: Vec<[String; 4]> = e
                .permissions
                .iter()
                .map(|r| {
                    [
                        r.namespace.as_deref().map_or_else(|| "(tenant-wide)".into(), esc),
                        esc(&r.resource_type),
                        list(&r.actions, ", "),
                        list(&r.via, "; "),
                    ]
                })
                .collect();
            let header = ["NAMESPACE", "TYPE", "ACTIONS", "VIA"].map(String::from);
            let widths: Vec<usize> = (0..3)
                .map(|i| cells.iter().chain([&header]).map(|c| c[i].chars().count()).max().unwrap_or(0))
                .collect();
            for c in [&header].into_iter().chain(&cells) {
                out.push_str("  ");
                for i in 0..3 {
                    pad(&mut out, &c[i], widths[i]);
                    out.push_str("  ");
                }
                out.push_str(&c[3]);
                out.push('\n');
            }
        }
        for note in &e.unknown {
            out.push_str(&format!("  unknown: {}\n", esc(note)));
        }
        out.push('\n');
    }
    out
}

/// Input text as one line of the table.
pub(super) fn esc(s: &str) -> String {
    iamlint::render::escape::line(s).into_owned()
}

fn list(items: &[String], separator: &str) -> String {
    items.iter().map(|s| esc(s)).collect::<Vec<_>>().join(separator)
}

/// `text` left-aligned in `width` characters.
pub(super) fn pad(out: &mut String, text: &str, width: usize) {
    out.push_str(text);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(text.chars().count())));
}
