//! Reading `.iamlint.yaml` with the spanned YAML tree: every error carries the file, the
//! line and column, and the key at fault.

use super::{Config, ConfigError, PathGlob, PerFileIgnore, Shape, KEYS};
use crate::duration;
use crate::finding::Severity;
use crate::select::Selection;
use crate::source::SourceFile;
use crate::syntax::yaml::{self, Limits, Node};
use globset::Glob;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

struct Parser<'a> {
    file: &'a Path,
    source: SourceFile,
    /// For a configuration found in a repository: paths it names must resolve inside.
    repository: Option<&'a Path>,
}

impl Parser<'_> {
    fn error(&self, at: usize, key: &str, message: impl Into<String>) -> ConfigError {
        let p = self.source.position(at);
        ConfigError {
            file: self.file.to_path_buf(),
            line: p.line,
            column: p.column,
            key: key.to_string(),
            message: message.into(),
        }
    }

    fn string<'n>(&self, node: &'n Node, key: &str, what: &str) -> Result<&'n str, ConfigError> {
        match node {
            Node::Scalar(s) if !node.is_null() || s.quoted => Ok(&s.text),
            _ => Err(self.error(node.start(), key, format!("expected {what}, found {}", describe(node)))),
        }
    }

    fn list<'n>(&self, node: &'n Node, key: &str, what: &str) -> Result<Vec<(&'n str, usize)>, ConfigError> {
        match node {
            Node::Seq { items, .. } => {
                items.iter().map(|item| Ok((self.string(item, key, what)?, item.start()))).collect()
            }
            _ => Err(self.error(node.start(), key, format!("expected a list of {what}s, found {}", describe(node)))),
        }
    }

    fn rules(&self, config: &mut Config, node: &Node, key: &str) -> Result<Vec<String>, ConfigError> {
        let mut out = Vec::new();
        for (rule, at) in self.list(node, key, "rule")? {
            self.check_rule(config, rule, at, key);
            out.push(rule.to_string());
        }
        Ok(out)
    }

    /// A rule name no built-in rule answers to may be an organisation policy's, known only
    /// once the policies the configuration names are loaded: it is kept, with the error to
    /// report if it is not one (`Config::verify_rules`).
    fn check_rule(&self, config: &mut Config, rule: &str, at: usize, key: &str) {
        let probe = Selection { select: Some(vec![rule.to_string()]), ..Selection::default() };
        if let Err(e) = probe.validate_names(crate::rules::BUILTIN.iter().map(|(d, _)| (d.code, d.name))) {
            config.unverified_rules.push((rule.to_string(), self.error(at, key, e)));
        }
    }

    fn globs(&self, node: &Node, key: &str) -> Result<Vec<PathGlob>, ConfigError> {
        self.list(node, key, "glob")?.into_iter().map(|(g, at)| self.glob(g, at, key)).collect()
    }

    fn glob(&self, pattern: &str, at: usize, key: &str) -> Result<PathGlob, ConfigError> {
        // Validate the pattern as written, so the message quotes what the user wrote.
        Glob::new(pattern).map_err(|e| self.error(at, key, format!("invalid glob `{pattern}`: {}", e.kind())))?;
        PathGlob::new(pattern).map_err(|e| self.error(at, key, format!("invalid glob `{pattern}`: {}", e.kind())))
    }

    fn entries<'n>(&self, node: &'n Node, key: &str, what: &str) -> Result<&'n [(Node, Node)], ConfigError> {
        match node {
            Node::Map { entries, .. } => Ok(entries),
            _ => Err(self.error(node.start(), key, format!("expected a mapping of {what}, found {}", describe(node)))),
        }
    }

    /// A whole number in `min..=max`; anything else (a sign, a unit, a number past the
    /// range or past what 64 bits hold) is an error naming the range.
    fn int(&self, node: &Node, key: &str, min: u64, max: u64) -> Result<u64, ConfigError> {
        let expected = if min == 1 {
            format!("a positive whole number up to {max}")
        } else {
            format!("a whole number from {min} to {max}")
        };
        match node {
            Node::Scalar(s) if !s.quoted => match s.text.replace('_', "").parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(self.error(node.start(), key, format!("expected {expected}, found `{}`", s.text))),
            },
            _ => Err(self.error(node.start(), key, format!("expected {expected}, found {}", describe(node)))),
        }
    }

    /// `dir` (as resolved through its links, or as written when it does not exist) must
    /// lie inside `repository`, and so must every policy file in it that is a link.
    fn check_inside(&self, repository: &Path, dir: &Path, at: usize, key: &str) -> Result<(), ConfigError> {
        let outside = |what: &Path| {
            self.error(
                at,
                key,
                format!("`{}` is outside the repository `{}`; not read", what.display(), repository.display()),
            )
        };
        let resolved = dir.canonicalize().unwrap_or_else(|_| crate::confine::absolute(dir, None));
        if !resolved.starts_with(repository) {
            return Err(outside(dir));
        }
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
            if is_link && crate::policy::is_policy_file_name(&path) && crate::confine::escapes(repository, &path) {
                return Err(outside(&path));
            }
        }
        Ok(())
    }

    fn apply(&self, config: &mut Config, name: &'static str, shape: Shape, value: &Node) -> Result<(), ConfigError> {
        match shape {
            Shape::Rules => {
                let rules = self.rules(config, value, name)?;
                match name {
                    "select" => config.select = Some(rules),
                    "extend-select" => config.extend_select = rules,
                    "ignore" => config.ignore = rules,
                    "unsuppressible" => config.unsuppressible = rules,
                    _ => unreachable!("rule-list key {name} has no field"),
                }
            }
            Shape::SeverityMap => {
                for (k, v) in self.entries(value, name, "rules to severities")? {
                    let rule = self.string(k, name, "a rule")?;
                    self.check_rule(config, rule, k.start(), name);
                    let text = self.string(v, name, "a severity")?;
                    let severity = Severity::parse(text).ok_or_else(|| {
                        self.error(v.start(), name, format!("unknown severity `{text}` (error, warning or info)"))
                    })?;
                    config.severity.push((rule.to_string(), severity));
                }
            }
            Shape::PerFileIgnores => {
                for (k, v) in self.entries(value, name, "globs to rules")? {
                    let pattern = self.string(k, name, "a glob")?;
                    let glob = self.glob(pattern, k.start(), name)?;
                    let rules = self.rules(config, v, name)?;
                    config.per_file_ignores.push(PerFileIgnore { glob, rules, root: config.root.clone() });
                }
            }
            Shape::ObjectIgnores => {
                for (k, v) in self.entries(value, name, "object addresses to rules")? {
                    let address = self.string(k, name, "an object's address")?;
                    let rules = self.rules(config, v, name)?;
                    config.object_ignores.push((address.to_string(), rules));
                }
            }
            Shape::Duration => {
                let text = self.string(value, name, "a duration such as P90D")?;
                match duration::setting(text) {
                    Ok(d) => config.max_token_age = Some(d),
                    Err(reason) => return Err(self.error(value.start(), name, reason)),
                }
            }
            Shape::Globs => {
                let globs = self.globs(value, name)?;
                match name {
                    "include" => config.include = globs,
                    "exclude" => config.exclude = globs,
                    _ => unreachable!("glob-list key {name} has no field"),
                }
            }
            Shape::Path => {
                let text = self.string(value, name, "a folder path")?;
                if text.is_empty() {
                    return Err(self.error(value.start(), name, "expected a folder path, found an empty string"));
                }
                let dir = config.root.join(text);
                if let Some(repository) = self.repository {
                    self.check_inside(repository, &dir, value.start(), name)?;
                }
                config.rules_dir = Some(dir);
            }
            Shape::Bool => {
                config.require_suppression_reason = value.as_bool().ok_or_else(|| {
                    self.error(value.start(), name, format!("expected true or false, found {}", describe(value)))
                })?;
            }
            Shape::Deployments => {
                for (k, v) in self.entries(value, name, "deployment names to their roots and manifests")? {
                    let deployment = self.string(k, name, "a deployment name")?;
                    if deployment.is_empty() || config.deployments.iter().any(|d| d.name == deployment) {
                        return Err(self.error(
                            k.start(),
                            name,
                            format!("deployment `{deployment}` is empty or named twice"),
                        ));
                    }
                    let mut roots = Vec::new();
                    let mut manifests = Vec::new();
                    for (field, items) in self.entries(v, name, "roots and manifests")? {
                        match field.as_str() {
                            Some("roots") => {
                                for (folder, _) in self.list(items, name, "root module folder")? {
                                    // `./envs/prod` names the folder `envs/prod` names.
                                    let path = std::path::Path::new(folder);
                                    let components = path.components().filter(|c| *c != std::path::Component::CurDir);
                                    roots.push(components.collect::<PathBuf>());
                                }
                            }
                            Some("manifests") => manifests = self.globs(items, name)?,
                            _ => {
                                let found = self.string(field, name, "`roots` or `manifests`").unwrap_or_default();
                                return Err(self.error(
                                    field.start(),
                                    name,
                                    format!("unknown field `{found}` of deployment `{deployment}` (expected `roots` or `manifests`)"),
                                ));
                            }
                        }
                    }
                    config.deployments.push(super::Deployment { name: deployment.to_string(), roots, manifests });
                }
            }
            Shape::Extend => {
                let text = self.string(value, name, "a configuration file path")?;
                if text.is_empty() {
                    return Err(self.error(
                        value.start(),
                        name,
                        "expected a configuration file path, found an empty string",
                    ));
                }
                config.extend = Some(crate::confine::absolute(&config.root.join(text), None));
            }
            Shape::Int { min, max } => {
                let n = self.int(value, name, min, max)?;
                match name {
                    "max-file-size" => config.max_file_size = Some(n),
                    // Bounded by MAX_YAML_DEPTH, so it fits any usize.
                    "max-yaml-depth" => config.max_yaml_depth = Some(n as usize),
                    _ => unreachable!("integer key {name} has no field"),
                }
            }
        }
        Ok(())
    }
}

