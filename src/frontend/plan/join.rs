//! A plan joined to the configuration it was made from. The configuration keeps what a plan
//! loses (references: ids are "known after apply") and the spans a fix edits; the plan adds
//! the values the configuration cannot evaluate (a variable set by a var file that is not in
//! the repository, a function iamlint does not know).
//!
//! A plan is matched to one root module:
//! 1. a plan the configuration's `deployments:` assigns (its `manifests` globs) is matched
//!    among that deployment's roots only;
//! 2. a plan in a root module's own folder is that root's;
//! 3. otherwise, the root whose resource addresses (instance keys dropped) the plan shares
//!    most; on a tie, the one whose folder name the plan's path names (`plans/prod.json` for
//!    `envs/prod`, `plans/prod-eu.json` for `envs/prod-eu`: a whole name wins over a part of
//!    one, a longer part over a shorter), then the one whose literal names agree with the
//!    plan's most.
//!
//! A plan that shares no address with any root (a root kept elsewhere) is left as it is: its
//! objects, in no root, belong to every deployment. A plan several roots match equally
//! belongs to none of them: joined to all, it would duplicate every object in each. It is
//! checked apart, as a deployment of its own, and reported (IAM001) with the configuration
//! key that assigns it.

use crate::config::FileFilter;
use crate::model::*;
use crate::source::{FileId, Reading};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// The root module (and its deployment) a plan file was matched to.
type Matches = HashMap<FileId, (Arc<str>, Arc<str>)>;

/// Joins every plan of the workspace to its root module's configuration.
pub fn join(ws: &mut Workspace, layout: &FileFilter) {
    let plans: BTreeSet<FileId> =
        ws.sources.iter().filter(|(_, f)| f.reading == Reading::As(super::READING)).map(|(id, _)| id).collect();
    if plans.is_empty() {
        return;
    }
    let (matches, tied) = match_roots(ws, &plans, layout);
    keep_apart(ws, tied);
    if matches.is_empty() {
        return;
    }
    let accounts = join_kind(&mut ws.service_accounts, &matches);
    let users = join_kind(&mut ws.users, &matches);
    let groups = join_kind(&mut ws.groups, &matches);
    let roles = join_kind(&mut ws.roles, &matches);
    join_kind(&mut ws.bindings, &matches);
    join_kind(&mut ws.tokens, &matches);
    join_kind(&mut ws.memberships, &matches);
    for p in ws.providers.iter_mut().filter(|p| p.root.is_none()) {
        if let Some((root, _)) = matches.get(&p.span.file) {
            p.root = Some(Arc::clone(root));
        }
    }
    // A manifest's nested objects point at their owner by position, which moved.
    let moved = |o: ObjectRef| match o {
        ObjectRef::ServiceAccount(i) => ObjectRef::ServiceAccount(accounts[i]),
        ObjectRef::User(i) => ObjectRef::User(users[i]),
        ObjectRef::Group(i) => ObjectRef::Group(groups[i]),
        ObjectRef::Role(i) => ObjectRef::Role(roles[i]),
    };
    let shift = |r: &mut Reference| {
        if let Target::Direct(o) = r.target {
            r.target = Target::Direct(moved(o));
            r.resolved = Some(moved(o));
        }
    };
    for t in &mut ws.tokens {
        shift(&mut t.owner);
    }
    for b in &mut ws.bindings {
        shift(&mut b.principal);
        shift(&mut b.role);
    }
    for m in &mut ws.memberships {
        shift(&mut m.user);
        shift(&mut m.group);
    }
}

