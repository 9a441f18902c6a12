//! The references a plan's `configuration` section records (`"references":
//! ["kestra_group.bots.id", "kestra_group.bots"]`), for the references its values lose: an
//! id created in the same run is "known after apply", absent from `planned_values`. They
//! matter where no configuration file of the workspace declares the object (a plan saved
//! from a root kept elsewhere); where one does, the configuration's own references win.

use super::join::base;
use crate::model::*;
use crate::schema::{self, FieldId};
use crate::syntax::yaml::Node;
use std::collections::{HashMap, HashSet};

const MAX_MODULE_DEPTH: usize = 64;

/// Fills the model's unknown references from `configuration.root_module`, where a reference
/// names a resource the plan holds (or a data source, managed elsewhere).
pub fn fill(root: &Node, model: &mut FileModel) {
    let Some(module) = root.get("configuration").and_then(|c| c.get("root_module")) else { return };
    let mut configured = Configured::default();
    collect(module, String::new(), 0, &mut configured);
    if configured.resources.is_empty() {
        return;
    }
    let planned: HashSet<String> = addresses(model).map(str::to_string).collect();
    let find = Finder { configured: &configured, planned: &planned };
    for t in &mut model.tokens {
        let owner = schema::token_resource(kind_of(&t.origin.address)).map(|m| [m.owner]);
        if let Some(owner) = owner {
            find.one(&t.origin.address, &owner, &mut t.owner);
        }
    }
    for b in &mut model.bindings {
        find.one(&b.origin.address, schema::BINDING.tf(FieldId::ExternalId), &mut b.principal);
        find.one(&b.origin.address, schema::BINDING.tf(FieldId::RoleId), &mut b.role);
    }
    for m in &mut model.memberships {
        find.one(&m.origin.address, schema::MEMBERSHIP.tf(FieldId::Member), &mut m.user);
        find.one(&m.origin.address, schema::MEMBERSHIP.tf(FieldId::Group), &mut m.group);
    }
    for sa in &mut model.service_accounts {
        find.groups(&sa.origin.address, schema::SERVICE_ACCOUNT.tf(FieldId::Groups), &mut sa.groups);
    }
    for u in &mut model.users {
        find.groups(&u.origin.address, schema::USER.tf(FieldId::Groups), &mut u.groups);
    }
}

fn addresses(model: &FileModel) -> impl Iterator<Item = &str> {
    let a = model.service_accounts.iter().map(|x| x.origin.address.as_str());
    let u = model.users.iter().map(|x| x.origin.address.as_str());
    let g = model.groups.iter().map(|x| x.origin.address.as_str());
    let r = model.roles.iter().map(|x| x.origin.address.as_str());
    a.chain(u).chain(g).chain(r)
}

/// `module.a["x"].kestra_group.g` -> `kestra_group`.
fn kind_of(address: &str) -> &str {
    local_address(address).split('.').next().unwrap_or_default()
}

/// The `expressions` of the configuration, by module path (`a.b`: call names, keys dropped).
#[derive(Default)]
struct Configured<'n> {
    /// A resource's, by module path and its address in the module.
    resources: HashMap<(String, String), &'n Node>,
    /// A module call's arguments, by the called module's path.
    calls: HashMap<String, &'n Node>,
}

fn collect<'n>(module: &'n Node, path: String, depth: usize, out: &mut Configured<'n>) {
    if depth > MAX_MODULE_DEPTH {
        return;
    }
    if let Some(Node::Seq { items, .. }) = module.get("resources") {
        for r in items {
            if let (Some(address), Some(e)) = (r.get("address").and_then(Node::as_str), r.get("expressions")) {
                out.resources.insert((path.clone(), address.to_string()), e);
            }
        }
    }
    if let Some(Node::Map { entries, .. }) = module.get("module_calls") {
        for (name, call) in entries {
            let (Some(name), Some(child)) = (name.as_str(), call.get("module")) else { continue };
            let path = if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
            if let Some(e) = call.get("expressions") {
                out.calls.insert(path.clone(), e);
            }
            collect(child, path, depth + 1, out);
        }
    }
}

