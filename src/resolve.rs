//! Reference resolution: tenants first (a Terraform resource's tenant may come from a
//! provider block in another file), then every reference by address, name or id.
//! Terraform addresses are local to a root module's state (`module.x.` prefixes tell its
//! child modules' objects apart): `kestra_group.bots` in two roots are two groups, and a
//! child module sees its caller's resources through the addresses the call passes it.
//! Names resolve within a deployment and tenant; a manifest in no deployment is in all.

use crate::model::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub fn resolve(ws: &mut Workspace) {
    place_manifests(ws);
    resolve_tenants(ws);
    let modules = modules(ws);
    // The index borrows its keys from the workspace, so references are looked up first and
    // written after, in the same order: copying 100,000 names and addresses into the index
    // cost more memory than any rule.
    let found = {
        let index = Index::build(ws, &modules);
        let mut found = Vec::new();
        for_each_reference(ws, |r, origin, kinds| found.push(index.find(r, origin, state(origin, &modules), kinds)));
        found
    };
    let mut found = found.into_iter();
    for r in references_mut(ws) {
        r.resolved = found.next().flatten();
    }
}

/// Every reference with the origin of the object that holds it (its tenant and folder are
/// where it is resolved) and the kinds of object it may name, in the order of
/// `references_mut`.
pub fn for_each_reference<'w>(ws: &'w Workspace, mut visit: impl FnMut(&'w Reference, &'w Origin, &'static [Kind])) {
    for sa in &ws.service_accounts {
        for r in &sa.groups {
            visit(r, &sa.origin, &[Kind::Group]);
        }
    }
    for user in &ws.users {
        for r in &user.groups {
            visit(r, &user.origin, &[Kind::Group]);
        }
    }
    for t in &ws.tokens {
        let kinds: &[Kind] = match t.owner_kind {
            OwnerKind::ServiceAccount => &[Kind::ServiceAccount],
            OwnerKind::User => &[Kind::User],
        };
        visit(&t.owner, &t.origin, kinds);
    }
    for b in &ws.bindings {
        let principal_kinds: &[Kind] = match known_str(&b.principal_type) {
            Some("GROUP") => &[Kind::Group],
            Some("USER") => &[Kind::ServiceAccount, Kind::User],
            _ => &[Kind::Group, Kind::ServiceAccount, Kind::User],
        };
        visit(&b.principal, &b.origin, principal_kinds);
        visit(&b.role, &b.origin, &[Kind::Role]);
    }
    for ms in &ws.memberships {
        visit(&ms.user, &ms.origin, &[Kind::ServiceAccount, Kind::User]);
        visit(&ms.group, &ms.origin, &[Kind::Group]);
    }
}

/// Every reference, in the order of `for_each_reference`.
fn references_mut(ws: &mut Workspace) -> impl Iterator<Item = &mut Reference> {
    let accounts = ws.service_accounts.iter_mut().flat_map(|x| x.groups.iter_mut());
    let users = ws.users.iter_mut().flat_map(|x| x.groups.iter_mut());
    let tokens = ws.tokens.iter_mut().map(|t| &mut t.owner);
    let bindings = ws.bindings.iter_mut().flat_map(|b| [&mut b.principal, &mut b.role]);
    let memberships = ws.memberships.iter_mut().flat_map(|m| [&mut m.user, &mut m.group]);
    accounts.chain(users).chain(tokens).chain(bindings).chain(memberships)
}

/// A module number for every file (by `FileId`): files of one directory share one.
fn modules(ws: &Workspace) -> Vec<usize> {
    let mut canonical: HashMap<PathBuf, usize> = HashMap::new();
    let mut ids: HashMap<PathBuf, usize> = HashMap::new();
    ws.sources
        .iter()
        .map(|(_, f)| {
            let parent = f.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if let Some(&id) = canonical.get(parent) {
                return id;
            }
            let dir = parent.canonicalize().unwrap_or_else(|_| parent.to_path_buf());
            let next = ids.len();
            let id = *ids.entry(dir).or_insert(next);
            canonical.insert(parent.to_path_buf(), id);
            id
        })
        .collect()
}

