//! The access graph: for every service account and user, the roles that reach it, directly
//! or through a group, each with the namespace scope it has there, and the chain of objects
//! that produced it (principal -> group -> binding -> role), so that a finding can point at
//! every link. Built once per run and shared by the rules and `iamlint access`.

pub mod chain;
pub mod diff;
pub mod report;
pub mod scope;
pub mod vocab;

use crate::model::*;
use crate::source::Span;
use scope::Scope;
use std::collections::{BTreeSet, HashMap};
use vocab::{vocab, Model, WILDCARD};

/// How a principal belongs to a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// The principal's own `groups` lists it; the span of that reference.
    Field(Span),
    /// A `kestra_user_group_membership`, by index.
    Membership(usize),
}

/// One role reaching one principal through one binding.
#[derive(Clone, Debug)]
pub struct Path {
    /// The group the binding is on, and how the principal is in it; `None` when the
    /// binding names the principal itself.
    pub via: Option<(usize, Link)>,
    pub binding: usize,
    pub role: usize,
    /// Where the role applies; `None` when a namespace is an expression iamlint cannot read.
    pub scope: Option<Scope>,
}

#[derive(Debug)]
pub struct Principal {
    pub object: ObjectRef,
    /// The `super_admin = true` value, when set.
    pub super_admin: Option<Span>,
    pub groups: Vec<(usize, Link)>,
    pub paths: Vec<Path>,
    pub tokens: Vec<usize>,
    /// What hides part of its permissions from iamlint, for `iamlint access`.
    pub unknowns: Vec<String>,
}

/// A role grant reaching a principal, with the actions that matter to the question asked.
#[derive(Debug)]
pub struct Hit<'a> {
    pub path: &'a Path,
    pub grant: usize,
    pub actions: Vec<&'a Text>,
}

#[derive(Debug, Default)]
pub struct AccessGraph {
    principals: Vec<Principal>,
    by_object: HashMap<ObjectRef, usize>,
}

impl AccessGraph {
    pub fn build(ws: &Workspace) -> Self {
        let mut graph = AccessGraph::default();
        for (i, sa) in ws.service_accounts.iter().enumerate() {
            graph.add(ObjectRef::ServiceAccount(i), &sa.super_admin, &sa.groups, sa.groups_known);
        }
        for (i, user) in ws.users.iter().enumerate() {
            graph.add(ObjectRef::User(i), &user.super_admin, &user.groups, user.groups_known);
        }
        for (mi, m) in ws.memberships.iter().enumerate() {
            let Some(p) = m.user.resolved.and_then(|o| graph.by_object.get(&o).copied()) else { continue };
            match m.group.resolved {
                Some(ObjectRef::Group(g)) => graph.principals[p].groups.push((g, Link::Membership(mi))),
                _ => {
                    graph.principals[p].unknowns.push(format!("{} names a group iamlint cannot see", m.origin.address))
                }
            }
        }
        let mut bindings_of: HashMap<ObjectRef, Vec<usize>> = HashMap::new();
        for (bi, b) in ws.bindings.iter().enumerate() {
            if let Some(o) = b.principal.resolved {
                bindings_of.entry(o).or_default().push(bi);
            }
        }
        for p in &mut graph.principals {
            // A group listed twice (in `groups` and by a membership) grants nothing more.
            let mut seen = std::collections::HashSet::new();
            p.groups.retain(|(g, _)| seen.insert(*g));
            let direct = bindings_of.get(&p.object).into_iter().flatten().map(|b| (None, *b));
            let grouped = p.groups.iter().flat_map(|&(g, link)| {
                bindings_of.get(&ObjectRef::Group(g)).into_iter().flatten().map(move |b| (Some((g, link)), *b))
            });
            let mut paths = Vec::new();
            let mut unknowns = Vec::new();
            for (via, bi) in direct.chain(grouped) {
                let b = &ws.bindings[bi];
                let Some(ObjectRef::Role(role)) = b.role.resolved else {
                    unknowns.push(format!("{} binds a role iamlint cannot see", b.origin.address));
                    continue;
                };
                let r = &ws.roles[role];
                let scope = match (scope::namespace_of(&b.namespace), scope::namespace_of(&r.namespace)) {
                    (Some(a), Some(c)) => match scope::intersect(a, c) {
                        Some(s) => Some(s),
                        // Disjoint namespaces: the binding grants nothing.
                        None => continue,
                    },
                    _ => None,
                };
                if !r.grants_known {
                    unknowns.push(format!(
                        "role `{}` has permissions iamlint cannot evaluate",
                        ws.display_name(ObjectRef::Role(role))
                    ));
                }
                paths.push(Path { via, binding: bi, role, scope });
            }
            p.paths = paths;
            p.unknowns.extend(unknowns);
        }
        for (ti, t) in ws.tokens.iter().enumerate() {
            if let Some(p) = t.owner.resolved.and_then(|o| graph.by_object.get(&o).copied()) {
                graph.principals[p].tokens.push(ti);
            }
        }
        graph
    }

