//! Files Terraform reads (`file`, `templatefile`) and decodes (`yamldecode`, `jsondecode`):
//! the workspace's YAML and JSON data files, whose literal values feed the evaluator, so
//! that `for_each = yamldecode(file("${path.module}/bots.yaml")).bots` yields one account
//! per entry with its real name and `max_age`. A value read from a data file keeps its span
//! there (a finding points at it) but is marked computed: the data file is Terraform's, and
//! no fix edits it (its keys are whatever the configuration reads).

use super::value::{Entry, Value, ValueKind};
use crate::source::{FileId, Span};
use crate::syntax::yaml::{self, Limits, Node};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

/// The workspace's data files, by canonical path.
#[derive(Default)]
pub struct DataFiles {
    by_path: HashMap<PathBuf, FileId>,
    texts: HashMap<FileId, Arc<str>>,
    /// Each file's YAML, parsed at its first `yamldecode`: every instance of a module and
    /// every use of a local decodes the same text again.
    decoded: HashMap<FileId, OnceLock<Option<Node>>>,
    limits: Limits,
}

impl DataFiles {
    pub fn new(files: impl Iterator<Item = (PathBuf, FileId, Arc<str>)>, limits: Limits) -> Self {
        let mut data = DataFiles { limits, ..DataFiles::default() };
        for (path, file, text) in files {
            data.by_path.insert(path, file);
            data.texts.insert(file, text);
            data.decoded.insert(file, OnceLock::new());
        }
        data
    }
}

/// What a module's reads resolve against: its folder and the workspace's data files.
#[derive(Clone)]
pub struct Reads {
    pub dir: PathBuf,
    pub data: Arc<DataFiles>,
}

impl Reads {
    /// `path.module`, `path.root`, `path.cwd`: a path relative to the module's folder, as
    /// reads resolve it (the root's folder is taken for the module's, as data files are
    /// found: see `frontend::data`).
    pub fn path(&self, span: Span) -> Value {
        Value::computed(ValueKind::Str(".".into()), span)
    }

    fn text(&self, path: &Value) -> Option<(FileId, &Arc<str>)> {
        let path = path.as_str()?;
        if path.starts_with('/') {
            return None;
        }
        let joined = crate::confine::absolute(&self.dir.join(Path::new(path)), None);
        let canonical = joined.canonicalize().unwrap_or(joined);
        let file = *self.data.by_path.get(&canonical)?;
        Some((file, self.data.texts.get(&file)?))
    }

    /// `file(path)`: the text, spanning the whole file.
    pub fn file(&self, args: &[Value], span: Span) -> Value {
        match args {
            [path] => match self.text(path) {
                Some((file, text)) => whole(file, text),
                None => Value::unknown(span),
            },
            _ => Value::unknown(span),
        }
    }

    /// `templatefile(path, vars)` of a template with no interpolation or directive: its text.
    pub fn templatefile(&self, args: &[Value], span: Span) -> Value {
        match args {
            [path, _] => match self.text(path) {
                Some((file, text)) if !text.contains("${") && !text.contains("%{") => whole(file, text),
                _ => Value::unknown(span),
            },
            _ => Value::unknown(span),
        }
    }

    /// `yamldecode`/`jsondecode` of a data file's whole text: its values, each spanning where
    /// it is written. Of any other string: unknown.
    pub fn decode(&self, args: &[Value], span: Span) -> Value {
        let [text] = args else { return Value::unknown(span) };
        let (ValueKind::Str(s), file) = (&text.kind, text.span.file) else { return Value::unknown(span) };
        let verbatim = text.span.start == 0
            && self.data.texts.get(&file).is_some_and(|t| t.len() == s.len() && t.as_ref() == s.as_str());
        if !verbatim {
            return Value::unknown(span);
        }
        let Some(once) = self.data.decoded.get(&file) else { return Value::unknown(span) };
        let parsed = once.get_or_init(|| match yaml::parse(s, self.data.limits) {
            Ok(mut docs) if docs.len() == 1 => docs.pop(),
            _ => None,
        });
        match parsed {
            Some(node) => data_value(node, file, 0),
            None => Value::unknown(span),
        }
    }
}

fn whole(file: FileId, text: &Arc<str>) -> Value {
    Value::computed(ValueKind::Str(text.to_string()), Span::new(file, 0, text.len()))
}

/// Deeper data is unknown (the YAML parser bounds depth already; values must stay within
/// what the evaluator walks).
const MAX_DEPTH: usize = super::value::MAX_NESTING;

/// A decoded value: YAML's plain scalars as Terraform's `yamldecode` reads them (null,
/// booleans, numbers, else strings), computed so that no fix writes into the data file.
fn data_value(node: &Node, file: FileId, depth: usize) -> Value {
    let span = Span::new(file, node.start(), node.end());
    if depth > MAX_DEPTH {
        return Value::unknown(span);
    }
    let kind = match node {
        Node::Scalar(s) if s.quoted => ValueKind::Str(s.text.clone()),
        Node::Scalar(_) if node.is_null() => ValueKind::Null,
        Node::Scalar(s) => match (node.as_bool(), s.text.parse::<f64>()) {
            (Some(b), _) => ValueKind::Bool(b),
            (None, Ok(n)) if n.is_finite() => ValueKind::Number(n),
            _ => ValueKind::Str(s.text.clone()),
        },
        Node::Seq { items, .. } => {
            ValueKind::List(Rc::new(items.iter().map(|i| data_value(i, file, depth + 1)).collect()))
        }
        Node::Map { entries, .. } => {
            let map: BTreeMap<String, Entry> = entries
                .iter()
                .filter_map(|(k, v)| {
                    let key = k.as_str()?.to_string();
                    let entry = Entry {
                        key: Span::new(file, k.start(), k.end()),
                        key_computed: true,
                        value: data_value(v, file, depth + 1),
                    };
                    Some((key, entry))
                })
                .collect();
            ValueKind::Map(Rc::new(map))
        }
    };
    Value::computed(kind, span)
}
