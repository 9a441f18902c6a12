//! YAML and JSON manifests (docs/inputs.md): a mapping with at least one of the section keys.
//! Anything else is not ours and is skipped without a word.

use crate::finding::{Edit, Fix, Label};
use crate::frontend::credentials::{self, KeyClass};
use crate::model::*;
use crate::rules::{SYNTAX_ERROR, UNKNOWN_KEY};
use crate::schema::{self, FieldId, Object};
use crate::source::{FileId, Reading, Span};
use crate::syntax::yaml::{self, Limits, Node};

pub fn parse(file: FileId, text: &str, json: bool) -> FileModel {
    parse_with(file, text, json, Limits::default())
}

pub fn parse_with(file: FileId, text: &str, json: bool, limits: Limits) -> FileModel {
    parse_as(file, text, json, limits, false)
}

/// A Helm chart's values file (`values.yaml` beside `Chart.yaml` or `templates/`): its
/// chart keys (`replicaCount`, `serviceAccount`) sit beside lists that may look like
/// Kestra's (`groups: [{name, description}]`), so it is a manifest only when every
/// top-level key is a section (or `tenant`), as a manifest kept there would be.
pub fn parse_chart_values(file: FileId, text: &str, limits: Limits) -> FileModel {
    parse_as(file, text, false, limits, true)
}

fn parse_as(file: FileId, text: &str, json: bool, limits: Limits, chart_values: bool) -> FileModel {
    let mut model = FileModel::default();
    // YAML accepts JSON's supersets (trailing commas, comments): a .json file must also be
    // strict JSON, or Kestra's API and every other tool will reject it.
    if json {
        if let Err((offset, e)) = yaml::check_strict_json(text) {
            model.reading = Reading::Skipped("not valid JSON, and shows no IAM section");
            if looks_like_manifest(text) {
                model.reading = Reading::As(READ_AS);
                model.problems.push(Problem {
                    code: SYNTAX_ERROR.code,
                    span: Span::new(file, offset, offset),
                    message: format!("cannot parse JSON manifest: {e}"),
                    help: None,
                    labels: Vec::new(),
                    fix: None,
                });
            }
            return model;
        }
    }
    let docs = match yaml::parse(text, limits) {
        Ok(docs) => docs,
        Err(e) => {
            model.reading = Reading::Skipped("not valid YAML, and shows no IAM section");
            if looks_like_manifest(text) {
                model.reading = Reading::As(READ_AS);
                model.problems.push(Problem {
                    code: SYNTAX_ERROR.code,
                    span: Span::new(file, e.offset, e.offset),
                    message: format!("cannot parse manifest: {}", e.message),
                    help: None,
                    labels: Vec::new(),
                    fix: None,
                });
            }
            return model;
        }
    };
    model.reading = match docs.iter().find(|d| !d.is_null()) {
        Some(first) if chart_values && is_manifest(first) => {
            Reading::Skipped("Helm chart values, with keys that are no IAM section")
        }
        Some(first) => Reading::Skipped(why_not(first)),
        None => Reading::Skipped("empty"),
    };
    for doc in &docs {
        let mut lowering = Lowering { file, text, model: &mut model, tenant: "main".into() };
        if is_manifest(doc) && (!chart_values || only_sections(doc)) {
            lowering.model.reading = Reading::As(READ_AS);
            lowering.document(doc);
        } else {
            // Not ours, but a snippet of it may still be shown (a workflow's IAM601):
            // credentials are starred, not reported.
            lowering.credentials(doc, "", 0, false, None);
        }
    }
    model
}

/// Whether a document is an IAM manifest. Pre-commit hands every YAML and JSON file over,
/// and Prometheus rules (`groups:`), Ansible variables and kubeconfigs (`users:`) share the
/// section names: so a manifest is a mapping whose sections (or keys one typo away from a
/// section) list objects whose keys are mostly Kestra fields. Kubernetes objects
/// (`apiVersion`, `kind`) and Keycloak realm exports (`realm`, whose users carry Kestra's
/// user fields) never are. Other top-level keys do not decide: adding a Terraform plan's
/// keys, or any other, to a manifest must not hide it (they are IAM002).
pub fn is_manifest(doc: &Node) -> bool {
    let Node::Map { entries, .. } = doc else { return false };
    if entries.iter().any(|(k, _)| matches!(k.as_str(), Some("apiVersion" | "kind" | "realm"))) {
        return false;
    }
    let (mut fields, mut keys) = (0, 0);
    for (k, v) in entries {
        let Some(object) = k.as_str().and_then(section_object) else { continue };
        if let Node::Seq { items, .. } = v {
            let (mut section_fields, mut section_keys) = (0, 0);
            for item in items {
                let Node::Map { entries, .. } = item else {
                    section_keys += 1;
                    continue;
                };
                for (k, v) in entries {
                    section_keys += 1;
                    section_fields += usize::from(k.as_str().is_some_and(|k| is_field_of(object, k, v)));
                }
            }
            // One section listing objects that are not Kestra's (a Keycloak chart's
            // `groups: [{name, path}]`) says the file is someone else's, whatever the others.
            if section_fields * 2 <= section_keys && section_keys > 0 {
                return false;
            }
            fields += section_fields;
            keys += section_keys;
        }
    }
    fields * 2 > keys
}