/// `module.a["x"].module.b.` -> `a.b`
fn module_path(prefix: &str) -> String {
    let unkeyed = base(prefix);
    let path: Vec<&str> = unkeyed.split('.').skip(1).step_by(2).filter(|s| !s.is_empty()).collect();
    path.join(".")
}

/// `module.a["x"].module.b.` -> `module.a["x"].`: the caller's prefix.
fn parent(prefix: &str) -> &str {
    let inner = prefix.strip_suffix('.').unwrap_or(prefix);
    let mut depth = 0i32;
    let mut last = None;
    for (i, c) in inner.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '.' if depth == 0 && inner[i + 1..].starts_with("module.") => last = Some(i + 1),
            _ => {}
        }
    }
    last.map_or("", |i| &prefix[..i])
}

/// Variables passed through this many calls are followed no further.
const MAX_VAR_HOPS: usize = 8;

struct Finder<'a, 'n> {
    configured: &'a Configured<'n>,
    planned: &'a HashSet<String>,
}

impl Finder<'_, '_> {
    /// The expressions of the resource at a plan address, and the address's module prefix
    /// (`module.a["x"].`), which the module-local references are written without.
    fn of<'s>(&self, address: &'s str) -> Option<(&Node, &'s str)> {
        let local = local_address(address);
        let prefix = &address[..address.len() - local.len()];
        let key = (module_path(prefix), base(local));
        self.configured.resources.get(&key).map(|e| (*e, prefix))
    }

    fn one(&self, address: &str, spellings: &[&str], reference: &mut Reference) {
        if reference.target != Target::Unknown {
            return;
        }
        let Some((expressions, prefix)) = self.of(address) else { return };
        if let Some(target) = spellings.iter().find_map(|k| expressions.get(k)).and_then(|e| self.target(e, prefix, 0))
        {
            reference.target = target;
        }
    }

    /// `groups { id = ... }` blocks, by position: the nth planned block is the nth written.
    fn groups(&self, address: &str, spellings: &[&str], groups: &mut [Reference]) {
        let Some((expressions, prefix)) = self.of(address) else { return };
        let Some(Node::Seq { items, .. }) = spellings.iter().find_map(|k| expressions.get(k)) else { return };
        if items.len() != groups.len() {
            return;
        }
        for (block, reference) in items.iter().zip(groups.iter_mut()) {
            if reference.target != Target::Unknown {
                continue;
            }
            let id = schema::GROUP_REF.tf(FieldId::Id).iter().find_map(|k| block.get(k));
            if let Some(target) = id.and_then(|e| self.target(e, prefix, 0)) {
                reference.target = target;
            }
        }
    }

    /// The resource a `references` list names: one the plan holds, or a data source; a
    /// module's variable is what its call passes (`group_id = kestra_group.bots.id`).
    fn target(&self, expression: &Node, prefix: &str, hops: usize) -> Option<Target> {
        let Some(Node::Seq { items, .. }) = expression.get("references") else { return None };
        let written: Vec<&str> = items.iter().filter_map(Node::as_str).collect();
        if let Some(data) = written.iter().find(|r| r.starts_with("data.")) {
            return Some(Target::External(data.strip_suffix(".id").unwrap_or(data).to_string()));
        }
        if let Some(var) = written.iter().find_map(|r| r.strip_prefix("var.")) {
            if prefix.is_empty() || hops >= MAX_VAR_HOPS {
                return None;
            }
            let argument = self.configured.calls.get(&module_path(prefix)).and_then(|call| call.get(var))?;
            return self.target(argument, parent(prefix), hops + 1);
        }
        written
            .iter()
            .map(|r| format!("{prefix}{}", r.strip_suffix(".id").unwrap_or(r)))
            .find_map(|address| self.planned.contains(&address).then_some(Target::Address(address)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_and_callers() {
        assert_eq!(module_path("module.a[\"x.y\"].module.b."), "a.b");
        assert_eq!(module_path(""), "");
        assert_eq!(parent("module.a[\"x.y\"].module.b."), "module.a[\"x.y\"].");
        assert_eq!(parent("module.a[\"module.z\"]."), "");
        assert_eq!(parent("module.a."), "");
    }
}
