//! IAM303 iam-escalation: a service account whose effective permissions let it change IAM
//! (users, groups, roles, bindings, service accounts, tokens, impersonation): whoever holds
//! one of its tokens can grant themselves anything.

use super::{Context, Declaration, Fixes};
use crate::finding::{Finding, Severity};
use crate::access::chain;

pub const RULE: Declaration = Declaration {
    code: "IAM303",
    name: "iam-escalation",
    severity: Severity::Error,
    enabled: true,
    reads_settings: false,
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM303.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let ws = cx.ws;
    let graph = cx.access();
    for (object, sa, p) in graph.ordinary_service_accounts(ws) {
        let hits = graph.escalations(ws, p);
        let Some(first) = hits.first() else { continue };
        let grant = &ws.roles[first.path.role].grants[first.grant];
        let what = format!(
            "{}: {}",
            grant.resource_type.known().map_or("?", String::as_str),
            first.actions.iter().filter_map(|a| a.known()).map(String::as_str).collect::<Vec<_>>().join(", ")
        );
        let more = if hits.len() > 1 {
            format!(" (and {} more grant{})", hits.len() - 1, plural(hits.len() - 1))
        } else {
            String::new()
        };
        let labels = chain::dedup(hits.iter().flat_map(|h| chain::hit_labels(ws, object, h)).collect());
        let mut finding = Finding::new(
            CODE,
            sa.origin.span,
            format!("{} can change IAM ({what}{more}): it can grant itself more", chain::noun(ws, object)),
        )
        .help("keep IAM management with people; give the bot only the flow, execution and namespace actions it needs");
        finding.labels = labels;
        finding.chain = chain::identities(ws, object, hits.iter().map(|h| h.path));
        out.push(finding);
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
