//! IAM101 service-account-name: a service-account name must be a DNS label.

use super::{edits, moved, Context, Declaration, Fixes, Safety};
use crate::finding::{Finding, Fix, Severity};
use crate::model::{known_str, ObjectRef, Target};
use crate::names::{self, NameRule};
use crate::source::Span;
use std::collections::HashMap;
use std::sync::OnceLock;

pub const RULE: Declaration = Declaration {
    code: "IAM101",
    name: "service-account-name",
    severity: Severity::Error,
    enabled: true,
    reads_settings: false,
    fix: Fixes::Sometimes(Safety::Unsafe),
    docs: include_str!("../../rules/IAM101.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    // Built on the first bad name only: scanning every account and reference once per
    // finding is quadratic on a large workspace.
    let index = OnceLock::new();
    for (i, sa) in cx.ws.service_accounts.iter().enumerate() {
        let Some(field) = &sa.name else { continue };
        let Some(name) = field.known() else { continue };
        let problems = names::check(name, NameRule::DnsLabel);
        if problems.is_empty() {
            continue;
        }
        let reasons: Vec<String> = problems.iter().map(|p| p.describe()).collect();
        let message = format!("service account name `{name}` {}", reasons.join("; "));
        let normalized = names::normalize(name);
        let moves = normalized.as_ref().map(|new| moved::key_rename(cx.ws, &sa.origin, field.span, name, new));
        let blocker = match &moves {
            Some(Err(why)) => Some(why.clone()),
            _ => normalized.as_ref().and_then(|new| {
                let index = index.get_or_init(|| Index::build(cx));
                rename_blocker(cx, index, i, name, new)
            }),
        };
        let fix = match (&normalized, &blocker, moves) {
            (Some(new), None, Some(Ok(moves))) => {
                let index = index.get_or_init(|| Index::build(cx));
                rename(cx, index, ObjectRef::ServiceAccount(i), field.span, name, new).map(|f| with_moves(f, moves))
            }
            _ => None,
        };
        let help = match (&normalized, blocker) {
            (Some(new), None) => format!("rename it to `{new}`: lowercase a-z, 0-9 and '-', at most 63 characters"),
            (Some(new), Some(why)) => format!("rename it (`{new}` would fit, but {why})"),
            (None, _) => "use lowercase a-z, 0-9 and '-', starting and ending with a letter or digit".into(),
        };
        out.push(Finding::new(CODE, field.span, message).help(help).fix(fix).reaching(&sa.origin));
    }
}

/// What renames look up, built once: who holds or would take each name in each tenant, and
/// every reference naming an account by a literal name.
struct Index<'a> {
    /// (tenant, id or name) -> accounts holding it, in account order.
    taken: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// (tenant, normalized name) -> accounts whose invalid name normalizes to it.
    renamed: HashMap<(&'a str, String), Vec<(usize, &'a str)>>,
    /// (tenant, id, name or email) -> users holding it.
    users: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// account -> (name written, span) of references by name, in the order the fix edits
    /// them: bindings, then memberships, then tokens.
    references: HashMap<ObjectRef, Vec<(&'a str, Span)>>,
}

impl<'a> Index<'a> {
    fn build(cx: &Context<'a>) -> Self {
        let ws = cx.ws;
        let mut taken: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        let mut renamed: HashMap<(&str, String), Vec<(usize, &str)>> = HashMap::new();
        for (j, sa) in ws.service_accounts.iter().enumerate() {
            let tenant = sa.origin.tenant.as_str();
            for held in [known_str(&sa.id), known_str(&sa.name)].into_iter().flatten() {
                taken.entry((tenant, held)).or_default().push(j);
            }
            let Some(name) = known_str(&sa.name) else { continue };
            if names::check(name, NameRule::DnsLabel).is_empty() {
                continue;
            }
            if let Some(new) = names::normalize(name) {
                renamed.entry((tenant, new)).or_default().push((j, name));
            }
        }
        let mut users: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (j, u) in ws.users.iter().enumerate() {
            let tenant = u.origin.tenant.as_str();
            for held in [&u.id, &u.name, &u.email].into_iter().filter_map(known_str) {
                users.entry((tenant, held)).or_default().push(j);
            }
        }
        let mut references: HashMap<ObjectRef, Vec<(&str, Span)>> = HashMap::new();
        let refs = ws
            .bindings
            .iter()
            .map(|b| &b.principal)
            .chain(ws.memberships.iter().map(|m| &m.user))
            .chain(ws.tokens.iter().map(|t| &t.owner));
        for r in refs {
            if let (Some(object), Target::Name(name)) = (r.resolved, &r.target) {
                references.entry(object).or_default().push((name.as_str(), r.span));
            }
        }
        Index { taken, renamed, users, references }
    }
}

/// Why renaming service account `i` from `old` to `new` would not be safe: the new name is taken in its tenant (service accounts and users share one namespace for bindings and
/// memberships), another account would be renamed to it too, or its id is the old name (so
/// references by that name may mean the id). Of several reasons, the one from the first
/// account in workspace order is given.
fn rename_blocker(cx: &Context, index: &Index, i: usize, old: &str, new: &str) -> Option<String> {
    let ws = cx.ws;
    let sa = &ws.service_accounts[i];
    let tenant = sa.origin.tenant.as_str();
    if known_str(&sa.id) == Some(old) {
        return Some(format!("its id is also `{old}`, and references by that name may mean the id"));
    }
    let taken = format!("`{new}` is already taken in tenant `{tenant}`");
    // Another deployment's tenant of the same name is another instance's.
    let seen = |j: usize| j != i && ws.service_accounts[j].origin.shares_deployment(&sa.origin);
    let holder = index.taken.get(&(tenant, new)).and_then(|js| js.iter().copied().find(|&j| seen(j)));
    let renamer =
        index.renamed.get(&(tenant, new.to_string())).and_then(|js| js.iter().copied().find(|&(j, _)| seen(j)));
    match (holder, renamer) {
        // One account can hold `new` as its id and rename to it: holding is checked first.
        (Some(h), Some((r, _))) if h <= r => return Some(taken),
        (Some(_), None) => return Some(taken),
        (_, Some((_, other_name))) => return Some(format!("`{other_name}` would be renamed to `{new}` too")),
        (None, None) => {}
    }
    let user = index.users.get(&(tenant, new)).is_some_and(|us| us.iter().any(|&u| ws.users[u].origin.shares_deployment(&sa.origin)));
    user.then_some(taken)
}

/// A rename that also keeps Terraform addresses: its `moved` blocks and references.
pub(super) fn with_moves(mut fix: Fix, moves: Vec<crate::finding::Edit>) -> Fix {
    if !moves.is_empty() {
        fix.description.push_str(", with `moved` blocks for the Terraform addresses it changes");
        fix.edits.extend(moves);
    }
    fix
}

/// Renames the object and every reference that names it by its old name (references by
/// Terraform address or by id do not change). All of them or none: when one cannot be
/// rewritten, a partial rename would break the references it leaves.
fn rename(cx: &Context, index: &Index, object: ObjectRef, span: Span, old: &str, new: &str) -> Option<Fix> {
    let ws = cx.ws;
    let mut edits = vec![edits::replace_string(ws, span, old, new).or_else(|| moved::bare_key(ws, span, old, new))?];
    for &(name, at) in index.references.get(&object).into_iter().flatten() {
        if name == old {
            edits.push(edits::replace_string(ws, at, old, new)?);
        }
    }
    Some(Fix { description: format!("rename `{old}` to `{new}`"), edits })
}