/// Every top-level key is a section (or one typo away from one) or `tenant`.
fn only_sections(doc: &Node) -> bool {
    let Node::Map { entries, .. } = doc else { return false };
    // A typo never hides a file: `tennant`, `serviceAcounts` are the manifest's own keys.
    let tenant_typo = |k: &str| strsim::damerau_levenshtein(&crate::suggest::fold(k), "tenant") <= 1;
    entries.iter().all(|(k, _)| {
        k.as_str().is_some_and(|k| tenant_typo(k) || section_object(k).is_some() || misspelt_section(k).is_some())
    })
}

/// What `--show-files` calls a manifest.
pub const READ_AS: &str = "IAM manifest";

/// Why a document is not a manifest, in the words of `--show-files`.
fn why_not(doc: &Node) -> &'static str {
    let Node::Map { entries, .. } = doc else { return "not a mapping of IAM sections" };
    let has = |key: &str| entries.iter().any(|(k, _)| k.as_str() == Some(key));
    if has("apiVersion") || has("kind") {
        "a Kubernetes object (`apiVersion`, `kind`)"
    } else if has("realm") {
        "a Keycloak realm export (`realm`)"
    } else if entries.iter().any(|(k, _)| k.as_str().and_then(section_object).is_some()) {
        "its sections do not list Kestra objects"
    } else {
        "no IAM section (`serviceAccounts`, `users`, `groups`, `roles`, `bindings`)"
    }
}

/// The kind of object a top-level key lists: a section, or a key one typo away from one.
fn section_object(key: &str) -> Option<&'static Object> {
    let section = schema::sections().find(|s| *s == key).or_else(|| misspelt_section(key))?;
    schema::KINDS.into_iter().map(schema::object).find(|o| o.section == Some(section))
}

/// The section a top-level key misspells: the same up to case and separators, or one edit
/// (a letter missing, extra, changed or two swapped) away.
pub fn misspelt_section(key: &str) -> Option<&'static str> {
    // Asked of every top-level key of every YAML file by the prefilter: the sections are
    // folded once, and one edit apart means lengths at most one apart.
    static FOLDED: std::sync::LazyLock<Vec<(&'static str, String)>> =
        std::sync::LazyLock::new(|| schema::sections().map(|s| (s, crate::suggest::fold(s))).collect());
    let folded = crate::suggest::fold(key);
    let length = folded.chars().count();
    let mut near = FOLDED
        .iter()
        .filter(|(s, f)| *s != key && f.chars().count().abs_diff(length) <= 1)
        .filter(|(_, f)| strsim::damerau_levenshtein(&folded, f) <= 1)
        .map(|(s, _)| *s);
    match (near.next(), near.next()) {
        (Some(s), None) => Some(s),
        _ => None,
    }
}

/// Whether `key: value` reads as a field of `object`: a key it knows (or one typo away from
/// one, as hand-written files have), holding a value of the field's shape.
fn is_field_of(object: &'static Object, key: &str, value: &Node) -> bool {
    let Some(field) = object.fields.iter().find(|f| f.manifest.contains(&key)) else {
        let folded = crate::suggest::fold(key);
        return folded.len() >= 4
            && object
                .fields
                .iter()
                .flat_map(|f| f.manifest)
                .any(|k| strsim::damerau_levenshtein(&folded, &crate::suggest::fold(k)) <= 1);
    };
    match field.ty {
        schema::Type::References => !matches!(value, Node::Scalar(_)) || value.is_null(),
        // Nested objects are mappings (`FLOW: [READ]`, a token), one or a list of them: a
        // list of words (a Helm chart's `permissions: [pods]`) is not Kestra's.
        schema::Type::Nested => match value {
            Node::Seq { items, .. } => items.iter().all(|i| matches!(i, Node::Map { .. })),
            Node::Map { .. } => true,
            Node::Scalar(_) => value.is_null(),
        },
        schema::Type::Unread => true,
        _ => matches!(value, Node::Scalar(_)),
    }
}

/// An unparsable file is ours to report only when it shows a section key at column 0
/// (YAML) or as a quoted key (JSON); Helm templates and the like are not.
pub(crate) fn looks_like_manifest(text: &str) -> bool {
    text.lines().any(|line| {
        let t = line.trim_start_matches(['{', ' ', '\t']);
        schema::sections().any(|s| {
            line.strip_prefix(s).is_some_and(|r| r.trim_start().starts_with(':'))
                || t.strip_prefix('"').and_then(|r| r.strip_prefix(s)).is_some_and(|r| r.starts_with('"'))
        })
    })
}

