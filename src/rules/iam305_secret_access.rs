//! IAM305 secret-access: a service account with effective SECRET or KVSTORE access on the
//! whole tenant: one leaked token reads (or rewrites) every namespace's credentials.

use super::{Context, Declaration, Fixes};
use crate::finding::{Finding, Severity};
use crate::access::{chain, scope::Scope, vocab::vocab};

pub const RULE: Declaration = Declaration {
    code: "IAM305",
    name: "secret-access",
    severity: Severity::Warning,
    enabled: true,
    reads_settings: false,
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM305.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let ws = cx.ws;
    let graph = cx.access();
    for (object, sa, p) in graph.ordinary_service_accounts(ws) {
        let hits = graph.hits(ws, p, |path, t, _| path.scope == Some(Scope::Tenant) && vocab().is_secret_type(t));
        let Some(first) = hits.first() else { continue };
        let kind = ws.roles[first.path.role].grants[first.grant].resource_type.known().map_or("?", String::as_str);
        let what = if kind == crate::access::vocab::WILDCARD { "every resource type, secrets included" } else { kind };
        let mut finding = Finding::new(
            CODE,
            sa.origin.span,
            format!("{} has {what} access on the whole tenant", chain::noun(ws, object)),
        )
        .help("limit the binding (or the role) to the namespaces whose secrets and KV entries the bot needs");
        finding.labels = chain::dedup(hits.iter().flat_map(|h| chain::hit_labels(ws, object, h)).collect());
        finding.chain = chain::identities(ws, object, hits.iter().map(|h| h.path));
        out.push(finding);
    }
}