/// Where an object's Terraform addresses are unique: its root module's state, or (a plan
/// or manifest placed in none) its folder.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum State<'w> {
    Root(&'w str),
    Folder(usize),
}

fn state<'w>(origin: &'w Origin, modules: &[usize]) -> State<'w> {
    match &origin.root {
        Some(root) => State::Root(root),
        None => State::Folder(modules[origin.span.file.0 as usize]),
    }
}

/// The tenant of an object whose tenant iamlint cannot evaluate: never equal to a tenant
/// Kestra accepts, so no name or duplicate is matched across it.
pub const UNKNOWN_TENANT: &str = "?";

/// With one deployment, a manifest in every deployment is in that one.
fn place_manifests(ws: &mut Workspace) {
    let only = {
        let mut deployments = origins_mut(ws).filter_map(|o| o.deployment.clone());
        let Some(only) = deployments.next() else { return };
        if deployments.any(|d| d != only) {
            return;
        }
        only
    };
    for o in origins_mut(ws).filter(|o| o.deployment.is_none()) {
        o.deployment = Some(only.clone());
    }
}

fn origins_mut(ws: &mut Workspace) -> impl Iterator<Item = &mut Origin> {
    let accounts = ws.service_accounts.iter_mut().map(|x| &mut x.origin);
    let users = ws.users.iter_mut().map(|x| &mut x.origin);
    let groups = ws.groups.iter_mut().map(|x| &mut x.origin);
    let roles = ws.roles.iter_mut().map(|x| &mut x.origin);
    let bindings = ws.bindings.iter_mut().map(|x| &mut x.origin);
    let tokens = ws.tokens.iter_mut().map(|x| &mut x.origin);
    let memberships = ws.memberships.iter_mut().map(|x| &mut x.origin);
    accounts.chain(users).chain(groups).chain(roles).chain(bindings).chain(tokens).chain(memberships)
}

fn resolve_tenants(ws: &mut Workspace) {
    // A provider configures its own root module; an object placed in no root (a plan's)
    // takes the first provider of the alias, wherever it is.
    // A provider whose `tenant_id` is an expression iamlint cannot evaluate puts its
    // resources in an unknown tenant, not in `main`.
    let mut by_alias: HashMap<(Option<std::sync::Arc<str>>, Option<String>), String> = HashMap::new();
    for p in &ws.providers {
        let tenant = match &p.tenant {
            None => continue,
            Some(t) => t.known().cloned().unwrap_or_else(|| UNKNOWN_TENANT.into()),
        };
        by_alias.entry((p.root.clone(), p.alias.clone())).or_insert_with(|| tenant.clone());
        by_alias.entry((None, p.alias.clone())).or_insert(tenant);
    }
    let tenant_of = |o: &mut Origin| {
        o.tenant = match &o.tenant_source {
            TenantSource::Literal(t) => t.clone(),
            TenantSource::Provider(alias) => {
                by_alias.get(&(o.root.clone(), alias.clone())).cloned().unwrap_or_else(|| "main".into())
            }
            // An unevaluable tenant keeps objects apart from every literal tenant.
            TenantSource::Unknown => UNKNOWN_TENANT.into(),
        };
    };
    ws.service_accounts.iter_mut().for_each(|x| tenant_of(&mut x.origin));
    ws.users.iter_mut().for_each(|x| tenant_of(&mut x.origin));
    ws.groups.iter_mut().for_each(|x| tenant_of(&mut x.origin));
    ws.roles.iter_mut().for_each(|x| tenant_of(&mut x.origin));
    ws.bindings.iter_mut().for_each(|x| tenant_of(&mut x.origin));
    ws.tokens.iter_mut().for_each(|x| tenant_of(&mut x.origin));
    ws.memberships.iter_mut().for_each(|x| tenant_of(&mut x.origin));
}

struct Index<'w> {
    // Both maps are keyed by text borrowed from the workspace; the few entries sharing a
    // text are told apart by a scan.
    /// address -> (state, object), the first object per state
    by_address: HashMap<&'w str, Vec<(State<'w>, ObjectRef)>>,
    /// name or id -> (kind, tenant, its origin, object), the first object per kind, tenant
    /// and deployment
    by_name: HashMap<&'w str, Vec<(Kind, &'w str, &'w Origin, ObjectRef)>>,
}

