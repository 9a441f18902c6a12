//! Reference resolution: tenants first (a Terraform resource's tenant may come from a
//! provider block in another file), then every reference by address, name or id.
//! Terraform addresses are local to a module (a directory): `kestra_group.bots` in two
//! directories are two groups.

use crate::model::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub fn resolve(ws: &mut Workspace) {
    resolve_tenants(ws);
    let modules = modules(ws);
    let module = |o: &Origin| modules[o.span.file.0 as usize];
    let index = Index::build(ws, &modules);
    for sa in &mut ws.service_accounts {
        let (tenant, m) = (sa.origin.tenant.clone(), module(&sa.origin));
        for r in &mut sa.groups {
            index.resolve(r, &tenant, m, &[Kind::Group]);
        }
    }
    for user in &mut ws.users {
        let (tenant, m) = (user.origin.tenant.clone(), module(&user.origin));
        for r in &mut user.groups {
            index.resolve(r, &tenant, m, &[Kind::Group]);
        }
    }
    for t in &mut ws.tokens {
        let kind = match t.owner_kind {
            OwnerKind::ServiceAccount => Kind::ServiceAccount,
            OwnerKind::User => Kind::User,
        };
        index.resolve(&mut t.owner, &t.origin.tenant, module(&t.origin), &[kind]);
    }
    for b in &mut ws.bindings {
        let principal_kinds: &[Kind] = match known_str(&b.principal_type) {
            Some("GROUP") => &[Kind::Group],
            Some("USER") => &[Kind::ServiceAccount, Kind::User],
            _ => &[Kind::Group, Kind::ServiceAccount, Kind::User],
        };
        let m = module(&b.origin);
        index.resolve(&mut b.principal, &b.origin.tenant, m, principal_kinds);
        index.resolve(&mut b.role, &b.origin.tenant, m, &[Kind::Role]);
    }
    for ms in &mut ws.memberships {
        let m = module(&ms.origin);
        index.resolve(&mut ms.user, &ms.origin.tenant, m, &[Kind::ServiceAccount, Kind::User]);
        index.resolve(&mut ms.group, &ms.origin.tenant, m, &[Kind::Group]);
    }
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

fn resolve_tenants(ws: &mut Workspace) {
    let mut by_alias: HashMap<Option<String>, String> = HashMap::new();
    for p in &ws.providers {
        if let Some(t) = p.tenant.as_ref().and_then(|t| t.known()) {
            by_alias.entry(p.alias.clone()).or_insert_with(|| t.clone());
        }
    }
    let tenant_of = |o: &mut Origin| {
        o.tenant = match &o.tenant_source {
            TenantSource::Literal(t) => t.clone(),
            TenantSource::Provider(alias) => by_alias.get(alias).cloned().unwrap_or_else(|| "main".into()),
            // An unevaluable tenant keeps objects apart from every literal tenant.
            TenantSource::Unknown => "?".into(),
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

#[derive(Default)]
struct Index {
    // Both maps are keyed by the text alone, so that resolving a reference looks up a `&str`
    // and allocates nothing; the few entries sharing a text are told apart by a scan.
    /// address -> (module, object), the first object per module
    by_address: HashMap<String, Vec<(usize, ObjectRef)>>,
    /// name or id -> (kind, tenant, object), the first object per kind and tenant
    by_name: HashMap<String, Vec<(Kind, String, ObjectRef)>>,
}

impl Index {
    fn build(ws: &Workspace, modules: &[usize]) -> Self {
        let objects = ws.service_accounts.len() + ws.users.len() + ws.groups.len() + ws.roles.len();
        let mut index = Index { by_address: HashMap::with_capacity(objects), by_name: HashMap::with_capacity(objects) };
        let mut add = |kind: Kind, object: ObjectRef, origin: &Origin, keys: [&Option<Text>; 2]| {
            let module = modules[origin.span.file.0 as usize];
            let entries = index.by_address.entry(origin.address.clone()).or_default();
            if !entries.iter().any(|(m, _)| *m == module) {
                entries.push((module, object));
            }
            for key in keys.into_iter().filter_map(|k| known_str(k)) {
                let entries = index.by_name.entry(key.to_string()).or_default();
                if !entries.iter().any(|(k, t, _)| *k == kind && *t == origin.tenant) {
                    entries.push((kind, origin.tenant.clone(), object));
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

    fn resolve(&self, r: &mut Reference, tenant: &str, module: usize, kinds: &[Kind]) {
        let found = match &r.target {
            Target::Direct(o) => Some(*o),
            Target::Address(a) => self
                .address(a, module)
                // `kestra_group.g["x"]` where `g` is a for_each block iamlint could not expand.
                .or_else(|| a.split_once('[').and_then(|(base, _)| self.address(base, module)))
                .filter(|o| kinds.contains(&kind_of(*o))),
            Target::Name(n) => {
                let entries = self.by_name.get(n.as_str()).map_or(&[][..], Vec::as_slice);
                kinds.iter().find_map(|k| entries.iter().find(|(ek, et, _)| ek == k && et == tenant).map(|e| e.2))
            }
            Target::External(_) | Target::Unknown => None,
        };
        r.resolved = found;
    }
}

impl Index {
    fn address(&self, address: &str, module: usize) -> Option<ObjectRef> {
        self.by_address.get(address)?.iter().find(|(m, _)| *m == module).map(|e| e.1)
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
