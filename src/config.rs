//! The configuration file, `.iamlint.yaml`: found from the linted paths upwards to the
//! repository root (the first folder holding `.git`), or named with `--config`. It is read
//! with iamlint's own spanned YAML tree, so every error names the file, the line and the
//! key. Keys are kebab-case; an unknown key is an error with a "did you mean".
//!
//! The accepted keys are the `KEYS` table: the parser dispatches on it and the JSON Schema
//! (`iamlint config --schema`) is built from it, so the two cannot disagree about which
//! keys exist (a test also parses the schema's example for every key).

use crate::duration::{self, Duration};
use crate::finding::Severity;
use crate::select::Selection;
use crate::source::SourceFile;
use crate::syntax::yaml::{self, Limits, Node};
use globset::{Glob, GlobBuilder, GlobMatcher};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".iamlint.yaml";

/// Everything a configuration file can say. `None` and empty lists mean "not set".
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file this came from (`None`: no configuration file, all defaults).
    pub file: Option<PathBuf>,
    /// The folder globs are relative to: the configuration file's folder.
    pub root: PathBuf,
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// Rule selector -> severity, in file order.
    pub severity: Vec<(String, Severity)>,
    pub per_file_ignores: Vec<PerFileIgnore>,
    pub max_token_age: Option<Duration>,
    pub include: Vec<PathGlob>,
    pub exclude: Vec<PathGlob>,
    /// Folder of custom policy files, resolved against `root`.
    pub rules_dir: Option<PathBuf>,
    pub require_suppression_reason: bool,
    pub unsuppressible: Vec<String>,
    pub max_file_size: Option<u64>,
    pub max_yaml_depth: Option<usize>,
}

/// A glob over paths relative to the configuration's folder. A pattern without `/`
/// matches a file name at any depth (as in .gitignore); `*` stops at `/`, `**` does not.
#[derive(Clone, Debug)]
pub struct PathGlob {
    pub pattern: String,
    matcher: GlobMatcher,
}

impl PathGlob {
    pub fn new(pattern: &str) -> Result<Self, globset::Error> {
        let anchored = pattern.strip_prefix("./").unwrap_or(pattern);
        let full = if anchored.contains('/') { anchored.to_string() } else { format!("**/{anchored}") };
        let glob = GlobBuilder::new(&full).literal_separator(true).build()?;
        Ok(PathGlob { pattern: pattern.to_string(), matcher: glob.compile_matcher() })
    }

    pub fn is_match(&self, relative: &Path) -> bool {
        self.matcher.is_match(relative)
    }
}

#[derive(Clone, Debug)]
pub struct PerFileIgnore {
    pub glob: PathGlob,
    pub rules: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The key at fault, "" for the file as a whole.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file.display(), self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "`{}`: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// The kinds of value a key takes, for the parser and the schema alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Rules,
    SeverityMap,
    PerFileIgnores,
    Duration,
    Globs,
    Path,
    Bool,
    PositiveInt,
}

pub struct Key {
    pub name: &'static str,
    pub description: &'static str,
    shape: Shape,
    /// A valid value, as YAML, shown in the schema and parsed by a test.
    pub example: &'static str,
}

