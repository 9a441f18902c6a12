//! The configuration file, `.iamlint.yaml`: found from the linted paths upwards to the
//! repository root (the first folder holding `.git`), or named with `--config`. It is read
//! with iamlint's own spanned YAML tree, so every error names the file, the line and the
//! key. Keys are kebab-case; an unknown key is an error with a "did you mean".
//!
//! The accepted keys are the `KEYS` table: the parser dispatches on it and the JSON Schema
//! (`iamlint config --schema`) is built from it, so the two cannot disagree about which
//! keys exist (a test also parses the schema's example for every key).

use crate::duration::Duration;
use crate::finding::Severity;
use crate::select::Selection;
use globset::{GlobBuilder, GlobMatcher};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

mod nested;
mod parse;
mod schema;

pub use crate::source::shown;
pub use nested::{nested, Nested};
pub use parse::parse;
pub use schema::schema;

pub const FILE_NAME: &str = ".iamlint.yaml";

/// The names a configuration file goes by, the preferred first: YAML's two extensions, as
/// every other tool finds its `.yml` (a folder holding both uses the first).
pub const FILE_NAMES: [&str; 2] = [FILE_NAME, ".iamlint.yml"];

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
    /// Rules not reported on an object, by its address (`object-ignores`).
    pub object_ignores: Vec<(String, Vec<String>)>,
    pub max_token_age: Option<Duration>,
    pub include: Vec<PathGlob>,
    pub exclude: Vec<PathGlob>,
    /// Folder of custom policy files, resolved against `root`.
    pub rules_dir: Option<PathBuf>,
    pub require_suppression_reason: bool,
    pub unsuppressible: Vec<String>,
    pub max_file_size: Option<u64>,
    pub max_yaml_depth: Option<usize>,
    /// Named deployments, in file order: the root modules that share one instance, and
    /// the manifests that belong to it alone.
    pub deployments: Vec<Deployment>,
    /// The configuration file this one extends, resolved against `root`.
    pub extend: Option<PathBuf>,
    /// Rule names no built-in rule answers to, with the error to report unless an installed
    /// policy does (`verify_rules`).
    pub unverified_rules: Vec<(String, ConfigError)>,
    /// Each key this configuration sets, with the file and line that set it (a file it
    /// `extend`s, for a key taken from there).
    pub set: BTreeMap<&'static str, Origin>,
    /// Named with `--config`: it applies to every file, and nested configurations do not.
    pub explicit: bool,
}

/// Where a configuration value was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    pub line: usize,
}

