//! Kestra's permission vocabularies (1.x CRUD and 2.0 per-type actions) and the provider's
//! 1.x -> 2.0 migration, loaded from `data/permissions.toml`, which cites its sources.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The wildcard some hand-written roles use for "every type" or "every action".
pub const WILDCARD: &str = "*";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    v1: V1,
    /// Type -> its valid actions, in the documentation's order.
    v2: BTreeMap<String, Vec<String>>,
    access: AccessClasses,
    migration: Migration,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct V1 {
    types: Vec<String>,
    later_types: Vec<String>,
    actions: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessClasses {
    read_only: Vec<String>,
    iam_types: Vec<String>,
    iam_any_action: Vec<String>,
    secret_types: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Migration {
    dropped: Vec<String>,
    renames: BTreeMap<String, Vec<String>>,
    /// 1.x type -> why it has no 2.x successor, where the sources say.
    no_successor: BTreeMap<String, String>,
    /// 2.x type -> 1.x action -> why the action has no 2.x equivalent on it.
    no_equivalent: BTreeMap<String, BTreeMap<String, String>>,
    /// Old action -> target type (or "default") -> new actions.
    expand: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// Which model a role is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    V1,
    V2,
}

impl Model {
    pub fn label(self) -> &'static str {
        match self {
            Model::V1 => "Kestra 1.x",
            Model::V2 => "Kestra 2.0",
        }
    }
}

/// Why a grant cannot be migrated automatically.
#[derive(Debug, PartialEq, Eq)]
pub enum NoMigration {
    /// A 1.x type with no 2.0 successor (ME, APITOKEN, IMPERSONATE) or a type in neither
    /// vocabulary, with the sources' reason where they give one.
    Type(String, Option<String>),
    /// An action that is neither a CRUD action nor valid on the new type.
    Action(String),
    /// A 1.x CRUD action the provider would write unchanged on a 2.x type that lacks it
    /// (SECRET CREATE): dropping it loses a right, a broader action grants more.
    NoEquivalent { ty: String, action: String, why: String },
}

static VOCABULARY: LazyLock<Vocabulary> = LazyLock::new(|| {
    toml::from_str(include_str!("../../data/permissions.toml"))
        .unwrap_or_else(|e| panic!("data/permissions.toml is malformed: {e}"))
});

pub fn vocab() -> &'static Vocabulary {
    &VOCABULARY
}

fn has(list: &[String], s: &str) -> bool {
    list.iter().any(|x| x == s)
}

impl Vocabulary {
    /// The types a role must cover, all of them, to be "every type" of a model.
    pub fn core_types(&self, model: Model) -> Vec<&str> {
        match model {
            Model::V1 => self.v1.types.iter().map(String::as_str).collect(),
            Model::V2 => self.v2.keys().map(String::as_str).collect(),
        }
    }

    pub fn is_v1_type(&self, t: &str) -> bool {
        has(&self.v1.types, t) || has(&self.v1.later_types, t)
    }

    pub fn is_v2_type(&self, t: &str) -> bool {
        self.v2.contains_key(t)
    }

    /// A type of 1.x that 2.0 renamed, merged, converted or dropped.
    pub fn is_v1_only_type(&self, t: &str) -> bool {
        self.is_v1_type(t) && !self.is_v2_type(t)
    }

    pub fn is_known_type(&self, t: &str) -> bool {
        t == WILDCARD || self.is_v1_type(t) || self.is_v2_type(t)
    }

