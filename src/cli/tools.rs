//! The commands around linting: the rule list, the configuration and its schema, and shell
//! completions (generated from the clap definitions; the manual pages are in `man.rs`).

use super::{fail, fix_word, load_catalogue, print, printed, rules_table, Cli};
use clap::CommandFactory;
use iamlint::catalogue::Catalogue;
use iamlint::config::Config;
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
    /// Configuration file (default: the nearest .iamlint.yaml from the current folder up)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Also list the organisation policies in this folder or file (repeatable)
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ConfigArgs {
    /// Print the JSON Schema of .iamlint.yaml (for editors) instead
    #[arg(long)]
    pub schema: bool,
    /// Configuration file (default: the nearest .iamlint.yaml from PATH up)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The file or folder whose configuration to show: every value in effect there, and where
    /// each comes from
    #[arg(default_value = ".")]
    pub path: PathBuf,
}

pub fn rules(args: RulesArgs) -> i32 {
    let config = match Config::load(args.config.as_deref(), &[PathBuf::from(".")]) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let mut policies = args.rules;
    policies.extend(config.rules_dir.clone());
    let catalogue = match load_catalogue(&policies) {
        Ok(c) => c,
        Err(status) => return status,
    };
    if let Err(e) = config.verify_rules(&catalogue) {
        return fail(&e);
    }
    let selection = config.selection();
    printed(match args.format {
        RulesFormat::Table => print(&rules_table(&catalogue, &selection)),
        RulesFormat::Json => {
            let list: Vec<_> = catalogue
                .rules()
                .iter()
                .map(|r| {
                    json!({
                        "code": r.code,
                        "name": r.meta.name,
                        "severity": selection.severity(r).as_str(),
                        "default_severity": r.meta.severity.as_str(),
                        "enabled": selection.enabled(r),
                        "enabled_by_default": r.meta.enabled,
                        "fix": fix_word(r.meta.fix),
                        "fix_safety": r.meta.safety.map(|s| s.as_str()),
                        "summary": r.meta.docs.summary.trim(),
                        "help_uri": iamlint::render::help_uri(&r.code),
                    })
                })
                .collect();
            print(&format!("{}\n", serde_json::to_string_pretty(&list).expect("rules serialize")))
        }
    })
}

pub fn config(args: ConfigArgs) -> i32 {
    if args.schema {
        return printed(print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&iamlint::config::schema()).expect("schema serializes")
        )));
    }
    let (workspace, config) = match effective(args.config.as_deref(), &args.path) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    // Policies are read to tell whether a rule name is one of theirs, and to list them;
    // a policy folder that cannot be read fails only a configuration that names its rules.
    let policies: Vec<PathBuf> = workspace.rules_dir.clone().into_iter().collect();
    let named_policies = !workspace.unverified_rules.is_empty() || !config.unverified_rules.is_empty();
    let catalogue = match named_policies {
        true => match load_catalogue(&policies) {
            Ok(c) => c,
            Err(status) => return status,
        },
        false => Catalogue::load(&policies).unwrap_or_else(|_| Catalogue::builtin()),
    };
    for c in [&workspace, &config] {
        if let Err(e) = c.verify_rules(&catalogue) {
            return fail(&e);
        }
    }
    let defaults = iamlint::lint::Options::default();
    let selection = config.selection();
    let globs = |g: &[iamlint::config::PathGlob]| g.iter().map(|g| g.pattern.clone()).collect::<Vec<_>>();
    // Each key from the configuration that decides it for PATH: per-file keys from the
    // nearest, workspace-wide ones from the run's.
    let sources: serde_json::Map<String, serde_json::Value> = iamlint::config::KEYS
        .iter()
        .map(|k| {
            let from = if k.workspace { &workspace } else { &config };
            let source = from
                .set
                .get(k.name)
                .map_or("default".to_string(), |o| format!("{}:{}", iamlint::config::shown(&o.file), o.line));
            (k.name.to_string(), json!(source))
        })
        .collect();
    let shown = json!({
        "file": config.file.as_ref().map(|f| iamlint::config::shown(f)),
        "workspace-file": workspace.file.as_ref().map(|f| iamlint::config::shown(f)),
        "select": config.select,
        "extend-select": config.extend_select,
        "ignore": config.ignore,
        "enabled": catalogue.rules().iter().filter(|r| selection.enabled(r)).map(|r| r.code.clone()).collect::<Vec<_>>(),
        "severity": config.severity.iter().map(|(r, s)| (r.clone(), json!(s.as_str()))).collect::<serde_json::Map<_, _>>(),
        "per-file-ignores": config.per_file_ignores.iter().map(|p| (p.glob.pattern.clone(), json!(p.rules))).collect::<serde_json::Map<_, _>>(),
        "object-ignores": config.object_ignores.iter().map(|(a, r)| (a.clone(), json!(r))).collect::<serde_json::Map<_, _>>(),
        "max-token-age": config.max_token_age.unwrap_or(defaults.settings.max_token_age).to_iso(),
        "require-suppression-reason": config.require_suppression_reason,
        "unsuppressible": config.unsuppressible,
        "extend": config.extend.as_ref().map(|f| iamlint::config::shown(f)),
        "include": globs(&workspace.include),
        "exclude": globs(&workspace.exclude),
        "rules-dir": workspace.rules_dir.as_ref().map(|d| d.display().to_string()),
        "max-file-size": workspace.max_file_size.unwrap_or(defaults.max_file_size),
        "max-yaml-depth": workspace.max_yaml_depth.unwrap_or(defaults.max_yaml_depth),
        "deployments": workspace.deployments.iter().map(|d| d.name.clone()).collect::<Vec<_>>(),
        "sources": sources,
    });
    printed(print(&format!("{}\n", serde_json::to_string_pretty(&shown).expect("configuration serializes"))))
}

/// The configurations `iamlint check` applies to the files at `path`: the run's (from the
/// current folder, as `iamlint check` with no path finds it, when `path` lies below it;
/// else `path`'s own) and the one nearest to `path` (the same, unless a nested
/// configuration governs `path`).
fn effective(explicit: Option<&Path>, path: &Path) -> Result<(Config, Config), String> {
    if explicit.is_some() {
        let config = Config::load(explicit, &[path.to_path_buf()])?;
        return Ok((config.clone(), config));
    }
    let inside = path.is_relative() && !path.components().any(|c| c == std::path::Component::ParentDir);
    let from = if inside { PathBuf::from(".") } else { path.to_path_buf() };
    let workspace = Config::load(None, &[from])?;
    let mut nested = iamlint::config::nested(&workspace, std::iter::once(path)).map_err(|e| e.to_string())?;
    let config = if nested.configs.is_empty() { workspace.clone() } else { nested.configs.remove(0) };
    Ok((workspace, config))
}

pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "iamlint", &mut out);
    printed(print(&String::from_utf8_lossy(&out)))
}