/// A deployment the configuration names (`deployments:`): Terraform root modules run
/// against one Kestra instance, merged into one deployment of that name, and manifests
/// that belong to it (a manifest no deployment claims belongs to every one).
#[derive(Clone, Debug)]
pub struct Deployment {
    pub name: String,
    /// Root module folders, relative to the configuration's folder.
    pub roots: Vec<PathBuf>,
    pub manifests: Vec<PathGlob>,
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
    /// The folder the glob is relative to: the folder of the file that wrote it, which for
    /// an entry taken through `extend` is not the extending file's.
    pub root: PathBuf,
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
pub(crate) enum Shape {
    Rules,
    SeverityMap,
    PerFileIgnores,
    ObjectIgnores,
    Duration,
    Globs,
    Path,
    Bool,
    /// A whole number in `min..=max`: every numeric setting is bounded, so that
    /// no value can overflow a size or start an unbounded amount of work.
    Int {
        min: u64,
        max: u64,
    },
    Deployments,
    /// Another configuration file this one starts from.
    Extend,
}

/// The largest accepted `max-file-size` (1 GiB): a file is held in memory whole while it is
/// linted, on every worker thread at once.
pub const MAX_FILE_SIZE: u64 = 1 << 30;
/// The deepest accepted `max-yaml-depth`: parsed trees are walked recursively, and this
/// keeps them far from any thread's stack limit.
pub const MAX_YAML_DEPTH: u64 = 1000;

pub struct Key {
    pub name: &'static str,
    pub description: &'static str,
    /// Shapes the one workspace model every file shares (which files are read, how, which
    /// policies exist): read from the run's workspace configuration only, never from a
    /// nested one.
    pub workspace: bool,
    /// How a configuration takes this key's value from the one it `extend`s: the per-file
    /// keys only (`None`: a workspace-wide key, or `extend` itself).
    pub(crate) inherit: Option<fn(&mut Config, &Config)>,
    pub(crate) shape: Shape,
    /// A valid value, as YAML, shown in the schema and parsed by a test.
    pub example: &'static str,
}

pub const KEYS: &[Key] = &[
    Key {
        name: "select",
        inherit: Some(|c, b| c.select = b.select.clone()),
        workspace: false,
        description: "Rules to run instead of the defaults: codes, names, code prefixes (IAM2) or ALL.",
        shape: Shape::Rules,
        example: "[IAM1, IAM2]",
    },
    Key {
        name: "extend-select",
        inherit: Some(|c, b| c.extend_select = b.extend_select.clone()),
        workspace: false,
        description: "Rules to run in addition to the selected ones (e.g. opt-in rules).",
        shape: Shape::Rules,
        example: "[IAM402]",
    },
    Key {
        name: "ignore",
        inherit: Some(|c, b| c.ignore = b.ignore.clone()),
        workspace: false,
        description: "Rules never to run.",
        shape: Shape::Rules,
        example: "[IAM401]",
    },
    Key {
        name: "severity",
        inherit: Some(|c, b| c.severity = b.severity.clone()),
        workspace: false,
        description: "Severity per rule, overriding the rule's default.",
        shape: Shape::SeverityMap,
        example: "{IAM401: error, token-extended-expiry: info}",
    },
    Key {
        name: "per-file-ignores",
        inherit: Some(|c, b| c.per_file_ignores = b.per_file_ignores.clone()),
        workspace: false,
        description: "Rules not reported in files matching a glob (relative to this file's folder).",
        shape: Shape::PerFileIgnores,
        example: "{\"legacy/**\": [IAM101, IAM102]}",
    },
    Key {
        name: "object-ignores",
        inherit: Some(|c, b| c.object_ignores = b.object_ignores.clone()),
        workspace: false,
        description: "Rules not reported on an object, by its address as the baseline records it (`serviceAccounts[ci-bot]`, `kestra_service_account.ci`): JSON manifests have no comments to suppress with.",
        shape: Shape::ObjectIgnores,
        example: "{\"serviceAccounts[ci-deployer]\": [IAM303]}",
    },
    Key {
        name: "max-token-age",
        inherit: Some(|c, b| c.max_token_age = b.max_token_age),
        workspace: false,
        description: "The longest accepted API token lifetime, as an ISO 8601 duration Kestra reads (days, hours, minutes, seconds), at most P36500D.",
        shape: Shape::Duration,
        example: "P30D",
    },
    Key {
        name: "include",
        inherit: None,
        workspace: true,
        description: "Only files matching one of these globs are linted (relative to this file's folder).",
        shape: Shape::Globs,
        example: "[\"iam/**\", \"*.tf\"]",
    },
    Key {
        name: "exclude",
        inherit: None,
        workspace: true,
        description: "Files matching one of these globs are never linted.",
        shape: Shape::Globs,
        example: "[\"vendor/**\"]",
    },
    Key {
        name: "rules-dir",
        inherit: None,
        workspace: true,
        description: "Folder of custom policy files (relative to this file's folder).",
        shape: Shape::Path,
        example: "policies",
    },
    Key {
        name: "require-suppression-reason",
        inherit: Some(|c, b| c.require_suppression_reason = b.require_suppression_reason),
        workspace: false,
        description: "An iamlint-ignore comment must give a reason after `--`.",
        shape: Shape::Bool,
        example: "true",
    },
    Key {
        name: "unsuppressible",
        inherit: Some(|c, b| c.unsuppressible = b.unsuppressible.clone()),
        workspace: false,
        description: "Rules that iamlint-ignore comments cannot silence.",
        shape: Shape::Rules,
        example: "[IAM301]",
    },
    Key {
        name: "max-file-size",
        inherit: None,
        workspace: true,
        description: "Files larger than this many bytes are reported (IAM001) instead of linted (1 to 1073741824, 1 GiB).",
        shape: Shape::Int { min: 1, max: MAX_FILE_SIZE },
        example: "1048576",
    },
    Key {
        name: "max-yaml-depth",
        inherit: None,
        workspace: true,
        description: "The deepest YAML nesting accepted before a file is reported as malformed (1 to 1000).",
        shape: Shape::Int { min: 1, max: MAX_YAML_DEPTH },
        example: "64",
    },
    Key {
        name: "deployments",
        inherit: None,
        workspace: true,
        description: "Named deployments: `roots` are Terraform root module folders run against one Kestra instance (merged into one deployment), `manifests` globs of manifests (and Terraform plans) that belong to it alone (relative to this file's folder). A root no deployment names is a deployment of its own, named by its folder; a manifest none claims belongs to every deployment. Workspace-wide: read from the run's configuration, ignored (with a warning) in a nested one.",
        shape: Shape::Deployments,
        example: "{prod: {roots: [envs/prod, envs/prod-eu], manifests: [\"iam/prod/**\"]}}",
    },
    Key {
        name: "extend",
        inherit: None,
        workspace: false,
        description: "Another configuration file (relative to this file's folder) whose per-file settings this one starts from; the keys this file sets replace that file's. A nested configuration inherits nothing without it.",
        shape: Shape::Extend,
        example: "../.iamlint.yaml",
    },
];

impl Config {
    /// Fails on the first rule name that neither a built-in rule nor a policy of
    /// `catalogue` answers to.
    pub fn verify_rules(&self, catalogue: &crate::catalogue::Catalogue) -> Result<(), String> {
        for (rule, error) in &self.unverified_rules {
            let probe = crate::select::Selection { select: Some(vec![rule.clone()]), ..Default::default() };
            if probe.validate(catalogue).is_err() {
                return Err(error.to_string());
            }
        }
        Ok(())
    }

