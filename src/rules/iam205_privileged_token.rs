//! IAM205 privileged-token: an API token whose owner is over-privileged (a super admin, able
//! to change IAM, or holding a wildcard role). The token is the credential that leaks.

use super::{Context, Declaration, Fixes};
use crate::finding::{Finding, Label, Severity};
use crate::access::{chain, wildcard, Wildcard};
use crate::model::{known_str, ObjectRef};

pub const RULE: Declaration = Declaration {
    code: "IAM205",
    name: "privileged-token",
    severity: Severity::Error,
    enabled: true,
    reads_settings: false,
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM205.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let ws = cx.ws;
    let graph = cx.access();
    for token in &ws.tokens {
        let Some(owner) = token.owner.resolved else { continue };
        let Some(p) = graph.principal(owner) else { continue };
        let (why, reasons, paths): (String, Vec<Label>, Vec<String>) = if let Some(flag) = p.super_admin {
            (
                "is a super admin".into(),
                vec![Label { span: flag, message: format!("`{}` is a super admin", ws.display_name(owner)) }],
                chain::super_admin_identity(ws, owner),
            )
        } else {
            let hits = graph.escalations(ws, p);
            if !hits.is_empty() {
                let labels = hits.iter().flat_map(|h| chain::hit_labels(ws, owner, h)).collect();
                let paths = chain::identities(ws, owner, hits.iter().map(|h| h.path));
                ("can change IAM and grant itself more".into(), labels, paths)
            } else {
                let paths = graph.wildcard_paths(ws, p);
                let Some(first) = paths.first() else { continue };
                let mut labels = Vec::new();
                for path in &paths {
                    labels.extend(chain::membership_label(ws, owner, path));
                    labels.push(chain::binding_label(ws, owner, path));
                    let role = &ws.roles[path.role];
                    let name = ws.display_name(ObjectRef::Role(path.role));
                    labels.push(match wildcard(role) {
                        Some(Wildcard::Star { span, .. }) => {
                            Label { span, message: format!("role `{name}` grants `*`") }
                        }
                        _ => Label {
                            span: role.origin.span,
                            message: format!("role `{name}` grants every resource type"),
                        },
                    });
                }
                let identities = chain::identities(ws, owner, paths.iter().copied());
                (format!("holds the wildcard role `{}`", ws.display_name(ObjectRef::Role(first.role))), labels, identities)
            }
        };
        let name = known_str(&token.name).map_or_else(|| token.origin.address.clone(), |n| format!("`{n}`"));
        let mut labels =
            vec![Label { span: ws.origin(owner).span, message: format!("owned by {}", chain::noun(ws, owner)) }];
        labels.extend(reasons);
        let mut finding = Finding::new(
            CODE,
            token.origin.span,
            format!(
                "API token {name} belongs to {}, which {why}: the token carries all its rights",
                chain::noun(ws, owner)
            ),
        )
        .help("issue tokens only to accounts with the least privilege they need; move admin work to people");
        finding.labels = chain::dedup(labels);
        finding.chain = paths;
        out.push(finding);
    }
}