/// A literal Kestra-generated id (22 base62 characters, as in `68xAawPfiJPkTkZJIPX6jQ`):
/// it names an object managed elsewhere. Valid names cannot hold uppercase, so requiring
/// one keeps real names out.
pub fn looks_like_kestra_id(s: &str) -> bool {
    s.len() == 22 && s.bytes().all(|b| b.is_ascii_alphanumeric()) && s.bytes().any(|b| b.is_ascii_uppercase())
}

/// A boolean written as Jackson still reads one: a quoted `"true"` or `"false"` (which it
/// coerces), or a YAML 1.1 spelling (`yes`, `on`, `off`) that Kestra's YAML reader resolves.
fn coerced_bool(node: &Node) -> Option<bool> {
    let Node::Scalar(s) = node else { return None };
    let text = s.text.as_str();
    match (s.quoted, text) {
        (true, "true" | "True" | "TRUE") => Some(true),
        (true, "false" | "False" | "FALSE") => Some(false),
        (false, "yes" | "Yes" | "YES" | "on" | "On" | "ON") => Some(true),
        (false, "no" | "No" | "NO" | "off" | "Off" | "OFF") => Some(false),
        _ => None,
    }
}

/// A manifest value produced by a template engine (`${X}`, `{{ x }}`) is not a literal.
fn is_templated(s: &str) -> bool {
    s.contains("${") || s.contains("{{")
}

struct Lowering<'a> {
    file: FileId,
    text: &'a str,
    model: &'a mut FileModel,
    tenant: String,
}