    /// The workspace configuration of a run: `explicit` (`--config`) if given, else the
    /// outermost one of the repository above the folder that holds every path (`outermost`).
    /// It says which files are read and how (its workspace-wide keys), and applies to every
    /// file no nested configuration is nearer to (`nested`).
    pub fn load(explicit: Option<&Path>, paths: &[PathBuf]) -> Result<Config, String> {
        if let Some(file) = explicit {
            let config = Config::read(file).map_err(|e| e.to_string())?;
            return Ok(Config { explicit: true, ..config });
        }
        match common_folder(paths).as_deref().and_then(outermost) {
            None => Ok(Config { root: std::env::current_dir().unwrap_or_default(), ..Config::default() }),
            Some(file) => Config::read_found(&file).map_err(|e| e.to_string()),
        }
    }

    /// A configuration file named on the command line: the user's choice, read wherever it is
    /// (within the size limit), with the files it extends.
    pub fn read(file: &Path) -> Result<Config, ConfigError> {
        read_extended(file, None, &mut Vec::new())
    }

    /// A configuration file found beside the linted paths, which may come with the pull
    /// request under review: it, the files it extends and the policy folder it names, must
    /// lie inside its repository (`confine::repository_root`), so that it cannot make iamlint
    /// read a file of the machine through a symbolic link or a `../..` path.
    pub fn read_found(file: &Path) -> Result<Config, ConfigError> {
        let repository = crate::confine::repository_root(file);
        read_extended(file, Some(&repository), &mut Vec::new())
    }

    /// The keys set in a nested configuration that only the workspace configuration may set,
    /// with where each is written.
    pub fn workspace_keys_set(&self) -> Vec<(&'static str, &Origin)> {
        KEYS.iter().filter(|k| k.workspace).filter_map(|k| Some((k.name, self.set.get(k.name)?))).collect()
    }

    /// The rule selection this configuration asks for, before command-line flags.
    pub fn selection(&self) -> Selection {
        Selection {
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            severities: self.severity.iter().cloned().collect(),
            per_file_ignores: self.per_file_ignores.clone(),
            object_ignores: self.object_ignores.clone(),
        }
    }