impl<'w> Index<'w> {
    fn build(ws: &'w Workspace, modules: &[usize]) -> Self {
        let objects = ws.service_accounts.len() + ws.users.len() + ws.groups.len() + ws.roles.len();
        let mut index = Index { by_address: HashMap::with_capacity(objects), by_name: HashMap::with_capacity(objects) };
        let mut add = |kind: Kind, object: ObjectRef, origin: &'w Origin, keys: [&'w Option<Text>; 2]| {
            let module = state(origin, modules);
            let entries = index.by_address.entry(origin.address.as_str()).or_default();
            if !entries.iter().any(|(m, _)| *m == module) {
                entries.push((module, object));
            }
            for key in keys.into_iter().filter_map(|k| known_str(k)) {
                let entries = index.by_name.entry(key).or_default();
                if !entries
                    .iter()
                    .any(|(k, t, o, _)| *k == kind && *t == origin.tenant && o.deployment == origin.deployment)
                {
                    entries.push((kind, origin.tenant.as_str(), origin, object));
                }
            }
        };
        for (i, x) in ws.service_accounts.iter().enumerate() {
            add(Kind::ServiceAccount, ObjectRef::ServiceAccount(i), &x.origin, [&x.name, &x.id]);
        }
        for (i, x) in ws.users.iter().enumerate() {
            add(Kind::User, ObjectRef::User(i), &x.origin, [&x.name, &x.id]);
            if x.email != x.name {
                add(Kind::User, ObjectRef::User(i), &x.origin, [&x.email, &None]);
            }
        }
        for (i, x) in ws.groups.iter().enumerate() {
            add(Kind::Group, ObjectRef::Group(i), &x.origin, [&x.name, &x.id]);
        }
        for (i, x) in ws.roles.iter().enumerate() {
            add(Kind::Role, ObjectRef::Role(i), &x.origin, [&x.name, &x.id]);
        }
        index
    }

    fn find(&self, r: &Reference, from: &Origin, module: State<'_>, kinds: &[Kind]) -> Option<ObjectRef> {
        match &r.target {
            Target::Direct(o) => Some(*o),
            Target::Address(a) => self
                .address(a, module)
                // `kestra_group.g["x"]` where `g` is a for_each block iamlint could not expand.
                .or_else(|| a.split_once('[').and_then(|(base, _)| self.address(base, module)))
                .filter(|o| kinds.contains(&kind_of(*o))),
            // A generated id is managed elsewhere unless an object of the workspace declares
            // it (`id:` in an export), whatever its length.
            Target::Name(n) | Target::External(n) => {
                let entries = self.by_name.get(n.as_str()).map_or(&[][..], Vec::as_slice);
                let seen = |(k, t, o, _): &&(Kind, &str, &Origin, ObjectRef)| {
                    *t == from.tenant && o.shares_deployment(from) && kinds.contains(k)
                };
                kinds.iter().find_map(|k| entries.iter().filter(seen).find(|e| e.0 == *k).map(|e| e.3))
            }
            Target::Unknown => None,
        }
    }

    fn address(&self, address: &str, module: State<'_>) -> Option<ObjectRef> {
        let entries = self.by_address.get(address)?;
        entries.iter().find(|(m, _)| *m == module).map(|e| e.1).or_else(|| match entries.as_slice() {
            // An object of a child module's instance, reached through the call's outputs: it
            // lives in the child's folder; taken when only one folder has the address.
            [(_, object)] if address.starts_with("module.") => Some(*object),
            _ => None,
        })
    }
}

pub fn kind_of(o: ObjectRef) -> Kind {
    match o {
        ObjectRef::ServiceAccount(_) => Kind::ServiceAccount,
        ObjectRef::User(_) => Kind::User,
        ObjectRef::Group(_) => Kind::Group,
        ObjectRef::Role(_) => Kind::Role,
    }
}