/// `module.a["x"].kestra_group.g[0]` -> `module.a.kestra_group.g`: an address as the
/// configuration writes it before `for_each` and `count` expand it.
pub(super) fn base(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    for c in address.chars() {
        match c {
            '"' if depth > 0 => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// What a root module's configuration declares, to recognise its plans.
#[derive(Default)]
struct Root {
    deployment: Option<Arc<str>>,
    bases: HashSet<String>,
    /// Known names by full address.
    names: HashMap<String, String>,
}

/// Plans that several roots match equally, with those roots.
type Tied = BTreeMap<FileId, Vec<Arc<str>>>;

/// A tied plan's objects make a deployment of their own (named by the plan's path), so that
/// they neither duplicate nor resolve against any root's; the tie is reported once.
fn keep_apart(ws: &mut Workspace, tied: Tied) {
    if tied.is_empty() {
        return;
    }
    let apart: HashMap<FileId, Arc<str>> =
        tied.keys().map(|&f| (f, Arc::from(ws.sources.get(f).display.as_str()))).collect();
    let place = |o: &mut Origin| {
        if let Some(d) = apart.get(&o.span.file) {
            o.deployment = Some(Arc::clone(d));
        }
    };
    ws.service_accounts.iter_mut().for_each(|x| place(&mut x.origin));
    ws.users.iter_mut().for_each(|x| place(&mut x.origin));
    ws.groups.iter_mut().for_each(|x| place(&mut x.origin));
    ws.roles.iter_mut().for_each(|x| place(&mut x.origin));
    ws.bindings.iter_mut().for_each(|x| place(&mut x.origin));
    ws.tokens.iter_mut().for_each(|x| place(&mut x.origin));
    ws.memberships.iter_mut().for_each(|x| place(&mut x.origin));
    for (file, roots) in tied {
        let path = &apart[&file];
        let roots: Vec<String> = roots.iter().map(|r| format!("`{r}`")).collect();
        let (last, first) = roots.split_last().map_or((String::new(), &[][..]), |(l, f)| (l.clone(), f));
        ws.problems.push(Problem {
            code: crate::rules::SYNTAX_ERROR.code,
            span: crate::source::Span { file, start: 0, end: 0 },
            message: format!(
                "plan `{path}` matches the root modules {} and {last} equally: it is joined to none and checked \
                 as a deployment of its own",
                first.join(", ")
            ),
            help: Some(format!(
                "say whose plan it is in .iamlint.yaml: `deployments: {{<name>: {{roots: [<root>], manifests: \
                 [\"{path}\"]}}}}` (the key `deployments.<name>.manifests`)"
            )),
            labels: Vec::new(),
            fix: None,
        });
    }
}

fn match_roots(ws: &Workspace, plans: &BTreeSet<FileId>, layout: &FileFilter) -> (Matches, Tied) {
    let mut roots: BTreeMap<Arc<str>, Root> = BTreeMap::new();
    let mut planned: BTreeMap<FileId, (HashSet<String>, HashMap<String, String>)> = BTreeMap::new();
    for (origin, name) in named_origins(ws) {
        if plans.contains(&origin.span.file) {
            let (bases, names) = planned.entry(origin.span.file).or_default();
            bases.insert(base(&origin.address));
            if let Some(name) = name {
                names.insert(origin.address.clone(), name.to_string());
            }
        } else if let (Some(root), Format::Terraform) = (&origin.root, origin.format) {
            let r = roots.entry(Arc::clone(root)).or_default();
            r.deployment.get_or_insert_with(|| origin.deployment.clone().unwrap_or_else(|| Arc::clone(root)));
            r.bases.insert(base(&origin.address));
            if let Some(name) = name {
                r.names.insert(origin.address.clone(), name.to_string());
            }
        }
    }
    let mut out = Matches::new();
    let mut tied = Tied::new();
    for (file, (bases, names)) in planned {
        let source = ws.sources.get(file);
        let assigned = layout.deployment_of_manifest(&source.path);
        let folder = source.display.rsplit_once('/').map_or(".", |(dir, _)| dir);
        let folder = folder.strip_prefix("./").unwrap_or(folder);
        let candidates: Vec<(&Arc<str>, &Root)> =
            roots.iter().filter(|(_, r)| assigned.is_none_or(|d| r.deployment.as_deref() == Some(d))).collect();
        let found = match candidates.as_slice() {
            [only] if assigned.is_some() => Found::One(*only),
            _ => match candidates.iter().find(|(root, _)| root.as_ref() == folder) {
                Some(own) => Found::One(*own),
                None => best(&candidates, &bases, &names, &source.display),
            },
        };
        match found {
            Found::One((root, r)) => {
                let deployment = r.deployment.clone().unwrap_or_else(|| Arc::clone(root));
                out.insert(file, (Arc::clone(root), deployment));
            }
            Found::Tied(roots) => {
                tied.insert(file, roots);
            }
            Found::None => {}
        }
    }
    (out, tied)
}

enum Found<'r> {
    One((&'r Arc<str>, &'r Root)),
    /// Several roots match equally.
    Tied(Vec<Arc<str>>),
    /// No root shares an address with the plan.
    None,
}

/// The root a plan found elsewhere belongs to, if one stands out.
fn best<'r>(
    candidates: &[(&'r Arc<str>, &'r Root)],
    bases: &HashSet<String>,
    names: &HashMap<String, String>,
    path: &str,
) -> Found<'r> {
    let shared = |r: &Root| bases.iter().filter(|b| r.bases.contains(*b)).count();
    let Some(top) = candidates.iter().map(|(_, r)| shared(r)).max().filter(|&n| n > 0) else {
        return Found::None;
    };
    let mut tied: Vec<(&Arc<str>, &Root)> = candidates.iter().filter(|(_, r)| shared(r) == top).copied().collect();
    if tied.len() > 1 {
        let named = |root: &str| path_names(path, root.rsplit('/').next().unwrap_or(root));
        let most = tied.iter().map(|(root, _)| named(root)).max().unwrap_or(0);
        if most > 0 {
            tied.retain(|(root, _)| named(root) == most);
        }
    }
    if tied.len() > 1 {
        let agree = |r: &Root| names.iter().filter(|(a, n)| r.names.get(*a) == Some(*n)).count();
        let most = tied.iter().map(|(_, r)| agree(r)).max().unwrap_or(0);
        tied.retain(|(_, r)| agree(r) == most);
    }
    match tied.as_slice() {
        [one] => Found::One(*one),
        _ => Found::Tied(tied.iter().map(|(root, _)| Arc::clone(root)).collect()),
    }
}

