//! Loading a policy set: every `*.yaml`/`*.yml` file directly in each folder named (or a
//! file named itself), in name order. The set loads whole or not at all: any malformed
//! file, or a code or name that clashes with a built-in rule or another policy, is an
//! error naming the file and line, and nothing is linted with half a policy set.

use super::parse;
use super::Policy;
use crate::rules::{self, Declaration};
use crate::source::Position;
use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    pub path: String,
    pub position: Option<Position>,
    pub message: String,
    pub help: Option<String>,
}

impl PolicyError {
    pub fn at(path: &str, position: Position, message: String, help: Option<String>) -> Self {
        PolicyError { path: path.to_string(), position: Some(position), message, help }
    }

    pub fn at_path(path: &Path, message: impl Into<String>) -> Self {
        PolicyError { path: path.display().to_string(), position: None, message: message.into(), help: None }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "{}:{}:{}: {}", self.path, p.line, p.column, self.message)?,
            None => write!(f, "{}: {}", self.path, self.message)?,
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Every problem that kept a policy set from loading, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub errors: Vec<PolicyError>,
}

impl LoadError {
    pub fn new(errors: Vec<PolicyError>) -> Self {
        LoadError { errors }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for LoadError {}

/// Policies are short; a bigger file is a wrong path, not a policy set.
const MAX_POLICY_FILE: u64 = 1 << 20;

pub fn load(paths: &[PathBuf]) -> Result<Vec<Policy>, LoadError> {
    let mut errors = Vec::new();
    let mut policies = Vec::new();
    for (display, path) in files(paths, &mut errors) {
        let at = |message: String| PolicyError::at_path(Path::new(&display), message);
        // Bounded whatever the file system says its size is (procfs says 0).
        let text = match crate::confine::read_bounded(&path, MAX_POLICY_FILE).map(String::from_utf8) {
            Ok(Ok(text)) => text,
            Ok(Err(_)) => {
                errors.push(at("is not valid UTF-8".into()));
                continue;
            }
            Err(crate::confine::ReadError::TooLarge) => {
                errors.push(at("is larger than 1 MiB; not a policy file".into()));
                continue;
            }
            Err(crate::confine::ReadError::NotRegular) => {
                errors.push(at("is not a regular file; not read".into()));
                continue;
            }
            Err(crate::confine::ReadError::Io(e)) => {
                errors.push(at(format!("cannot read: {e}")));
                continue;
            }
        };
        let (found, problems) = parse::parse_file(&display, text.strip_prefix('\u{feff}').unwrap_or(&text));
        policies.extend(found);
        errors.extend(problems);
    }
    clashes(&policies, &mut errors);
    if errors.is_empty() {
        Ok(policies)
    } else {
        Err(LoadError::new(errors))
    }
}

/// Whether a folder entry is one the loader reads: `*.yaml` or `*.yml`, not hidden.
pub fn is_policy_file_name(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    (name.ends_with(".yaml") || name.ends_with(".yml")) && !name.starts_with('.')
}

/// The policy files under `paths`, each once, with the path to show for it. A FIFO or a
/// device named like a policy file is kept, for reading to refuse it by name: skipping it
/// would load half a policy set without a word.
fn files(paths: &[PathBuf], errors: &mut Vec<PolicyError>) -> Vec<(String, PathBuf)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for path in paths {
        let Ok(meta) = std::fs::metadata(path) else {
            errors.push(PolicyError::at_path(path, "policy path does not exist"));
            continue;
        };
        let mut found = Vec::new();
        if meta.is_dir() {
            let entries = match std::fs::read_dir(path) {
                Ok(entries) => entries,
                Err(e) => {
                    errors.push(PolicyError::at_path(path, format!("cannot read folder: {e}")));
                    continue;
                }
            };
            for entry in entries.flatten() {
                let p = entry.path();
                if is_policy_file_name(&p) && !p.is_dir() {
                    found.push(p);
                }
            }
            found.sort();
        } else {
            found.push(path.clone());
        }
        for p in found {
            let key = p.canonicalize().unwrap_or_else(|_| p.clone());
            if seen.insert(key) {
                out.push((p.display().to_string(), p));
            }
        }
    }
    out
}

/// Codes and names are how users select, re-level and suppress rules: each must name one
/// rule only, built-in or policy, whatever the case.
fn clashes(policies: &[Policy], errors: &mut Vec<PolicyError>) {
    let error = |p: &Policy, message: String, help: Option<String>| {
        PolicyError::at(&p.source.path, Position { line: p.source.line, column: 1 }, message, help)
    };
    let builtin: Vec<&Declaration> = rules::BUILTIN.iter().map(|(d, _)| *d).collect();
    for (i, p) in policies.iter().enumerate() {
        if let Some(b) = builtin.iter().find(|b| b.code.eq_ignore_ascii_case(&p.code)) {
            errors.push(error(p, format!("code `{}` is the built-in rule {} ({})", p.code, b.code, b.name), None));
        } else if p.code.to_ascii_uppercase().starts_with("IAM") {
            errors.push(error(
                p,
                format!("code `{}`: IAM codes are reserved for built-in rules", p.code),
                Some("use your organisation's own prefix, such as ORG001".into()),
            ));
        }
        if let Some(b) =
            builtin.iter().find(|b| b.name.eq_ignore_ascii_case(&p.name) || b.code.eq_ignore_ascii_case(&p.name))
        {
            errors.push(error(p, format!("name `{}` names the built-in rule {}", p.name, b.code), None));
        }
        for q in &policies[..i] {
            let at = format!("{}:{}", q.source.path, q.source.line);
            if q.code.eq_ignore_ascii_case(&p.code) {
                errors.push(error(p, format!("code `{}` is already defined at {at}", p.code), None));
            }
            if q.name.eq_ignore_ascii_case(&p.name) {
                errors.push(error(p, format!("name `{}` is already defined at {at}", p.name), None));
            }
            if q.code.eq_ignore_ascii_case(&p.name) {
                errors.push(error(p, format!("name `{}` is the code of the rule at {at}", p.name), None));
            }
            if q.name.eq_ignore_ascii_case(&p.code) {
                errors.push(error(p, format!("code `{}` is the name of the rule at {at}", p.code), None));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(code: &str, name: &str) -> String {
        format!("code: {code}\nname: {name}\nseverity: error\napplies-to: token\nmessage: m\nhelp: h\nassert: {{field: extended, equals: false}}\n")
    }

    fn dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    fn messages(paths: &[PathBuf]) -> Vec<String> {
        let errors = load(paths).expect_err("the set must not load").errors;
        errors.iter().map(|e| format!("{}: {}", e.position.map_or(0, |p| p.line), e.message)).collect()
    }

    #[test]
    fn loads_yaml_files_in_name_order() {
        let d = dir(&[
            ("b.yml", &rule("ORG2", "b")),
            ("a.yaml", &rule("ORG1", "a")),
            ("README.md", "# not a policy"),
            (".hidden.yaml", "not: [valid"),
        ]);
        let policies = load(&[d.path().to_path_buf()]).unwrap();
        let codes: Vec<&str> = policies.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["ORG1", "ORG2"]);
        assert!(policies[0].source.path.ends_with("a.yaml"));
        // A file may be named directly, and a file named twice loads once.
        let file = d.path().join("a.yaml");
        assert_eq!(load(&[file.clone(), d.path().to_path_buf()]).unwrap().len(), 2);
        assert!(load(&[]).unwrap().is_empty());
    }

    #[test]
    fn one_bad_file_fails_the_whole_set() {
        let d = dir(&[("a.yaml", &rule("ORG1", "a")), ("b.yaml", "code: ORG2\n")]);
        let e = load(&[d.path().to_path_buf()]).unwrap_err();
        assert_eq!(e.errors.len(), 1);
        assert!(e.to_string().contains("b.yaml:1:1: the rule has no `name`"), "{e}");
    }

    #[test]
    fn missing_path_and_unreadable_text() {
        let d = dir(&[]);
        std::fs::write(d.path().join("latin1.yaml"), b"code: ORG\xe9\n").unwrap();
        let missing = d.path().join("nope");
        let e = load(&[missing, d.path().to_path_buf()]).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("nope: policy path does not exist"), "{text}");
        let big = d.path().join("big.yaml");
        std::fs::write(&big, "#".repeat(2 << 20)).unwrap();
        assert!(load(&[big]).unwrap_err().to_string().contains("big.yaml: is larger than 1 MiB"));
        assert!(text.contains("latin1.yaml: is not valid UTF-8"), "{text}");
    }

    #[test]
    fn clashes_with_built_in_rules() {
        let d = dir(&[
            ("a.yaml", &rule("IAM101", "a")),
            ("b.yaml", &rule("IAM999", "b")),
            ("c.yaml", &rule("ORG3", "token-name")),
            ("d.yaml", &rule("ORG4", "iam201")),
        ]);
        assert_eq!(
            messages(&[d.path().to_path_buf()]),
            [
                "1: code `IAM101` is the built-in rule IAM101 (service-account-name)",
                "1: code `IAM999`: IAM codes are reserved for built-in rules",
                "1: name `token-name` names the built-in rule IAM102",
                "1: name `iam201` names the built-in rule IAM201",
            ]
        );
    }

    #[test]
    fn clashes_between_policies_name_both_places() {
        let d = dir(&[
            ("a.yaml", &rule("ORG1", "a")),
            ("b.yaml", &format!("# comment\n{}", rule("ORG1", "a"))),
            ("c.yaml", &rule("ORG3", "org4")),
            ("d.yaml", &rule("ORG4", "d")),
        ]);
        let a = d.path().join("a.yaml").display().to_string();
        let c = d.path().join("c.yaml").display().to_string();
        assert_eq!(
            messages(&[d.path().to_path_buf()]),
            [
                format!("2: code `ORG1` is already defined at {a}:1"),
                format!("2: name `a` is already defined at {a}:1"),
                format!("1: code `ORG4` is the name of the rule at {c}:1"),
            ]
        );
    }
}