    pub fn file_filter(&self) -> FileFilter {
        FileFilter {
            root: self.root.clone(),
            include: self.include.clone(),
            exclude: self.exclude.clone(),
            deployments: self.deployments.clone(),
        }
    }
}

/// Which discovered files a run keeps, by the configuration's `include` and `exclude`.
#[derive(Clone, Debug, Default)]
pub struct FileFilter {
    pub root: PathBuf,
    pub include: Vec<PathGlob>,
    pub exclude: Vec<PathGlob>,
    /// The configuration's deployments, which place root modules and manifests.
    pub deployments: Vec<Deployment>,
}

impl FileFilter {
    /// Files outside the configuration's folder are not governed by it. Files named on
    /// the command line are filtered too, so an excluded file stays excluded when
    /// pre-commit passes it by name.
    pub fn keeps(&self, path: &Path) -> bool {
        if self.include.is_empty() && self.exclude.is_empty() {
            return true;
        }
        // Discovery keys are canonical already, except a link that leads outside the
        // workspace, which is judged by where it is, not where it points.
        let relative =
            path.strip_prefix(&self.root).map(Path::to_path_buf).ok().or_else(|| relative_to(&self.root, path));
        let Some(relative) = relative else { return true };
        (self.include.is_empty() || self.include.iter().any(|g| g.is_match(&relative)))
            && !self.exclude.iter().any(|g| g.is_match(&relative))
    }
}

impl FileFilter {
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        path.strip_prefix(&self.root).map(Path::to_path_buf).ok().or_else(|| relative_to(&self.root, path))
    }

    /// The name the configuration gives the root module in folder `dir`.
    pub fn deployment_of_root(&self, dir: &Path) -> Option<&str> {
        let relative = self.relative(dir)?;
        let relative = if relative.as_os_str().is_empty() { PathBuf::from(".") } else { relative };
        let named = |r: &PathBuf| r == &relative || (r.as_os_str() == "." && relative.as_os_str() == ".");
        self.deployments.iter().find(|d| d.roots.iter().any(named)).map(|d| d.name.as_str())
    }

    /// The deployment the configuration assigns a manifest at `path` to, if any.
    pub fn deployment_of_manifest(&self, path: &Path) -> Option<&str> {
        if self.deployments.is_empty() {
            return None;
        }
        let relative = self.relative(path)?;
        self.deployments.iter().find(|d| d.manifests.iter().any(|g| g.is_match(&relative))).map(|d| d.name.as_str())
    }
}

/// `path` relative to `root`, both made absolute first.
pub fn relative_to(root: &Path, path: &Path) -> Option<PathBuf> {
    let abs = path.canonicalize().ok()?;
    abs.strip_prefix(root).ok().map(Path::to_path_buf)
}

/// How many files an `extend` chain may hold: more is a mistake, not a setup.
const MAX_EXTEND_DEPTH: usize = 8;

/// `file` read, and the per-file settings of the file it `extend`s (recursively) filled in
/// where it sets none. `repository`: the folder a found configuration and what it names
/// must lie in. `chain`: the files being read, to report a cycle.
fn read_extended(file: &Path, repository: Option<&Path>, chain: &mut Vec<PathBuf>) -> Result<Config, ConfigError> {
    if let Some(repository) = repository {
        if crate::confine::escapes(repository, file) {
            let what = if chain.is_empty() { "the configuration file is a symbolic link to" } else { "extends a file" };
            return Err(whole_file_error(
                chain.last().map_or(file, PathBuf::as_path),
                format!("{what} outside the repository `{}`; not read", repository.display()),
            ));
        }
    }
    let read = if repository.is_some() { crate::confine::read_bounded } else { crate::confine::read_named };
    let text = read_text(file, read)?;
    let root = file.canonicalize().ok().and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or_default();
    let mut config = parse::parse_in(file, &text, root, repository)?;
    let Some(base_file) = config.extend.clone() else { return Ok(config) };
    let at = config.set.get("extend").map_or(1, |o| o.line);
    let error =
        |message: String| ConfigError { file: file.to_path_buf(), line: at, column: 1, key: "extend".into(), message };
    let canonical = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
    chain.push(canonical);
    if base_file.canonicalize().is_ok_and(|b| chain.contains(&b)) {
        return Err(error(format!("`{}` extends this file again: a cycle", base_file.display())));
    }
    if chain.len() >= MAX_EXTEND_DEPTH {
        return Err(error(format!("more than {MAX_EXTEND_DEPTH} files extend one another")));
    }
    if !base_file.is_file() {
        return Err(error(format!("`{}` is not a configuration file", base_file.display())));
    }
    let base = read_extended(&base_file, repository, chain)?;
    config.inherit(base);
    Ok(config)
}