pub const KEYS: &[Key] = &[
    Key {
        name: "select",
        description: "Rules to run instead of the defaults: codes, names, code prefixes (IAM2) or ALL.",
        shape: Shape::Rules,
        example: "[IAM1, IAM2]",
    },
    Key {
        name: "extend-select",
        description: "Rules to run in addition to the selected ones (e.g. opt-in rules).",
        shape: Shape::Rules,
        example: "[IAM402]",
    },
    Key { name: "ignore", description: "Rules never to run.", shape: Shape::Rules, example: "[IAM401]" },
    Key {
        name: "severity",
        description: "Severity per rule, overriding the rule's default.",
        shape: Shape::SeverityMap,
        example: "{IAM401: error, token-extended-expiry: info}",
    },
    Key {
        name: "per-file-ignores",
        description: "Rules not reported in files matching a glob (relative to this file's folder).",
        shape: Shape::PerFileIgnores,
        example: "{\"legacy/**\": [IAM101, IAM102]}",
    },
    Key {
        name: "max-token-age",
        description: "The longest accepted API token lifetime, as an ISO 8601 duration Kestra reads (days, hours, minutes, seconds).",
        shape: Shape::Duration,
        example: "P30D",
    },
    Key {
        name: "include",
        description: "Only files matching one of these globs are linted (relative to this file's folder).",
        shape: Shape::Globs,
        example: "[\"iam/**\", \"*.tf\"]",
    },
    Key {
        name: "exclude",
        description: "Files matching one of these globs are never linted.",
        shape: Shape::Globs,
        example: "[\"vendor/**\"]",
    },
    Key {
        name: "rules-dir",
        description: "Folder of custom policy files (relative to this file's folder).",
        shape: Shape::Path,
        example: "policies",
    },
    Key {
        name: "require-suppression-reason",
        description: "An iamlint-ignore comment must give a reason after `--`.",
        shape: Shape::Bool,
        example: "true",
    },
    Key {
        name: "unsuppressible",
        description: "Rules that iamlint-ignore comments cannot silence.",
        shape: Shape::Rules,
        example: "[IAM301]",
    },
    Key {
        name: "max-file-size",
        description: "Files larger than this many bytes are reported (IAM001) instead of linted.",
        shape: Shape::PositiveInt,
        example: "1048576",
    },
    Key {
        name: "max-yaml-depth",
        description: "The deepest YAML nesting accepted before a file is reported as malformed.",
        shape: Shape::PositiveInt,
        example: "64",
    },
];

impl Config {
    /// The configuration for a run: `explicit` (`--config`) if given, else the one file
    /// found above the paths. Paths under different configuration files are an error,
    /// since one run applies one configuration.
    pub fn load(explicit: Option<&Path>, paths: &[PathBuf]) -> Result<Config, String> {
        if let Some(file) = explicit {
            return Config::read(file).map_err(|e| e.to_string());
        }
        let mut found = BTreeSet::new();
        for path in paths {
            if let Some(file) = find(path) {
                found.insert(file);
            }
        }
        let mut found = found.into_iter();
        match (found.next(), found.next()) {
            (None, _) => Ok(Config { root: std::env::current_dir().unwrap_or_default(), ..Config::default() }),
            (Some(file), None) => Config::read(&file).map_err(|e| e.to_string()),
            (Some(a), Some(b)) => Err(format!(
                "the paths fall under different configuration files ({} and {}); lint them separately or pass --config",
                a.display(),
                b.display()
            )),
        }
    }

    pub fn read(file: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(file).map_err(|e| ConfigError {
            file: file.to_path_buf(),
            line: 1,
            column: 1,
            key: String::new(),
            message: format!("cannot read the configuration file: {e}"),
        })?;
        let root = file.canonicalize().ok().and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or_default();
        parse(file, &text, root)
    }

    /// The rule selection this configuration asks for, before command-line flags.
    pub fn selection(&self) -> Selection {
        Selection {
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            severities: self.severity.iter().cloned().collect(),
            per_file_ignores: self.per_file_ignores.clone(),
            root: self.root.clone(),
        }
    }

    pub fn file_filter(&self) -> FileFilter {
        FileFilter { root: self.root.clone(), include: self.include.clone(), exclude: self.exclude.clone() }
    }
}

/// Which discovered files a run keeps, by the configuration's `include` and `exclude`.
#[derive(Clone, Debug, Default)]
pub struct FileFilter {
    pub root: PathBuf,
    pub include: Vec<PathGlob>,
    pub exclude: Vec<PathGlob>,
}