    fn add(&mut self, object: ObjectRef, flag: &Option<Field<bool>>, refs: &[Reference], known: bool) {
        let super_admin = flag.as_ref().filter(|f| f.known() == Some(&true)).map(|f| f.span);
        let mut groups = Vec::new();
        let mut unknowns = Vec::new();
        if !known {
            unknowns.push("its groups are written as an expression iamlint cannot evaluate".to_string());
        }
        for r in refs {
            match r.resolved {
                Some(ObjectRef::Group(g)) => groups.push((g, Link::Field(r.span))),
                _ => unknowns.push(match &r.target {
                    Target::Address(a) | Target::Name(a) => format!("group `{a}` is not in the workspace"),
                    Target::External(id) => format!("group `{id}` is managed elsewhere"),
                    _ => "a group is written as an expression iamlint cannot evaluate".to_string(),
                }),
            }
        }
        self.by_object.insert(object, self.principals.len());
        self.principals.push(Principal {
            object,
            super_admin,
            groups,
            paths: Vec::new(),
            tokens: Vec::new(),
            unknowns,
        });
    }

    pub fn principals(&self) -> &[Principal] {
        &self.principals
    }

    pub fn principal(&self, object: ObjectRef) -> Option<&Principal> {
        self.by_object.get(&object).map(|&i| &self.principals[i])
    }

    /// Service accounts that are not super admins, with their principal: IAM301 reports a
    /// super admin, which can do everything the relation rules (IAM303-IAM305) look for.
    pub fn ordinary_service_accounts<'w>(
        &'w self,
        ws: &'w Workspace,
    ) -> impl Iterator<Item = (ObjectRef, &'w ServiceAccount, &'w Principal)> + 'w {
        ws.service_accounts.iter().enumerate().filter_map(move |(i, sa)| {
            let object = ObjectRef::ServiceAccount(i);
            let p = self.principal(object)?;
            p.super_admin.is_none().then_some((object, sa, p))
        })
    }

    /// Grants with a known scope whose actions satisfy `pick(type, action)`.
    pub fn hits<'a>(
        &self,
        ws: &'a Workspace,
        p: &'a Principal,
        mut pick: impl FnMut(&Path, &str, &str) -> bool,
    ) -> Vec<Hit<'a>> {
        let mut out = Vec::new();
        for path in p.paths.iter().filter(|path| path.scope.is_some()) {
            for (gi, grant) in ws.roles[path.role].grants.iter().enumerate() {
                let Some(t) = grant.resource_type.known() else { continue };
                let actions: Vec<&Text> =
                    grant.actions.iter().filter(|a| a.known().is_some_and(|a| pick(path, t, a))).collect();
                if !actions.is_empty() {
                    out.push(Hit { path, grant: gi, actions });
                }
            }
        }
        out
    }

    /// State-changing actions on IAM-management types, at any scope (IAM303).
    pub fn escalations<'a>(&self, ws: &'a Workspace, p: &'a Principal) -> Vec<Hit<'a>> {
        self.hits(ws, p, |_, t, a| vocab().is_iam_management(t, a))
    }

    /// Paths whose role is a wildcard role (IAM302).
    pub fn wildcard_paths<'a>(&self, ws: &Workspace, p: &'a Principal) -> Vec<&'a Path> {
        p.paths.iter().filter(|path| path.scope.is_some() && wildcard(&ws.roles[path.role]).is_some()).collect()
    }
}