/// How well a plan's path names a root's folder `name`: 0 not at all; the length of `name`
/// when a word of the path (split on `/` and `.`) holds it between `-` or `_`
/// (`tfplan-prod-eu`); above any length when a word is `name` itself. `prod` is so never
/// taken for `prod-eu`, and `prod-eu` wins over `prod` in `tfplan-prod-eu`.
fn path_names(path: &str, name: &str) -> usize {
    if name.is_empty() {
        return 0;
    }
    let words = || path.split(['/', '.']);
    if words().any(|w| w == name) {
        return usize::MAX;
    }
    let delimited = |w: &str| {
        w.match_indices(name).any(|(at, _)| {
            let before = w[..at].chars().next_back().is_none_or(|c| c == '-' || c == '_');
            let after = w[at + name.len()..].chars().next().is_none_or(|c| c == '-' || c == '_');
            before && after
        })
    };
    if words().any(delimited) {
        name.len()
    } else {
        0
    }
}

fn named_origins(ws: &Workspace) -> impl Iterator<Item = (&Origin, Option<&str>)> {
    let accounts = ws.service_accounts.iter().map(|x| (&x.origin, known_str(&x.name)));
    let users = ws.users.iter().map(|x| (&x.origin, known_str(&x.name)));
    let groups = ws.groups.iter().map(|x| (&x.origin, known_str(&x.name)));
    let roles = ws.roles.iter().map(|x| (&x.origin, known_str(&x.name)));
    let bindings = ws.bindings.iter().map(|x| (&x.origin, None));
    let tokens = ws.tokens.iter().map(|x| (&x.origin, known_str(&x.name)));
    let memberships = ws.memberships.iter().map(|x| (&x.origin, None));
    accounts.chain(users).chain(groups).chain(roles).chain(bindings).chain(tokens).chain(memberships)
}

/// An object a plan and a configuration both describe.
trait Joined: Clone {
    fn origin(&self) -> &Origin;
    fn origin_mut(&mut self) -> &mut Origin;
    /// Takes from the plan what the configuration could not evaluate.
    fn fill(&mut self, plan: &Self);
}