impl FileFilter {
    /// Files outside the configuration's folder are not governed by it. Files named on
    /// the command line are filtered too, so an excluded file stays excluded when
    /// pre-commit passes it by name.
    pub fn keeps(&self, path: &Path) -> bool {
        if self.include.is_empty() && self.exclude.is_empty() {
            return true;
        }
        let Some(relative) = relative_to(&self.root, path) else { return true };
        (self.include.is_empty() || self.include.iter().any(|g| g.is_match(&relative)))
            && !self.exclude.iter().any(|g| g.is_match(&relative))
    }
}

/// `path` relative to `root`, both made absolute first.
pub fn relative_to(root: &Path, path: &Path) -> Option<PathBuf> {
    let abs = path.canonicalize().ok()?;
    abs.strip_prefix(root).ok().map(Path::to_path_buf)
}

/// The nearest `.iamlint.yaml` from `path` upwards, stopping at the repository root.
pub fn find(path: &Path) -> Option<PathBuf> {
    let abs = path.canonicalize().ok()?;
    let mut dir = if abs.is_dir() { abs.as_path() } else { abs.parent()? };
    loop {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
        dir = dir.parent()?;
    }
}

struct Parser<'a> {
    file: &'a Path,
    source: SourceFile,
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

    fn rules(&self, node: &Node, key: &str) -> Result<Vec<String>, ConfigError> {
        let mut out = Vec::new();
        for (rule, at) in self.list(node, key, "rule")? {
            let probe = Selection { select: Some(vec![rule.to_string()]), ..Selection::default() };
            probe.validate().map_err(|e| self.error(at, key, e))?;
            out.push(rule.to_string());
        }
        Ok(out)
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

    fn positive(&self, node: &Node, key: &str) -> Result<u64, ConfigError> {
        match node {
            Node::Scalar(s) if !s.quoted => match s.text.replace('_', "").parse::<u64>() {
                Ok(n) if n > 0 => Ok(n),
                _ => {
                    Err(self.error(node.start(), key, format!("expected a positive whole number, found `{}`", s.text)))
                }
            },
            _ => Err(self.error(
                node.start(),
                key,
                format!("expected a positive whole number, found {}", describe(node)),
            )),
        }
    }

    fn apply(&self, config: &mut Config, name: &'static str, shape: Shape, value: &Node) -> Result<(), ConfigError> {
        match shape {
            Shape::Rules => {
                let rules = self.rules(value, name)?;
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
                    let probe = Selection { select: Some(vec![rule.to_string()]), ..Selection::default() };
                    probe.validate().map_err(|e| self.error(k.start(), name, e))?;
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
                    config.per_file_ignores.push(PerFileIgnore { glob, rules: self.rules(v, name)? });
                }
            }
            Shape::Duration => {
                let text = self.string(value, name, "a duration such as P90D")?;
                match duration::parse(text) {
                    Ok(d) if d.seconds > 0 => config.max_token_age = Some(d),
                    Ok(_) => return Err(self.error(value.start(), name, "the duration must be longer than zero")),
                    Err(e) => {
                        let hint = e.suggestion().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
                        return Err(self.error(
                            value.start(),
                            name,
                            format!("`{text}` is not a duration Kestra reads, such as P90D or PT12H{hint}"),
                        ));
                    }
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
                config.rules_dir = Some(config.root.join(text));
            }
            Shape::Bool => {
                config.require_suppression_reason = value.as_bool().ok_or_else(|| {
                    self.error(value.start(), name, format!("expected true or false, found {}", describe(value)))
                })?;
            }
            Shape::PositiveInt => {
                let n = self.positive(value, name)?;
                match name {
                    "max-file-size" => config.max_file_size = Some(n),
                    "max-yaml-depth" => {
                        config.max_yaml_depth = Some(usize::try_from(n).unwrap_or(usize::MAX));
                    }
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
    let parser = Parser { file, source: SourceFile::new(String::new(), file.to_path_buf(), text.into(), false) };
    let docs = yaml::parse(text, Limits::default()).map_err(|e| parser.error(e.offset, "", e.message))?;
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
    }
    Ok(config)
}

/// The JSON Schema of `.iamlint.yaml`, for editors (`iamlint config --schema`).
pub fn schema() -> Value {
    let rules = json!({"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": true});
    let globs = json!({"type": "array", "items": {"type": "string", "minLength": 1}});
    let mut properties = serde_json::Map::new();
    for key in KEYS {
        let mut property = match key.shape {
            Shape::Rules => rules.clone(),
            Shape::SeverityMap => json!({
                "type": "object",
                "additionalProperties": {"type": "string", "enum": ["error", "warning", "info"]}
            }),
            Shape::PerFileIgnores => json!({"type": "object", "additionalProperties": rules.clone()}),
            Shape::Duration => json!({"type": "string", "pattern": "^[-+]?[Pp]"}),
            Shape::Globs => globs.clone(),
            Shape::Path => json!({"type": "string", "minLength": 1}),
            Shape::Bool => json!({"type": "boolean"}),
            Shape::PositiveInt => json!({"type": "integer", "minimum": 1}),
        };
        let example: Value = yaml_example(key.example);
        let object = property.as_object_mut().expect("each property is an object");
        object.insert("description".into(), json!(key.description));
        object.insert("examples".into(), json!([example]));
        properties.insert(key.name.into(), property);
    }
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://raw.githubusercontent.com/iamlint/iamlint/main/iamlint.schema.json",
        "title": "iamlint configuration (.iamlint.yaml)",
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    })
}

/// An example, written as YAML in `KEYS`, as a JSON value for the schema.
fn yaml_example(text: &str) -> Value {
    fn convert(node: &Node) -> Value {
        match node {
            Node::Scalar(s) if !s.quoted => {
                if let Some(b) = node.as_bool() {
                    json!(b)
                } else if let Ok(n) = s.text.parse::<u64>() {
                    json!(n)
                } else {
                    json!(s.text)
                }
            }
            Node::Scalar(s) => json!(s.text),
            Node::Seq { items, .. } => Value::Array(items.iter().map(convert).collect()),
            Node::Map { entries, .. } => Value::Object(
                entries.iter().map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), convert(v))).collect(),
            ),
        }
    }
    let docs = yaml::parse(text, Limits::default()).expect("KEYS examples are valid YAML");
    docs.first().map_or(Value::Null, convert)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Config, ConfigError> {
        parse(Path::new(".iamlint.yaml"), text, PathBuf::from("/repo"))
    }

    #[test]
    fn every_key_parses_its_example() {
        for key in KEYS {
            let text = format!("{}: {}\n", key.name, key.example);
            parse_text(&text).unwrap_or_else(|e| panic!("{}: {e}", key.name));
        }
    }

    #[test]
    fn a_full_file_fills_every_field() {
        let text = KEYS.iter().map(|k| format!("{}: {}\n", k.name, k.example)).collect::<String>();
        let c = parse_text(&text).unwrap();
        assert_eq!(c.select, Some(vec!["IAM1".to_string(), "IAM2".to_string()]));
        assert_eq!(c.extend_select, vec!["IAM402"]);
        assert_eq!(c.ignore, vec!["IAM401"]);
        assert_eq!(
            c.severity,
            vec![("IAM401".into(), Severity::Error), ("token-extended-expiry".into(), Severity::Info)]
        );
        assert_eq!(c.per_file_ignores.len(), 1);
        assert_eq!(c.per_file_ignores[0].rules, vec!["IAM101", "IAM102"]);
        assert_eq!(c.max_token_age, Some(Duration::days(30)));
        assert_eq!(c.include.iter().map(|g| g.pattern.as_str()).collect::<Vec<_>>(), ["iam/**", "*.tf"]);
        assert_eq!(c.exclude.len(), 1);
        assert_eq!(c.rules_dir, Some(PathBuf::from("/repo/policies")));
        assert!(c.require_suppression_reason);
        assert_eq!(c.unsuppressible, vec!["IAM301"]);
        assert_eq!(c.max_file_size, Some(1_048_576));
        assert_eq!(c.max_yaml_depth, Some(64));
    }

    #[test]
    fn errors_name_the_line_and_key() {
        let e = parse_text("select: [IAM101]\nmax-token-age: 30d\n").unwrap_err();
        assert_eq!((e.line, e.column, e.key.as_str()), (2, 16, "max-token-age"));
        assert!(e.message.contains("did you mean `P30D`"), "{e}");
        let e = parse_text("# settings\nselct: [IAM101]\n").unwrap_err();
        assert_eq!((e.line, e.key.as_str()), (2, "selct"));
        assert!(e.message.contains("did you mean `select`"), "{e}");
        let e = parse_text("severity:\n  IAM401: fatal\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 11));
        assert!(e.message.contains("unknown severity `fatal`"), "{e}");
        let e = parse_text("ignore: [IAM999]\n").unwrap_err();
        assert!(e.message.contains("unknown rule `IAM999`"), "{e}");
        let e = parse_text("per-file-ignores:\n  \"a/[b\": [IAM101]\n").unwrap_err();
        assert_eq!((e.line, e.key.as_str()), (2, "per-file-ignores"));
        let e = parse_text("max-file-size: -3\n").unwrap_err();
        assert!(e.message.contains("positive whole number"), "{e}");
        let e = parse_text("require-suppression-reason: yes please\n").unwrap_err();
        assert!(e.message.contains("true or false"), "{e}");
        let e = parse_text("rules-dir: [a]\n").unwrap_err();
        assert!(e.message.contains("folder path"), "{e}");
        let e = parse_text("select: IAM101\n").unwrap_err();
        assert!(e.message.contains("list of rules"), "{e}");
        let e = parse_text("select: [IAM101]\nselect: [IAM102]\n").unwrap_err();
        assert!(e.message.contains("set twice"), "{e}");
        let e = parse_text("- select\n").unwrap_err();
        assert!(e.message.contains("mapping of settings"), "{e}");
        let e = parse_text("select: [IAM101\n").unwrap_err();
        assert_eq!(e.key, "");
        assert!(e.to_string().starts_with(".iamlint.yaml:"), "{e}");
    }

    #[test]
    fn empty_files_mean_defaults() {
        for text in ["", "# nothing\n", "---\n", "~\n"] {
            let c = parse_text(text).unwrap();
            assert!(c.select.is_none() && c.ignore.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn globs_without_a_slash_match_at_any_depth() {
        let g = PathGlob::new("*.tf").unwrap();
        assert!(g.is_match(Path::new("main.tf")) && g.is_match(Path::new("a/b/main.tf")));
        let g = PathGlob::new("legacy/*.yaml").unwrap();
        assert!(g.is_match(Path::new("legacy/iam.yaml")));
        assert!(!g.is_match(Path::new("legacy/old/iam.yaml")) && !g.is_match(Path::new("x/legacy/iam.yaml")));
        assert!(PathGlob::new("legacy/**").unwrap().is_match(Path::new("legacy/old/iam.yaml")));
        assert!(PathGlob::new("./iam/*.yaml").unwrap().is_match(Path::new("iam/a.yaml")));
    }

    #[test]
    fn schema_lists_exactly_the_accepted_keys() {
        let schema = schema();
        let listed: BTreeSet<&str> = schema["properties"].as_object().unwrap().keys().map(String::as_str).collect();
        let accepted: BTreeSet<&str> = KEYS.iter().map(|k| k.name).collect();
        assert_eq!(listed, accepted);
        assert_eq!(schema["additionalProperties"], false);
        // Each schema example is accepted by the parser (via its YAML form: JSON is YAML).
        for (name, property) in schema["properties"].as_object().unwrap() {
            let example = &property["examples"][0];
            let text = format!("{name}: {example}\n");
            parse_text(&text).unwrap_or_else(|e| panic!("schema example for {name} rejected: {e}"));
        }
    }
}