fn describe(node: &Node) -> String {
    match node {
        Node::Scalar(s) if node.is_null() && !s.quoted => "nothing (null)".into(),
        Node::Scalar(s) => format!("`{}`", s.text),
        other => other.kind_name().into(),
    }
}

/// Parses a configuration file's text; `root` is the folder relative paths start from.
pub fn parse(file: &Path, text: &str, root: PathBuf) -> Result<Config, ConfigError> {
    parse_in(file, text, root, None)
}

/// A configuration holds a few dozen values: more nodes than this are an alias bomb.
const LIMITS: Limits = Limits { max_depth: 64, max_nodes: 10_000 };

/// `parse`, for a file in `repository` (if given), whose named paths must resolve inside it.
pub(crate) fn parse_in(
    file: &Path,
    text: &str,
    root: PathBuf,
    repository: Option<&Path>,
) -> Result<Config, ConfigError> {
    let source = SourceFile::new(String::new(), file.to_path_buf(), text.into(), false);
    let parser = Parser { file, source, repository };
    let docs = yaml::parse(text, LIMITS).map_err(|e| parser.error(e.offset, "", e.message))?;
    let mut config = Config { file: Some(file.to_path_buf()), root, ..Config::default() };
    let doc = match docs.as_slice() {
        [] => return Ok(config),
        [doc] if doc.is_null() => return Ok(config),
        [doc] => doc,
        [_, second, ..] => return Err(parser.error(second.start(), "", "expected one YAML document, found several")),
    };
    let Node::Map { entries, .. } = doc else {
        return Err(parser.error(doc.start(), "", format!("expected a mapping of settings, found {}", describe(doc))));
    };
    let mut seen = BTreeSet::new();
    for (k, v) in entries {
        let name = parser.string(k, "", "a setting name")?;
        let Some(key) = KEYS.iter().find(|key| key.name == name) else {
            let hint = crate::suggest::closest(name, KEYS.iter().map(|k| k.name))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(parser.error(k.start(), name, format!("unknown setting{hint}")));
        };
        if !seen.insert(key.name) {
            return Err(parser.error(k.start(), name, "set twice"));
        }
        parser.apply(&mut config, key.name, key.shape, v)?;
        let line = parser.source.position(k.start()).line;
        config.set.insert(key.name, super::Origin { file: file.to_path_buf(), line });
    }
    Ok(config)
}