/// Joins one kind's plan objects to the configuration's; returns where each object moved.
fn join_kind<T: Joined>(items: &mut Vec<T>, matches: &Matches) -> Vec<usize> {
    let planned = |x: &T| matches.contains_key(&x.origin().span.file);
    let mut configured: HashMap<(&str, &str), usize> = HashMap::new();
    // By address within its module: a plan of a root outside the workspace that calls this
    // folder as a module (`module.iam.kestra_group.g`); None when two modules share it.
    let mut local: HashMap<(&str, &str), Option<usize>> = HashMap::new();
    for (i, x) in items.iter().enumerate() {
        let o = x.origin();
        if let (Some(root), Format::Terraform, false) = (&o.root, o.format, planned(x)) {
            configured.entry((root, o.address.as_str())).or_insert(i);
            local.entry((root, local_address(&o.address))).and_modify(|e| *e = None).or_insert(Some(i));
        }
    }
    // Per configuration object, the plan objects it stands for: itself (filled), or, for a
    // block iamlint could not expand, one copy per instance the plan holds.
    let mut joined: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut unmatched: Vec<usize> = Vec::new();
    for (i, x) in items.iter().enumerate().filter(|(_, x)| planned(x)) {
        let (root, _) = &matches[&x.origin().span.file];
        let address = x.origin().address.as_str();
        let unexpanded = base(address);
        let found = configured
            .get(&(root, address))
            .or_else(|| configured.get(&(root, unexpanded.as_str())))
            .copied()
            .or_else(|| local.get(&(root.as_ref(), local_address(address))).copied().flatten());
        match found {
            Some(c) => joined.entry(c).or_default().push(i),
            None => unmatched.push(i),
        }
    }
    for &i in &unmatched {
        let (root, deployment) = &matches[&items[i].origin().span.file];
        let o = items[i].origin_mut();
        o.root = Some(Arc::clone(root));
        o.deployment = Some(Arc::clone(deployment));
    }
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    let mut moved = vec![usize::MAX; items.len()];
    let absorbed: HashMap<usize, usize> = joined.iter().flat_map(|(&c, ps)| ps.iter().map(move |&p| (p, c))).collect();
    for (i, x) in items.iter().enumerate() {
        if absorbed.contains_key(&i) {
            continue;
        }
        moved[i] = out.len();
        match joined.get(&i) {
            None => out.push(x.clone()),
            Some(plans) => {
                // Two plans of one root (an old one left beside a new one) describe one
                // object once: the first fills it, a later one only what is still unknown.
                let mut copies: Vec<T> = Vec::new();
                for plan in plans.iter().map(|&p| &items[p]) {
                    let address = &plan.origin().address;
                    let at = match copies.iter().position(|c| &c.origin().address == address) {
                        Some(at) => at,
                        None => {
                            let mut copy = x.clone();
                            copy.origin_mut().address.clone_from(address);
                            copies.push(copy);
                            copies.len() - 1
                        }
                    };
                    copies[at].fill(plan);
                }
                out.extend(copies);
            }
        }
    }
    for (p, c) in absorbed {
        moved[p] = moved[c];
    }
    *items = out;
    moved
}

/// The plan's value where the configuration writes one it cannot evaluate. An argument the
/// configuration leaves out is known to be absent: a plan (stale, or written by hand)
/// filling it would turn the configuration's finding (a token with no `max_age`) into
/// silence.
fn value<T: Clone>(config: &mut Option<Field<T>>, plan: &Option<Field<T>>) {
    if let (Some(c), Some(p)) = (config.as_ref(), plan.as_ref()) {
        if c.is_unknown() && !p.is_unknown() {
            config.clone_from(plan);
        }
    }
}

fn reference(config: &mut Reference, plan: &Reference) {
    if config.target == Target::Unknown && plan.target != Target::Unknown {
        *config = plan.clone();
    }
}

fn tenant(config: &mut Origin, plan: &Origin) {
    if config.tenant_source == TenantSource::Unknown {
        if let TenantSource::Literal(_) = plan.tenant_source {
            config.tenant_source = plan.tenant_source.clone();
        }
    }
}