impl Lowering<'_> {
    /// Whether two offsets lie on one line. Looks only at the bytes between them: counting
    /// lines from the start of the file for every item made lowering quadratic in file size.
    fn same_line(&self, a: usize, b: usize) -> bool {
        let (from, to) = (a.min(b).min(self.text.len()), a.max(b).min(self.text.len()));
        !self.text.as_bytes()[from..to].contains(&b'\n')
    }

    fn span(&self, node: &Node) -> Span {
        Span::new(self.file, node.start(), node.end())
    }

    fn document(&mut self, doc: &Node) {
        let top_keys = std::iter::once(schema::MANIFEST_TENANT).chain(schema::sections());
        self.check_keys_except(doc, top_keys, std::iter::empty(), "the manifest");
        if let Some(t) = doc.get(schema::MANIFEST_TENANT).and_then(Node::as_str) {
            self.tenant = t.to_string();
        }
        for (object, lower) in [
            (&schema::GROUP, Self::group as fn(&mut Self, &Node, &str, usize)),
            (&schema::ROLE, Self::role),
            (&schema::SERVICE_ACCOUNT, Self::service_account),
            (&schema::USER, Self::user),
            (&schema::BINDING, Self::binding),
        ] {
            let Some(section) = object.section else { continue };
            if let Some(list) = doc.get(section) {
                self.each_item(list, section, lower);
            }
        }
        self.credentials(doc, "the manifest", 0, true, None);
    }

    /// Literal credentials anywhere in a document, under any key that looks like one in
    /// any case or spelling (`password`, `Password`, `fullToken`, `full_token`,
    /// `API-TOKEN`): starred, and with `report` a Kestra credential is IAM601 too, e.g. a
    /// user's `password` or a token's `fullToken` pasted from the API's answer. Section
    /// items are labelled by their address.
    /// `held` is the kind of credential a container (`apiTokens`, `passwords`) holds: its
    /// items' `value` is one, however the rest of the item is spelt.
    fn credentials(&mut self, node: &Node, label: &str, depth: usize, report: bool, held: Option<CredentialKind>) {
        if depth > 32 {
            return;
        }
        match node {
            Node::Map { entries, .. } => {
                for (k, v) in entries {
                    let key = k.as_str().unwrap_or_default();
                    // A role's permissions name types (`APITOKEN: [READ]`), never credentials.
                    if key == "permissions" {
                        continue;
                    }
                    let class = match (held, credentials::credential_key(key)) {
                        (Some(kind), None) if key.eq_ignore_ascii_case("value") => Some(KeyClass::Credential(kind)),
                        (_, class) => class,
                    };
                    match (class, v) {
                        (Some(class), Node::Scalar(s)) if !v.is_null() => {
                            let span = self.unquoted(v);
                            match class {
                                KeyClass::Credential(kind) if report => {
                                    let context = format!("`{key}` of `{label}`");
                                    credentials::record(self.model, span, kind, &s.text, context, None);
                                }
                                _ => credentials::mark(self.model, span, &s.text),
                            }
                        }
                        // A credential written as a list or mapping (`password: [..]`) is
                        // not one Kestra reads, but its text is still a secret.
                        (Some(KeyClass::Credential(_)), Node::Seq { .. } | Node::Map { .. }) => {
                            self.mark_all(v, depth + 1)
                        }
                        (_, Node::Seq { items, .. })
                            if depth == 0 && report && schema::sections().any(|s| s == key) =>
                        {
                            for (i, item) in items.iter().enumerate() {
                                self.credentials(item, &Self::address(key, item, i), depth + 1, report, None);
                            }
                        }
                        (Some(KeyClass::Container), _) => {
                            self.credentials(v, label, depth + 1, report, Some(held_kind(key)))
                        }
                        _ => self.credentials(v, label, depth + 1, report, None),
                    }
                }
            }
            Node::Seq { items, .. } => items.iter().for_each(|i| self.credentials(i, label, depth + 1, report, held)),
            Node::Scalar(_) => {}
        }
    }

    /// Every scalar under `node` marked as a secret: a credential key's structured value.
    fn mark_all(&mut self, node: &Node, depth: usize) {
        if depth > 32 {
            return;
        }
        match node {
            Node::Scalar(s) if !node.is_null() => {
                let span = self.unquoted(node);
                credentials::mark(self.model, span, &s.text);
            }
            Node::Scalar(_) => {}
            Node::Seq { items, .. } => items.iter().for_each(|i| self.mark_all(i, depth + 1)),
            Node::Map { entries, .. } => entries.iter().for_each(|(_, v)| self.mark_all(v, depth + 1)),
        }
    }

    /// A scalar's span without its quotes, so that only the value itself is starred out.
    fn unquoted(&self, node: &Node) -> Span {
        let (start, end) = (node.start(), node.end());
        let text = self.text.get(start..end).unwrap_or("");
        let quoted = text.len() >= 2 && matches!(text.as_bytes()[0], b'"' | b'\'') && text.ends_with(&text[..1]);
        if quoted {
            Span::new(self.file, start + 1, end - 1)
        } else {
            Span::new(self.file, start, end)
        }
    }

    fn each_item(&mut self, list: &Node, section: &str, lower: fn(&mut Self, &Node, &str, usize)) {
        match list {
            Node::Seq { items, .. } => {
                for (i, item) in items.iter().enumerate() {
                    if matches!(item, Node::Map { .. }) {
                        lower(self, item, section, i);
                    } else {
                        self.problem(
                            UNKNOWN_KEY.code,
                            item,
                            format!("each item of `{section}` should be a mapping, found {}", item.kind_name()),
                            None,
                        );
                    }
                }
            }
            n if n.is_null() => {}
            other => self.problem(
                UNKNOWN_KEY.code,
                other,
                format!("`{section}` should be a list, found {}", other.kind_name()),
                None,
            ),
        }
    }

    fn problem(&mut self, code: &'static str, node: &Node, message: String, help: Option<String>) {
        let span = self.span(node);
        self.model.problems.push(Problem { code, span, message, help, labels: Vec::new(), fix: None });
    }

    /// IAM002 on every key of `map` that `object` does not know (personal keys are IAM402's).
    fn check_keys(&mut self, map: &Node, object: &'static Object, what: &str) {
        self.check_keys_except(map, object.manifest_keys(), object.personal_keys(Format::Manifest), what);
    }

    fn check_keys_except<'k>(
        &mut self,
        map: &Node,
        known: impl Iterator<Item = &'k str> + Clone,
        handled_elsewhere: impl Iterator<Item = &'k str> + Clone,
        what: &str,
    ) {
        let Node::Map { entries, merged, .. } = map else { return };
        let written = &entries[(*merged).min(entries.len())..];
        self.duplicates(written, what);
        for (key, value) in written {
            let Some(name) = key.as_str() else { continue };
            if known.clone().any(|k| k == name) || handled_elsewhere.clone().any(|k| k == name) {
                continue;
            }
            let help = crate::suggest::closest(name, known.clone()).map(|s| format!("did you mean `{s}`?"));
            self.problem(UNKNOWN_KEY.code, key, format!("unknown key `{name}` in {what}"), help);
            let fix = self.respell(key, value, name, known.clone(), entries);
            if let Some(problem) = self.model.problems.last_mut() {
                problem.fix = fix.map(Box::new);
            }
        }
    }

    /// A key written twice in one mapping: Jackson (Kestra) and every YAML tool keep the
    /// last value, so the earlier one is dead text that a reader takes for the truth
    /// (`superAdmin: false` above a `superAdmin: true`).
    fn duplicates(&mut self, entries: &[(Node, Node)], what: &str) {
        for (i, (key, _)) in entries.iter().enumerate() {
            let Some(name) = key.as_str() else { continue };
            let Some((later, _)) = entries[i + 1..].iter().find(|(k, _)| k.as_str() == Some(name)) else { continue };
            let span = self.span(key);
            self.model.problems.push(Problem {
                code: UNKNOWN_KEY.code,
                span,
                message: format!("duplicate key `{name}` in {what}: only the last one counts"),
                help: Some(format!("remove this `{name}`: Kestra reads the value written later")),
                labels: vec![Label { span: self.span(later), message: "this one counts".into() }],
                fix: None,
            });
        }
    }

    /// Renames a key that differs from a known one only in case and separators (`max_age`,
    /// `MaxAge` for `maxAge`), or a top-level key one typo away from a section
    /// (`serviceAcounts`), when exactly one known key matches and the map does not have it
    /// already. Anything further off is a guess, left to the "did you mean".
    fn respell<'k>(
        &self,
        key: &Node,
        value: &Node,
        name: &str,
        known: impl Iterator<Item = &'k str>,
        entries: &[(Node, Node)],
    ) -> Option<Fix> {
        let fold = crate::suggest::fold;
        let folded = fold(name);
        let known: Vec<&str> = known.collect();
        let mut matches = known.iter().copied().filter(|k| fold(k) == folded);
        let right = match (matches.next(), matches.next()) {
            (Some(right), None) => right,
            (None, _) if known.contains(&schema::MANIFEST_TENANT) => {
                // A section lists objects: `serviceAccount: {create: true}` (Helm's) is no typo.
                misspelt_section(name).filter(|s| known.contains(s) && matches!(value, Node::Seq { .. }))?
            }
            _ => return None,
        };
        if entries.iter().any(|(k, _)| k.as_str() == Some(right)) {
            return None;
        }
        // The key as written, without its quotes; a key written with escapes is left alone.
        // (An alias used as a key points elsewhere: its text is not the key, and is left.)
        let written = self.text.get(key.start()..key.end())?;
        let quoted = written.len() >= 2 && (written.starts_with('"') || written.starts_with('\''));
        let (start, end) = if quoted { (key.start() + 1, key.end() - 1) } else { (key.start(), key.end()) };
        if self.text.get(start..end)? != name {
            return None;
        }
        let edit = Edit { span: Span::new(self.file, start, end), replacement: right.to_string() };
        Some(Fix { description: format!("rename `{name}` to `{right}`"), edits: vec![edit] })
    }

    fn origin(&self, item: &Node, address: String) -> Origin {
        // The item's first line, so that the finding underlines `name: x` (or a JSON `{`); a
        // value over several lines (a block scalar) is left out.
        let first_line_end = match item {
            // Merged entries are written elsewhere (at their anchor): the first written one.
            Node::Map { entries, merged, .. } => entries.get(*merged).map_or(item.start(), |(k, v)| {
                if self.same_line(v.end(), k.start()) && !matches!(v, Node::Map { .. } | Node::Seq { .. }) {
                    v.end()
                } else {
                    k.end()
                }
            }),
            _ => item.end(),
        };
        let json_brace = self.text.as_bytes().get(item.start()) == Some(&b'{');
        let end = if json_brace { item.start() + 1 } else { first_line_end.max(item.start()) };
        let span = Span::new(self.file, item.start(), end);
        Origin {
            span,
            extent: self.span(item),
            address,
            format: Format::Manifest,
            tenant_source: TenantSource::Literal(self.tenant.clone()),
            tenant: self.tenant.clone(),
            deployment: None,
            root: None,
            call: None,
        }
    }

    fn address(section: &str, item: &Node, index: usize) -> String {
        let label =
            item.get("name").or_else(|| item.get("username")).or_else(|| item.get("email")).and_then(Node::as_str);
        match label {
            Some(name) => format!("{section}[{name}]"),
            None => format!("{section}[{index}]"),
        }
    }

    fn text(&self, map: &Node, spellings: &[&str]) -> Option<Text> {
        let (k, v) = spellings.iter().find_map(|key| map.entry(key))?;
        let val = if v.is_null() {
            Val::Null
        } else {
            match v.as_str() {
                Some(s) if is_templated(s) => Val::Unknown,
                Some(s) => Val::Known(s.to_string()),
                None => Val::Unknown,
            }
        };
        Some(Field { val, span: self.span(v), key: self.span(k) })
    }

    fn flag(&mut self, map: &Node, spellings: &[&str]) -> Option<Field<bool>> {
        let (k, v) = spellings.iter().find_map(|key| map.entry(key))?;
        let val = match (v.as_bool(), coerced_bool(v)) {
            (Some(b), _) => Val::Known(b),
            (None, Some(b)) => {
                self.respell_bool(k, v, b);
                Val::Known(b)
            }
            _ if v.is_null() => Val::Null,
            _ => Val::Unknown,
        };
        Some(Field { val, span: self.span(v), key: self.span(k) })
    }

    /// IAM002 on a boolean Kestra reads only by coercion (`"true"`, `yes`), with a fix
    /// writing the plain boolean it is read as: a reader, or another tool, may read it as
    /// a string.
    fn respell_bool(&mut self, key: &Node, value: &Node, b: bool) {
        let (name, written) =
            (key.as_str().unwrap_or_default(), self.text.get(value.start()..value.end()).unwrap_or(""));
        let span = self.span(value);
        let edit = Edit { span, replacement: b.to_string() };
        self.model.problems.push(Problem {
            code: UNKNOWN_KEY.code,
            span,
            message: format!("`{name}` is written `{written}`, which Kestra reads as the boolean `{b}`"),
            help: Some(format!("write `{name}: {b}`")),
            labels: Vec::new(),
            fix: Some(Box::new(Fix { description: format!("write the plain boolean `{b}`"), edits: vec![edit] })),
        });
    }

    fn name_reference(&self, node: &Node) -> Reference {
        let span = self.span(node);
        match node.as_str() {
            Some(s) if is_templated(s) => Reference::new(Target::Unknown, span),
            Some(s) if looks_like_kestra_id(s) => Reference::new(Target::External(s.to_string()), span),
            Some(s) => Reference::new(Target::Name(s.to_string()), span),
            None => Reference::new(Target::Unknown, span),
        }
    }

    /// `groups: [bots]` or `groups: [{id: bots}]`, as the API returns them.
    fn group_references(&mut self, map: &Node, spellings: &[&str]) -> Vec<Reference> {
        let Some(Node::Seq { items, .. }) = spellings.iter().find_map(|k| map.get(k)) else { return Vec::new() };
        let mut refs = Vec::new();
        for item in items {
            match item {
                Node::Map { .. } => {
                    self.check_keys(item, &schema::GROUP_REF, "a group reference");
                    if let Some(v) = schema::GROUP_REF.api(FieldId::Id).iter().find_map(|k| item.get(k)) {
                        refs.push(self.name_reference(v));
                    }
                }
                _ => refs.push(self.name_reference(item)),
            }
        }
        refs
    }

    fn personal_info(&self, map: &Node, object: &'static Object) -> Vec<PersonalField> {
        let Node::Map { entries, .. } = map else { return Vec::new() };
        entries
            .iter()
            .filter_map(|(k, v)| {
                let key = k.as_str()?;
                object.personal_keys(Format::Manifest).any(|p| p == key).then(|| PersonalField {
                    key: key.to_string(),
                    entry: Span::new(self.file, k.start(), v.end().max(k.end())),
                    key_span: self.span(k),
                })
            })
            .collect()
    }

    fn group(&mut self, item: &Node, section: &str, index: usize) {
        let spec = &schema::GROUP;
        self.check_keys(item, spec, "a group");
        let group = Group {
            origin: self.origin(item, Self::address(section, item, index)),
            id: self.text(item, spec.api(FieldId::Id)),
            name: self.text(item, spec.api(FieldId::Name)),
            description: self.text(item, spec.api(FieldId::Description)),
            namespace: self.text(item, spec.api(FieldId::Namespace)),
        };
        self.model.groups.push(group);
    }

    fn role(&mut self, item: &Node, section: &str, index: usize) {
        let spec = &schema::ROLE;
        self.check_keys(item, spec, "a role");
        let mut grants = Vec::new();
        let mut grants_known = true;
        match spec.api(FieldId::Permissions).iter().find_map(|k| item.get(k)) {
            Some(Node::Map { entries, .. }) => {
                self.duplicates(entries, "a role's permissions");
                // A type written twice grants what its last entry says, as Kestra reads it.
                let last = |i: usize, k: &Node| {
                    !entries[i + 1..].iter().any(|(l, _)| l.as_str().is_some() && l.as_str() == k.as_str())
                };
                for (_, (k, v)) in entries.iter().enumerate().filter(|(i, (k, _))| last(*i, k)) {
                    grants.push(Grant {
                        resource_type: self.scalar_text(k),
                        actions: self.action_list(v),
                        actions_key: None,
                        span: Span::new(self.file, k.start(), v.end().max(k.end())),
                        style: PermissionStyle::Map,
                    });
                }
            }
            Some(Node::Seq { items, .. }) => {
                for g in items {
                    self.check_keys(g, &schema::GRANT, "a permission");
                    let Some(t) = schema::GRANT.api(FieldId::ResourceType).iter().find_map(|k| g.get(k)) else {
                        continue;
                    };
                    let entry = schema::GRANT.api(FieldId::Actions).iter().find_map(|k| g.entry(k));
                    let actions = entry.map(|(_, a)| self.action_list(a)).unwrap_or_default();
                    grants.push(Grant {
                        resource_type: self.scalar_text(t),
                        actions,
                        actions_key: entry.map(|(k, _)| self.span(k)),
                        span: self.span(g),
                        style: PermissionStyle::Map,
                    });
                }
            }
            Some(n) if !n.is_null() => grants_known = false,
            _ => {}
        }
        let role = Role {
            origin: self.origin(item, Self::address(section, item, index)),
            id: self.text(item, spec.api(FieldId::Id)),
            name: self.text(item, spec.api(FieldId::Name)),
            description: self.text(item, spec.api(FieldId::Description)),
            namespace: self.text(item, spec.api(FieldId::Namespace)),
            grants,
            grants_known,
        };
        self.model.roles.push(role);
    }

    fn scalar_text(&self, node: &Node) -> Text {
        let span = self.span(node);
        let val = match node.as_str() {
            Some(s) if !is_templated(s) => Val::Known(s.to_string()),
            _ => Val::Unknown,
        };
        Field { val, span, key: span }
    }

    fn action_list(&self, node: &Node) -> Vec<Text> {
        match node {
            Node::Seq { items, .. } => items.iter().map(|a| self.scalar_text(a)).collect(),
            Node::Scalar(_) if !node.is_null() => vec![self.scalar_text(node)],
            _ => Vec::new(),
        }
    }

    fn service_account(&mut self, item: &Node, section: &str, index: usize) {
        let spec = &schema::SERVICE_ACCOUNT;
        self.check_keys(item, spec, "a service account");
        let groups = self.group_references(item, spec.api(FieldId::Groups));
        let sa = ServiceAccount {
            origin: self.origin(item, Self::address(section, item, index)),
            id: self.text(item, spec.api(FieldId::Id)),
            name: self.text(item, spec.api(FieldId::Name)),
            description: self.text(item, spec.api(FieldId::Description)),
            super_admin: self.flag(item, spec.api(FieldId::SuperAdmin)),
            groups,
            groups_known: true,
            personal_info: self.personal_info(item, spec),
        };
        let owner = Reference::direct(ObjectRef::ServiceAccount(self.model.service_accounts.len()), sa.origin.span);
        self.model.service_accounts.push(sa);
        self.tokens(item, spec, section, owner, OwnerKind::ServiceAccount);
    }

    fn user(&mut self, item: &Node, section: &str, index: usize) {
        let spec = &schema::USER;
        self.check_keys(item, spec, "a user");
        let groups = self.group_references(item, spec.api(FieldId::Groups));
        let user = User {
            origin: self.origin(item, Self::address(section, item, index)),
            id: self.text(item, spec.api(FieldId::Id)),
            // A user without a `username` is known by its email.
            name: self.text(item, spec.api(FieldId::Name)).or_else(|| self.text(item, spec.api(FieldId::Email))),
            email: self.text(item, spec.api(FieldId::Email)),
            description: self.text(item, spec.api(FieldId::Description)),
            super_admin: self.flag(item, spec.api(FieldId::SuperAdmin)),
            groups,
            groups_known: true,
        };
        let owner = Reference::direct(ObjectRef::User(self.model.users.len()), user.origin.span);
        self.model.users.push(user);
        self.tokens(item, spec, section, owner, OwnerKind::User);
    }

    fn tokens(
        &mut self,
        owner_item: &Node,
        owner_spec: &'static Object,
        owner_section: &str,
        owner: Reference,
        owner_kind: OwnerKind,
    ) {
        let tokens_key = owner_spec.api(FieldId::Tokens);
        let Some((list_key, list)) = tokens_key.iter().find_map(|k| owner_item.get(k).map(|v| (k, v))) else { return };
        let owner_address = Self::address(owner_section, owner_item, 0);
        let Node::Seq { items, .. } = list else {
            if !list.is_null() {
                self.problem(
                    UNKNOWN_KEY.code,
                    list,
                    format!("`{list_key}` should be a list, found {}", list.kind_name()),
                    None,
                );
            }
            return;
        };
        let spec = &schema::TOKEN;
        for (i, item) in items.iter().enumerate() {
            if !matches!(item, Node::Map { .. }) {
                continue;
            }
            self.check_keys(item, spec, "an API token");
            let label = spec
                .api(FieldId::Name)
                .iter()
                .find_map(|k| item.get(k))
                .and_then(Node::as_str)
                .map_or_else(|| i.to_string(), str::to_string);
            let token = ApiToken {
                origin: self.origin(item, format!("{owner_address}.{list_key}[{label}]")),
                owner_kind,
                owner: owner.clone(),
                name: self.text(item, spec.api(FieldId::Name)),
                description: self.text(item, spec.api(FieldId::Description)),
                max_age: self.text(item, spec.api(FieldId::MaxAge)),
                extended: self.flag(item, spec.api(FieldId::Extended)),
            };
            self.model.tokens.push(token);
        }
    }

    fn binding(&mut self, item: &Node, section: &str, index: usize) {
        let spec = &schema::BINDING;
        self.check_keys(item, spec, "a binding");
        let span = self.span(item);
        let reference = |id| spec.api(id).iter().find_map(|k| item.get(k));
        let principal =
            reference(FieldId::ExternalId).map_or(Reference::new(Target::Unknown, span), |n| self.name_reference(n));
        let role = reference(FieldId::RoleId).map_or(Reference::new(Target::Unknown, span), |n| self.name_reference(n));
        let binding = Binding {
            origin: self.origin(item, format!("{section}[{index}]")),
            principal_type: self.text(item, spec.api(FieldId::PrincipalType)),
            principal,
            role,
            namespace: self.text(item, spec.api(FieldId::Namespace)),
        };
        self.model.bindings.push(binding);
    }
}