impl Config {
    /// Takes from `base` every per-file setting this configuration does not set itself,
    /// remembering where it came from.
    fn inherit(&mut self, base: Config) {
        for key in KEYS {
            let Some(take) = key.inherit else { continue };
            if self.set.contains_key(key.name) {
                continue;
            }
            let Some(origin) = base.set.get(key.name) else { continue };
            self.set.insert(key.name, origin.clone());
            take(self, &base);
        }
        self.unverified_rules.extend(base.unverified_rules);
    }
}

/// The folder that holds every one of `paths` (as named, links not followed); a lone path
/// is itself, so that `find` treats a named file as it always did.
fn common_folder(paths: &[PathBuf]) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    if let [only] = paths {
        return Some(only.clone());
    }
    let mut common: Option<PathBuf> = None;
    for path in paths {
        let abs = crate::confine::absolute(path, cwd.as_deref());
        let is_dir = std::fs::symlink_metadata(&abs).is_ok_and(|m| m.is_dir());
        let folder = if is_dir { abs } else { abs.parent().map(Path::to_path_buf).unwrap_or(abs) };
        common = Some(match common {
            None => folder,
            Some(c) => c.components().zip(folder.components()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect(),
        });
    }
    common
}

/// The configuration farthest above `path` within its repository: the run's, whichever
/// files of the repository are named. Naming only a team folder's files (as pre-commit does)
/// must not promote that folder's nested configuration, whose workspace-wide keys (`exclude`)
/// a run of the whole repository ignores. Outside a repository, the nearest: the walk up
/// would otherwise reach the configurations of unrelated folders (a home folder's).
fn outermost(path: &Path) -> Option<PathBuf> {
    let mut found = find(path)?;
    let cwd = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    let abs = crate::confine::absolute(path, cwd.as_deref());
    if !abs.ancestors().any(|d| d.join(".git").exists()) {
        return Some(found);
    }
    let above = |config: &Path| {
        let folder = config.parent().filter(|f| !f.as_os_str().is_empty())?;
        if folder.join(".git").exists() {
            return None;
        }
        find(folder.parent()?)
    };
    while let Some(next) = above(&found) {
        found = next;
    }
    Some(found)
}

/// Configuration files are short; a bigger one is not a configuration file.
pub const MAX_CONFIG_FILE: u64 = 1 << 20;

/// A configuration file's text, read by `read` within `MAX_CONFIG_FILE` whatever its
/// reported size (a link to `/proc/self/pagemap` reports 0 and holds gigabytes).
fn read_text(
    file: &Path,
    read: fn(&Path, u64) -> Result<Vec<u8>, crate::confine::ReadError>,
) -> Result<String, ConfigError> {
    let bytes = read(file, MAX_CONFIG_FILE).map_err(|e| {
        whole_file_error(
            file,
            match e {
                crate::confine::ReadError::TooLarge => {
                    format!("the configuration file is larger than {MAX_CONFIG_FILE} bytes; not read")
                }
                e => format!("cannot read the configuration file: {e}"),
            },
        )
    })?;
    String::from_utf8(bytes)
        .map_err(|_| whole_file_error(file, "cannot read the configuration file: it is not valid UTF-8".into()))
}

fn whole_file_error(file: &Path, message: String) -> ConfigError {
    ConfigError { file: file.to_path_buf(), line: 1, column: 1, key: String::new(), message }
}