fn groups(config: (&mut Vec<Reference>, &mut bool), plan: (&[Reference], bool)) {
    if !*config.1 && plan.1 {
        *config.0 = plan.0.to_vec();
        *config.1 = true;
    }
}

/// The `origin` accessors of `Joined`, the same for every object type.
macro_rules! origin_fields {
    () => {
        fn origin(&self) -> &Origin {
            &self.origin
        }
        fn origin_mut(&mut self) -> &mut Origin {
            &mut self.origin
        }
    };
}

impl Joined for ServiceAccount {
    origin_fields!();
    fn fill(&mut self, plan: &Self) {
        tenant(&mut self.origin, &plan.origin);
        value(&mut self.name, &plan.name);
        value(&mut self.description, &plan.description);
        value(&mut self.super_admin, &plan.super_admin);
        groups((&mut self.groups, &mut self.groups_known), (&plan.groups, plan.groups_known));
    }
}

impl Joined for User {
    origin_fields!();
    fn fill(&mut self, plan: &Self) {
        tenant(&mut self.origin, &plan.origin);
        value(&mut self.name, &plan.name);
        value(&mut self.email, &plan.email);
        value(&mut self.description, &plan.description);
        value(&mut self.super_admin, &plan.super_admin);
        groups((&mut self.groups, &mut self.groups_known), (&plan.groups, plan.groups_known));
    }
}

impl Joined for Group {
    origin_fields!();
    fn fill(&mut self, plan: &Self) {
        tenant(&mut self.origin, &plan.origin);
        value(&mut self.name, &plan.name);
        value(&mut self.description, &plan.description);
        value(&mut self.namespace, &plan.namespace);
    }
}

impl Joined for Role {
    origin_fields!();
    fn fill(&mut self, plan: &Self) {
        tenant(&mut self.origin, &plan.origin);
        value(&mut self.name, &plan.name);
        value(&mut self.description, &plan.description);
        value(&mut self.namespace, &plan.namespace);
        if !self.grants_known && plan.grants_known {
            self.grants.clone_from(&plan.grants);
            self.grants_known = true;
        }
    }
}

impl Joined for Binding {
    origin_fields!();
    fn fill(&mut self, plan: &Self) {
        tenant(&mut self.origin, &plan.origin);
        value(&mut self.principal_type, &plan.principal_type);
        reference(&mut self.principal, &plan.principal);
        reference(&mut self.role, &plan.role);
        value(&mut self.namespace, &plan.namespace);
    }
}

impl Joined for ApiToken {
    origin_fields!();
    fn fill(&mut self, plan: &Self) {
        tenant(&mut self.origin, &plan.origin);
        reference(&mut self.owner, &plan.owner);
        value(&mut self.name, &plan.name);
        value(&mut self.description, &plan.description);
        value(&mut self.max_age, &plan.max_age);
        value(&mut self.extended, &plan.extended);
    }
}

impl Joined for Membership {
    origin_fields!();
    fn fill(&mut self, plan: &Self) {
        tenant(&mut self.origin, &plan.origin);
        reference(&mut self.user, &plan.user);
        reference(&mut self.group, &plan.group);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_names_a_whole_folder_name_before_a_part_of_one() {
        assert_eq!(path_names("plans/prod-eu.json", "prod-eu"), usize::MAX);
        assert!(path_names("plans/prod-eu.json", "prod") < usize::MAX);
        assert_eq!(path_names("plans/prod.json", "prod-eu"), 0);
        assert!(path_names("plans/tfplan-prod-eu.json", "prod-eu") > path_names("plans/tfplan-prod-eu.json", "prod"));
        assert_eq!(path_names("plans/production.json", "prod"), 0);
    }

    #[test]
    fn bases_drop_instance_keys_even_with_brackets_inside() {
        assert_eq!(base("module.a[\"x\"].kestra_group.g[0]"), "module.a.kestra_group.g");
        assert_eq!(base("kestra_group.g[\"a]b\"]"), "kestra_group.g");
        assert_eq!(base("kestra_group.g"), "kestra_group.g");
    }
}