/// What a container key's items hold: `apiTokens` tokens, `passwords` passwords, and any
/// other (`secrets`, `credentials`, `keys`) secrets.
fn held_kind(key: &str) -> CredentialKind {
    let folded = key.to_ascii_lowercase();
    if folded.ends_with("tokens") {
        CredentialKind::ApiToken
    } else if folded.ends_with("passwords") {
        CredentialKind::Password
    } else {
        CredentialKind::Secret
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_yaml(text: &str) -> FileModel {
        parse(FileId(0), text, false)
    }

    #[test]
    fn respelled_keys_are_renamed_only_where_written() {
        let renames = |text: &str| -> Vec<String> {
            let m = parse_yaml(text);
            m.problems.iter().filter_map(|p| p.fix.as_ref()).map(|f| f.edits[0].replacement.clone()).collect()
        };
        let token = "serviceAccounts:\n  - name: ci\n    apiTokens:\n      - name: t\n";
        assert_eq!(renames(&format!("{token}        Max_Age: P7D\n")), ["maxAge"]);
        // An alias used as a key is written elsewhere; a known key already there wins.
        assert!(renames(&format!("k: &a max_age\n{token}        *a : P7D\n")).is_empty());
        assert!(renames(&format!("{token}        maxAge: P7D\n        max_age: P7D\n")).is_empty());
        // Anything further off than case and separators is only a suggestion.
        assert!(renames(&format!("{token}        maxAg: P7D\n")).is_empty());
    }

    #[test]
    fn strict_json() {
        let m = parse(FileId(0), "{\"serviceAccounts\": [{\"name\": \"ci\",}]}", true);
        assert_eq!(m.problems[0].code, "IAM001");
        assert!(parse(FileId(0), "{\"name\": 1,}", true).problems.is_empty());
    }

    #[test]
    fn non_manifests_are_skipped_silently() {
        assert!(parse_yaml("name: ci\non: push\n").problems.is_empty());
        assert!(parse_yaml("{{ if .Values }}\nx: [\n").problems.is_empty());
    }

    #[test]
    fn broken_manifest_is_a_syntax_error() {
        let m = parse_yaml("serviceAccounts:\n  - name: [x\n");
        assert_eq!(m.problems[0].code, "IAM001");
    }

    #[test]
    fn lowers_nested_tokens_and_typos() {
        let m = parse_yaml(
            "serviceAccounts:\n  - name: ci\n    email: a@b.c\n    apiTokens:\n      - name: t\n        max_age: P1D\n",
        );
        assert_eq!(m.service_accounts.len(), 1);
        assert_eq!(m.service_accounts[0].personal_info[0].key, "email");
        assert_eq!(m.tokens.len(), 1);
        assert!(m.tokens[0].max_age.is_none());
        assert_eq!(m.problems.len(), 1);
        assert_eq!(m.problems[0].help.as_deref(), Some("did you mean `maxAge`?"));
    }

    #[test]
    fn manifests_are_told_by_the_shape_of_their_sections() {
        let manifest = |text: &str| yaml::parse(text, Limits::default()).unwrap().iter().any(is_manifest);
        assert!(manifest("groups:\n  - name: bots\n    description: CI bots\n"));
        assert!(manifest("serviceAcounts:\n  - name: ci\n    superAdmin: false\n"));
        assert!(manifest("format_version: '1.2'\nx: 1\ny: 2\nusers:\n  - username: jane\n    email: j@x.io\n"));
        // Prometheus rules, an Ansible user list, Kubernetes and Keycloak.
        assert!(!manifest("groups:\n  - name: node\n    rules:\n      - alert: Down\n"));
        assert!(!manifest("users:\n  - name: deploy\n    groups: wheel\n    shell: /bin/bash\n"));
        assert!(!manifest("users: [alice, bob]\n"));
        assert!(!manifest("apiVersion: v1\nkind: Config\nusers:\n  - username: jane\n"));
        assert!(!manifest("realm: x\nusers:\n  - username: jane\n    email: j@x.io\n"));
        // Empty sections say nothing either way.
        assert!(!manifest("users: []\nntp: pool.ntp.org\n"));
        // A section of objects that are not Kestra's hides the file, whatever the others:
        // a Keycloak chart's groups have a `path`.
        assert!(!manifest(
            "auth:\n  enabled: true\ngroups:\n  - name: admins\n    path: /admins\nusers:\n  - username: alice\n    \
             email: alice@example.com\n    firstName: Alice\n    groups: [admins]\n"
        ));
        // Helm values: a role's `permissions` listing words is not Kestra's.
        assert!(!manifest("serviceAccount:\n  create: true\nroles:\n  - name: reader\n    permissions: [pods]\n"));
        assert!(manifest("roles:\n  - name: reader\n    permissions:\n      FLOW: [READ]\n"));
    }

    #[test]
    fn an_item_built_by_a_merge_key_is_placed_where_it_is_written() {
        let text = "serviceAccounts:\n  - name: ci\n    apiTokens:\n      - &t\n        name: a\n        \
                    maxAge: P1D\n      - <<: *t\n        name: b\n";
        let m = parse_yaml(text);
        let origin = &m.tokens[1].origin;
        assert_eq!(&text[origin.span.start..origin.span.end], "<<: *t\n        name: b");
        assert_eq!(m.tokens[1].max_age.as_ref().and_then(|f| f.known()).map(String::as_str), Some("P1D"));
    }

    #[test]
    fn kestra_ids() {
        assert!(looks_like_kestra_id("68xAawPfiJPkTkZJIPX6jQ"));
        assert!(!looks_like_kestra_id("my-service-account"));
    }
}