/// The nearest `.iamlint.yaml` (or `.iamlint.yml`) from `path` upwards, stopping at the
/// repository root; for a path that does not exist, from the folder it would be in. Any entry by that name counts, so that a FIFO, a folder or a dangling
/// link there is an error when read rather than silently no configuration. The search
/// starts where the path is named, not where a link leads: a committed
/// `b.tf -> ../../outside/b.tf` must not pick up a configuration (and its policies) from
/// outside the repository.
pub fn find(path: &Path) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    let abs = crate::confine::absolute(path, cwd.as_deref());
    // A path with nothing on disk yet (an editor's unsaved buffer on standard input) is
    // looked for from where it would be.
    let is_real_dir = std::fs::symlink_metadata(&abs).is_ok_and(|m| m.is_dir());
    let mut dir = if is_real_dir { abs.as_path() } else { abs.parent()? };
    loop {
        let found = FILE_NAMES.iter().map(|name| dir.join(name)).find(|c| std::fs::symlink_metadata(c).is_ok());
        if let Some(candidate) = found {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
        dir = dir.parent()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

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
        // Known only once policies are installed: reported then, still naming line and key.
        let e = parse_text("ignore: [IAM999]\n")
            .unwrap()
            .verify_rules(&crate::catalogue::Catalogue::builtin())
            .unwrap_err();
        assert!(e.contains("unknown rule `IAM999`") && e.contains(":1:10: `ignore`"), "{e}");
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

    /// The schema's bounds are the parser's: each numeric key accepts its minimum and
    /// maximum, rejects one past either end (naming the key and line), and the schema says
    /// the same numbers.
    #[test]
    fn numeric_keys_are_bounded_alike_in_parser_and_schema() {
        let schema = schema();
        let mut checked = 0;
        for key in KEYS {
            let Shape::Int { min, max } = key.shape else { continue };
            checked += 1;
            let property = &schema["properties"][key.name];
            assert_eq!((property["minimum"].as_u64(), property["maximum"].as_u64()), (Some(min), Some(max)));
            for ok in [min, max] {
                parse_text(&format!("{}: {ok}\n", key.name)).unwrap_or_else(|e| panic!("{}: {e}", key.name));
            }
            let mut bad = vec![max + 1, u64::MAX];
            bad.extend(min.checked_sub(1));
            for n in bad {
                let e = parse_text(&format!("# limits\n{}: {n}\n", key.name)).unwrap_err();
                assert_eq!((e.line, e.key.as_str()), (2, key.name), "{e}");
                assert!(e.message.contains(&max.to_string()), "{e}");
            }
            let e = parse_text(&format!("{}: 99999999999999999999999\n", key.name)).unwrap_err();
            assert!(e.message.contains("up to"), "{e}");
        }
        assert_eq!(checked, 2);
    }

    /// Every per-file key is inherited through `extend`, no workspace-wide one is.
    #[test]
    fn extend_inherits_exactly_the_per_file_keys() {
        for key in KEYS {
            assert_eq!(key.inherit.is_some(), !key.workspace && key.name != "extend", "{}", key.name);
        }
        let base =
            parse_text(&KEYS.iter().map(|k| format!("{}: {}\n", k.name, k.example)).collect::<String>()).unwrap();
        let mut config = parse_text("").unwrap();
        config.inherit(base);
        assert!(config.select.is_some() && config.max_token_age.is_some() && config.require_suppression_reason);
        assert_eq!(config.unsuppressible, vec!["IAM301"]);
        assert!(config.exclude.is_empty() && config.max_file_size.is_none() && config.deployments.is_empty());
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
        // Editors tell which keys a nested configuration may not set.
        for key in KEYS {
            let description = schema["properties"][key.name]["description"].as_str().unwrap();
            assert_eq!(description.contains("Workspace-wide"), key.workspace, "{}", key.name);
        }
        // Each schema example is accepted by the parser (via its YAML form: JSON is YAML).
        for (name, property) in schema["properties"].as_object().unwrap() {
            let example = &property["examples"][0];
            let text = format!("{name}: {example}\n");
            parse_text(&text).unwrap_or_else(|e| panic!("schema example for {name} rejected: {e}"));
        }
    }
}