    pub fn all_types(&self) -> Vec<&str> {
        let mut all: Vec<&str> =
            self.v1.types.iter().chain(&self.v1.later_types).chain(self.v2.keys()).map(String::as_str).collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    pub fn is_crud(&self, action: &str) -> bool {
        has(&self.v1.actions, action)
    }

    /// Every action a role may write for a known type: the 1.x CRUD actions where the type
    /// existed in 1.x, the type's 2.0 actions, and those of the types 2.0 turned it into.
    /// `None` for a type in neither vocabulary.
    pub fn valid_actions(&self, t: &str) -> Option<Vec<&str>> {
        let mut out: Vec<&str> = Vec::new();
        if t == WILDCARD {
            out.extend(self.v1.actions.iter().map(String::as_str));
            out.extend(self.v2.values().flatten().map(String::as_str));
        } else if !self.is_known_type(t) {
            return None;
        } else {
            for target in self.successors(t) {
                out.extend(self.v2.get(target).into_iter().flatten().map(String::as_str));
            }
            // READ/CREATE/UPDATE/DELETE are never unknown: on a 2.0 type they are the legacy
            // model (IAM503), which the provider still migrates.
            out.extend(self.v1.actions.iter().map(String::as_str));
        }
        out.push(WILDCARD);
        let mut seen = std::collections::HashSet::new();
        out.retain(|a| seen.insert(*a));
        Some(out)
    }

    /// The 2.0 types a type becomes (itself when 2.0 kept it).
    fn successors<'a>(&'a self, t: &'a str) -> Vec<&'a str> {
        match self.migration.renames.get(t) {
            Some(targets) => targets.iter().map(String::as_str).collect(),
            None if self.is_v2_type(t) => vec![t],
            None => Vec::new(),
        }
    }

    /// A 2.0 type none of whose actions changes anything (AUDITLOG).
    pub fn is_read_only_type(&self, t: &str) -> bool {
        self.v2.get(t).is_some_and(|acts| acts.iter().all(|a| self.is_read_only(a)))
    }

    pub fn is_read_only(&self, action: &str) -> bool {
        has(&self.access.read_only, action)
    }

    pub fn is_secret_type(&self, t: &str) -> bool {
        t == WILDCARD || has(&self.access.secret_types, t)
    }

    /// Whether `action` on `t` lets its holder change who can do what.
    pub fn is_iam_management(&self, t: &str, action: &str) -> bool {
        let iam_type = t == WILDCARD || has(&self.access.iam_types, t);
        iam_type && (has(&self.access.iam_any_action, t) || action == WILDCARD || !self.is_read_only(action))
    }

    /// Migrates one grant to the 2.0 model: the `(type, actions)` pairs it becomes (none when
    /// the type was dropped). With `crud_semantics`, CREATE/UPDATE/DELETE are the 1.x actions
    /// and expand as the provider expands them; otherwise (a role already using 2.0 actions)
    /// only READ, which 2.0 no longer has, is expanded. An expansion that writes an action
    /// the 2.0 reference does not list for the type (the provider's default rule emits
    /// SECRET CREATE and EXECUTION CREATE) is refused rather than trimmed: trimming drops
    /// the right.
    pub fn migrate(
        &self,
        t: &str,
        actions: &[&str],
        crud_semantics: bool,
    ) -> Result<Vec<(String, Vec<String>)>, NoMigration> {
        if has(&self.migration.dropped, t) {
            return Ok(Vec::new());
        }
        let targets: Vec<&str> = if t == WILDCARD { vec![WILDCARD] } else { self.successors(t) };
        if targets.is_empty() {
            return Err(NoMigration::Type(t.to_string(), self.migration.no_successor.get(t).cloned()));
        }
        let mut out = Vec::new();
        for target in targets {
            let valid = self.v2.get(target);
            let mut new: Vec<String> = Vec::new();
            for &action in actions {
                let expanded: Vec<&str> = if action == WILDCARD {
                    vec![WILDCARD]
                } else if action == "READ" || (crud_semantics && self.is_crud(action)) {
                    let expanded = self.expand(target, action);
                    let missing = expanded.iter().find(|a| target != WILDCARD && !valid.is_some_and(|v| has(v, a)));
                    if let Some(missing) = missing {
                        let why = self.migration.no_equivalent.get(target).and_then(|m| m.get(action)).cloned();
                        return Err(NoMigration::NoEquivalent {
                            ty: target.to_string(),
                            action: action.to_string(),
                            why: why.unwrap_or_else(|| {
                                format!("the provider writes {target} {missing}, which Kestra 2.x does not have")
                            }),
                        });
                    }
                    expanded
                } else if target == WILDCARD || valid.is_some_and(|v| has(v, action)) {
                    vec![action]
                } else {
                    return Err(NoMigration::Action(action.to_string()));
                };
                for a in expanded {
                    if !new.iter().any(|n| n == a) {
                        new.push(a.to_string());
                    }
                }
            }
            out.push((target.to_string(), new));
        }
        Ok(out)
    }

    fn expand(&self, target: &str, action: &str) -> Vec<&str> {
        let Some(table) = self.migration.expand.get(action) else { return Vec::new() };
        let list = table.get(target).or_else(|| table.get("default"));
        list.into_iter().flatten().map(String::as_str).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_consistent() {
        let v = vocab();
        assert_eq!(v.core_types(Model::V1).len(), 23, "the 1.x list of Kestra's RBAC page");
        for (from, targets) in &v.migration.renames {
            assert!(v.is_v1_only_type(from), "{from} is renamed, so it is 1.x only");
            for t in targets {
                assert!(v.is_v2_type(t), "{from} -> {t}: not a 2.0 type");
            }
        }
        for (action, table) in &v.migration.expand {
            assert!(v.is_crud(action), "{action} is not a 1.x action");
            for t in table.keys().filter(|t| *t != "default") {
                assert!(v.is_v2_type(t), "expansion for unknown type {t}");
            }
        }
        for t in v.access.iam_types.iter().chain(&v.access.secret_types) {
            assert!(v.is_known_type(t), "{t}");
        }
        for (t, actions) in &v.migration.no_equivalent {
            assert!(v.is_v2_type(t), "{t}");
            for a in actions.keys() {
                assert!(v.is_crud(a) && !v.v2[t].contains(a), "{t} {a} exists in 2.x");
            }
        }
        for t in v.migration.no_successor.keys() {
            assert!(v.is_v1_only_type(t) && v.successors(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn provider_migration_examples() {
        // The cases of the provider's migrate_role_permissions_test.go.
        let v = vocab();
        let m = |t: &str, a: &[&str]| v.migrate(t, a, true).unwrap();
        assert_eq!(m("AI_COPILOT", &["READ"]), vec![("COPILOT".into(), vec!["USE".into()])]);
        let flow = m("FLOW", &["READ", "UPDATE"]);
        assert_eq!(flow[0].1, ["VIEW", "LIST", "EXPORT", "UPDATE", "EXECUTE", "DISABLE", "ENABLE", "VALIDATE"]);
        let setting = m("SETTING", &["READ", "CREATE", "UPDATE", "DELETE"]);
        assert_eq!(setting.len(), 2);
        assert_eq!(setting[1], ("TENANT_SETTINGS".into(), vec!["VIEW".into(), "UPDATE".into()]));
        assert_eq!(m("AUDITLOG", &["READ", "CREATE", "UPDATE", "DELETE"])[0].1, ["VIEW", "LIST", "EXPORT"]);
        assert_eq!(
            m("GROUP_MEMBERSHIP", &["UPDATE"])[0],
            ("GROUP".into(), vec!["UPDATE".into(), "MANAGE_MEMBERS".into()])
        );
        assert!(m("TEMPLATE", &["READ"]).is_empty());
        // Kestra 2.1 rejects USER IMPERSONATE: 1.x IMPERSONATE has nowhere to go.
        assert!(
            matches!(v.migrate("IMPERSONATE", &["READ"], true), Err(NoMigration::Type(t, Some(_))) if t == "IMPERSONATE")
        );
        assert_eq!(v.migrate("ME", &["READ"], true), Err(NoMigration::Type("ME".into(), None)));
        // A role already in 2.0 terms keeps CREATE as it is and expands READ only.
        assert_eq!(v.migrate("FLOW", &["READ", "CREATE"], false).unwrap()[0].1, ["VIEW", "LIST", "EXPORT", "CREATE"]);
        assert_eq!(v.migrate("FLOW", &["KILL"], false), Err(NoMigration::Action("KILL".into())));
        // SECRET and EXECUTION have no CREATE in 2.0: refused, not trimmed to a lesser role.
        for t in ["SECRET", "EXECUTION"] {
            let refused = v.migrate(t, &["READ", "CREATE"], true);
            assert!(
                matches!(&refused, Err(NoMigration::NoEquivalent { ty, action, .. }) if ty == t && action == "CREATE")
            );
        }
        assert_eq!(m("SECRET", &["READ", "UPDATE", "DELETE"])[0].1, ["VIEW", "LIST", "UPDATE", "DELETE"]);
    }

    #[test]
    fn access_classes() {
        let v = vocab();
        assert!(v.is_iam_management("ROLE", "CREATE"));
        assert!(v.is_iam_management("USER", "IMPERSONATE"));
        assert!(v.is_iam_management("IMPERSONATE", "READ"));
        assert!(v.is_iam_management("*", "*"));
        assert!(!v.is_iam_management("ROLE", "VIEW"));
        assert!(!v.is_iam_management("FLOW", "CREATE"));
        assert!(!v.is_iam_management("*", "READ"));
        assert!(v.valid_actions("FLOW").unwrap().contains(&"EXECUTE"));
        assert!(!v.valid_actions("FLOW").unwrap().contains(&"KILL"));
        assert!(v.valid_actions("SETTING").unwrap().contains(&"VIEW"));
        assert!(v.valid_actions("FLOWS").is_none());
    }
}