/// Why a role counts as a wildcard role (IAM302).
#[derive(Debug, PartialEq)]
pub enum Wildcard {
    /// `*` written as a type (`on` is `None`) or as an action on the type `on`.
    Star { span: Span, on: Option<String> },
    /// Every type of a vocabulary, each with some action.
    EveryType(Model),
}

pub fn wildcard(role: &Role) -> Option<Wildcard> {
    for g in &role.grants {
        if g.resource_type.known().is_some_and(|t| t == WILDCARD) && g.actions.iter().any(|a| a.known().is_some()) {
            return Some(Wildcard::Star { span: g.resource_type.span, on: None });
        }
        if let Some(a) = g.actions.iter().find(|a| a.known().is_some_and(|a| a == WILDCARD)) {
            return Some(Wildcard::Star {
                span: a.span,
                on: Some(g.resource_type.known().cloned().unwrap_or_default()),
            });
        }
    }
    // Admin-equivalent means changing every type: a viewer role listing every type with
    // read actions only is not one (reading IMPERSONATE, which impersonates, counts; so does
    // any action on a type nothing can change, such as AUDITLOG).
    let changes =
        |t: &str, a: &str| !vocab().is_read_only(a) || vocab().is_iam_management(t, a) || vocab().is_read_only_type(t);
    let granted: BTreeSet<&str> = role
        .grants
        .iter()
        .filter_map(|g| g.resource_type.known().map(|t| (g, t.as_str())))
        .filter(|(g, t)| g.actions.iter().any(|a| a.known().is_some_and(|a| changes(t, a))))
        .map(|(_, t)| t)
        .collect();
    [Model::V1, Model::V2]
        .into_iter()
        .find(|&m| vocab().core_types(m).iter().all(|t| granted.contains(t)))
        .map(Wildcard::EveryType)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(files: &[(&str, &str)]) -> Workspace {
        crate::lint::load_texts(files)
    }

    #[test]
    fn paths_through_groups_memberships_and_scopes() {
        let ws = workspace(&[
            (
                "a.tf",
                r#"resource "kestra_service_account" "ci" {
  name = "ci"
  groups {
    id = kestra_group.bots.id
  }
}
resource "kestra_user_group_membership" "again" {
  user_id  = kestra_service_account.ci.id
  group_id = kestra_group.bots.id
}
resource "kestra_group" "bots" {
  name = "bots"
}
resource "kestra_binding" "b" {
  type        = "GROUP"
  external_id = kestra_group.bots.id
  role_id     = "team"
  namespace   = "company"
}
resource "kestra_binding" "disjoint" {
  type        = "GROUP"
  external_id = kestra_group.bots.id
  role_id     = "other"
  namespace   = "company"
}
resource "kestra_binding" "unknown" {
  type        = "USER"
  external_id = kestra_service_account.ci.id
  role_id     = "team"
  namespace   = var.ns
}
"#,
            ),
            (
                "b.yaml",
                "roles:\n  - name: team\n    namespace: company.team\n    permissions:\n      FLOW: [VIEW]\n  - name: other\n    namespace: companyx\n    permissions:\n      ROLE: [CREATE]\n",
            ),
        ]);
        let graph = AccessGraph::build(&ws);
        let p = graph.principal(ObjectRef::ServiceAccount(0)).unwrap();
        // In `bots` twice (its `groups` and a membership): one group, no repeated grant.
        assert_eq!(p.groups.len(), 1);
        assert!(matches!(p.groups[0].1, Link::Field(_)));
        // `company` and `companyx` are disjoint: that binding grants nothing.
        let scopes: Vec<_> = p.paths.iter().map(|path| (path.via.is_some(), path.scope.clone())).collect();
        assert_eq!(scopes, vec![(false, None), (true, Some(Scope::Namespace("company.team".into())))]);
        assert!(graph.escalations(&ws, p).is_empty());
        assert_eq!(graph.hits(&ws, p, |_, t, _| t == "FLOW").len(), 1, "the unknown scope is not a hit");
    }
}
