//! The commands around linting: the rule list, the configuration and its schema, and shell
//! completions (generated from the clap definitions; the manual pages are in `man.rs`).

use super::{fail, fix_word, load_catalogue, print, printed, rules_table, Cli};
use clap::CommandFactory;
use iamlint::config::Config;
use serde_json::json;
use std::path::PathBuf;

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
    /// Where to look for the configuration
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
    let config = match Config::load(args.config.as_deref(), std::slice::from_ref(&args.path)) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    // Policies are read only to tell whether a rule name is one of theirs.
    if !config.unverified_rules.is_empty() {
        let catalogue = match load_catalogue(config.rules_dir.as_slice()) {
            Ok(c) => c,
            Err(status) => return status,
        };
        if let Err(e) = config.verify_rules(&catalogue) {
            return fail(&e);
        }
    }
    let globs = |g: &[iamlint::config::PathGlob]| g.iter().map(|g| g.pattern.clone()).collect::<Vec<_>>();
    let shown = json!({
        "file": config.file.as_ref().map(|f| f.display().to_string()),
        "select": config.select,
        "extend-select": config.extend_select,
        "ignore": config.ignore,
        "severity": config.severity.iter().map(|(r, s)| (r.clone(), json!(s.as_str()))).collect::<serde_json::Map<_, _>>(),
        "per-file-ignores": config.per_file_ignores.iter().map(|p| (p.glob.pattern.clone(), json!(p.rules))).collect::<serde_json::Map<_, _>>(),
        "max-token-age": config.max_token_age.map(|d| d.to_iso()),
        "include": globs(&config.include),
        "exclude": globs(&config.exclude),
        "rules-dir": config.rules_dir.as_ref().map(|d| d.display().to_string()),
        "require-suppression-reason": config.require_suppression_reason,
        "unsuppressible": config.unsuppressible,
        "max-file-size": config.max_file_size,
        "max-yaml-depth": config.max_yaml_depth,
    });
    printed(print(&format!("{}\n", serde_json::to_string_pretty(&shown).expect("configuration serializes"))))
}

pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "iamlint", &mut out);
    printed(print(&String::from_utf8_lossy(&out)))
}
