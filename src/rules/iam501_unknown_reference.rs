//! IAM501 unknown-reference: a reference iamlint can resolve (a Terraform resource address,
//! or a name) that names no object of the expected kind in the workspace. Generated Kestra
//! ids and data sources name objects managed elsewhere and are never reported.

use super::{Context, Declaration, Fixes};
use crate::finding::{Finding, Severity};
use crate::model::*;
use crate::resolve::kind_of;
use crate::suggest::{self, Dictionary};
use std::collections::HashMap;

pub const RULE: Declaration = Declaration {
    code: "IAM501",
    name: "unknown-reference",
    severity: Severity::Warning,
    enabled: true,
    reads_settings: false,
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM501.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let ws = cx.ws;
    let mut refs: Vec<(&Reference, &Origin, &[Kind])> = Vec::new();
    crate::resolve::for_each_reference(ws, |r, origin, kinds| refs.push((r, origin, kinds)));
    let mut index: Option<Index> = None;
    let mut budget = suggest::COMPARISON_BUDGET;
    for (r, from, kinds) in refs {
        let tenant = from.tenant.as_str();
        if r.resolved.is_some() || !matches!(r.target, Target::Address(_) | Target::Name(_)) {
            continue;
        }
        let index = index.get_or_insert_with(|| Index::build(ws));
        let wanted = kinds.iter().map(|k| k.noun()).collect::<Vec<_>>().join(" or ");
        let otherwise = format!(
            "define the {wanted} in the workspace, or refer to one managed elsewhere by its Kestra id or a data source"
        );
        let (message, suggestion) = match &r.target {
            // Named as the module's files write it: the same in every instance of a child
            // module, so that its instances make one finding.
            Target::Address(a) => match index.object_at(a).or_else(|| index.object_at(local_address(a))) {
                // The address names an object of the right kind, but in another folder:
                // Terraform addresses only resolve within their own module.
                Some(o) if kinds.contains(&kind_of(o)) => {
                    let a = local_address(a);
                    let elsewhere = &ws.sources.get(ws.origin(o).span.file).display;
                    let message = format!("`{a}` is not defined in this module (it is defined in `{elsewhere}`)");
                    let help = "a resource address only resolves within its own folder: pass the id in through a variable or a module output, or refer to it with a data source";
                    out.push(Finding::new(CODE, r.span, message).help(help));
                    continue;
                }
                Some(o) => {
                    let a = local_address(a);
                    let message = format!("`{a}` is a {}, not a {wanted}", kind_of(o).noun());
                    out.push(Finding::new(CODE, r.span, message).help(format!("refer to a {wanted} here")));
                    continue;
                }
                None => {
                    let a = local_address(a);
                    (format!("`{a}` is not defined in the workspace"), index.suggest_address(a, kinds, &mut budget))
                }
            },
            Target::Name(n) => (
                format!("no {wanted} named `{n}` in tenant `{tenant}`"),
                index.suggest_name(n, kinds, from, &mut budget),
            ),
            _ => continue,
        };
        let help = suggestion.map_or(otherwise, |s| format!("did you mean `{s}`?"));
        out.push(Finding::new(CODE, r.span, message).help(help));
    }
}

/// Addresses and names of the workspace's objects, for messages and suggestions; built
/// only when some reference does not resolve.
/// Where a name is unique: a kind of object in a tenant of a deployment (None: a manifest
/// in every deployment).
type Scope<'a> = (Kind, &'a str, Option<&'a str>);

struct Index<'a> {
    by_address: HashMap<&'a str, ObjectRef>,
    /// (kind, tenant, deployment) -> names and ids
    names: HashMap<Scope<'a>, Dictionary<'a>>,
    /// (kind, Terraform resource type) -> resource names
    addresses: HashMap<(Kind, &'a str), Dictionary<'a>>,
}

impl<'a> Index<'a> {
    fn build(ws: &'a Workspace) -> Self {
        let mut by_address = HashMap::new();
        let mut names: HashMap<Scope<'a>, Vec<&str>> = HashMap::new();
        let mut addresses: HashMap<(Kind, &str), Vec<&str>> = HashMap::new();
        let sas = ws
            .service_accounts
            .iter()
            .enumerate()
            .map(|(i, x)| (ObjectRef::ServiceAccount(i), &x.origin, [&x.name, &x.id]));
        let users = ws.users.iter().enumerate().map(|(i, x)| (ObjectRef::User(i), &x.origin, [&x.name, &x.id]));
        let groups = ws.groups.iter().enumerate().map(|(i, x)| (ObjectRef::Group(i), &x.origin, [&x.name, &x.id]));
        let roles = ws.roles.iter().enumerate().map(|(i, x)| (ObjectRef::Role(i), &x.origin, [&x.name, &x.id]));
        for (object, origin, keys) in sas.chain(users).chain(groups).chain(roles) {
            let kind = kind_of(object);
            by_address.entry(origin.address.as_str()).or_insert(object);
            let scope = (kind, origin.tenant.as_str(), origin.deployment.as_deref());
            names.entry(scope).or_default().extend(keys.into_iter().filter_map(known_str));
            if origin.format == Format::Terraform {
                if let Some((resource_type, name)) = local_address(&origin.address).split_once('.') {
                    addresses.entry((kind, resource_type)).or_default().push(name);
                }
            }
        }
        fn dictionaries<K: std::hash::Hash + Eq>(lists: HashMap<K, Vec<&str>>) -> HashMap<K, Dictionary<'_>> {
            lists
                .into_iter()
                .map(|(key, mut list)| {
                    list.sort_unstable();
                    list.dedup();
                    (key, Dictionary::new(list))
                })
                .collect()
        }
        Index { by_address, names: dictionaries(names), addresses: dictionaries(addresses) }
    }

    fn object_at(&self, address: &str) -> Option<ObjectRef> {
        let base = address.split_once('[').map_or(address, |(b, _)| b);
        self.by_address.get(address).or_else(|| self.by_address.get(base)).copied()
    }

    /// The closest name the referring object can see: its tenant, in its deployment.
    fn suggest_name(&self, name: &str, kinds: &[Kind], from: &Origin, budget: &mut usize) -> Option<String> {
        let visible = |d: Option<&str>| d.is_none() || from.deployment.is_none() || d == from.deployment.as_deref();
        let mut scopes: Vec<(&Scope<'_>, &Dictionary)> = self
            .names
            .iter()
            .filter(|((k, t, d), _)| kinds.contains(k) && *t == from.tenant && visible(*d))
            .collect();
        scopes.sort_by(|a, b| a.0.cmp(b.0));
        let dictionaries: Vec<&Dictionary> = scopes.into_iter().map(|(_, d)| d).collect();
        Dictionary::closest_in(&dictionaries, name, budget).map(str::to_string)
    }

    /// The closest address of the same resource type, compared by resource name only: every
    /// `kestra_service_account.*` shares a long prefix that would make any two look alike.
    fn suggest_address(&self, address: &str, kinds: &[Kind], budget: &mut usize) -> Option<String> {
        let (resource_type, name) = address.split_once('.')?;
        let dictionaries: Vec<&Dictionary> =
            kinds.iter().filter_map(|k| self.addresses.get(&(*k, resource_type))).collect();
        Dictionary::closest_in(&dictionaries, name, budget).map(|n| format!("{resource_type}.{n}"))
    }
}
