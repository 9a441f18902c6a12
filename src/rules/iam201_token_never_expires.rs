//! IAM201 token-never-expires: a token without a max age (absent, null, empty, zero) is
//! valid forever; a leaked one stays usable until someone notices.

use super::edits::{self, Value};
use super::{Context, Declaration, Fixes, Safety};
use crate::duration;
use crate::finding::{Finding, Fix, Severity};
use crate::model::Val;
use crate::schema::{self, FieldId};
use crate::source::Span;

pub const RULE: Declaration = Declaration {
    code: "IAM201",
    name: "token-never-expires",
    severity: Severity::Error,
    enabled: true,
    reads_settings: true,
    fix: Fixes::Sometimes(Safety::Unsafe),
    docs: include_str!("../../rules/IAM201.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let limit = cx.settings.max_token_age.to_iso();
    let misspelled = misspelled_max_age_keys(cx);
    for token in &cx.ws.tokens {
        // Where the finding would be placed: the max age, else the token.
        if !cx.wants(token.max_age.as_ref().map_or(token.origin.span, |f| f.span)) {
            continue;
        }
        let key = schema::TOKEN.field(FieldId::MaxAge).current(token.origin.format);
        let label = token
            .name
            .as_ref()
            .and_then(|n| n.known())
            .map_or_else(|| token.origin.address.clone(), |n| format!("`{n}`"));
        let (span, why, fix, help) = match &token.max_age {
            // A misspelled key (`max_age` in a manifest, reported by IAM002) holds the value
            // the author meant: inserting another would leave two, so the fix is to correct it.
            None if misspelled.iter().any(|k| token.origin.extent.contains(*k)) => (
                token.origin.span,
                "has no max age (its key is misspelled)",
                None,
                Some(format!("spell the key `{key}` (see IAM002); Kestra ignores the misspelled one")),
            ),
            None => {
                let anchor = token.name.as_ref().or(token.description.as_ref());
                let anchor = anchor.and_then(|f| edits::written_entry(cx.ws, &token.origin, f));
                let fix = anchor.and_then(|a| {
                    edits::insert_after(
                        cx.ws,
                        &token.origin,
                        a,
                        key,
                        &edits::string_literal(token.origin.format, &limit),
                    )
                });
                (token.origin.span, "has no max age", fix, None)
            }
            Some(field) => {
                let never = match &field.val {
                    Val::Null => Some("has a null max age"),
                    Val::Known(s) if s.trim().is_empty() => Some("has an empty max age"),
                    Val::Known(s) if duration::parse(s).is_ok_and(|d| d.seconds == 0) => Some("has a zero max age"),
                    _ => None,
                };
                let Some(why) = never else { continue };
                let old = match &field.val {
                    Val::Known(s) => Value::Str(s),
                    _ => Value::Null,
                };
                let fix = edits::replace(cx.ws, field.span, old, Value::Str(&limit));
                (field.span, why, fix, None)
            }
        };
        let fix = fix.map(|e| Fix { description: format!("set {key} to {limit}"), edits: vec![e] });
        out.push(
            Finding::new(CODE, span, format!("API token {label} {why}: it never expires"))
                .help(help.unwrap_or_else(|| {
                    format!("set `{key}` to at most {limit} and rotate the token before it expires")
                }))
                .fix(fix)
                .reaching(&token.origin),
        );
    }
}

/// Keys IAM002 reported that mean `maxAge` but are spelled otherwise (`max_age`, `MaxAge`).
fn misspelled_max_age_keys(cx: &Context) -> Vec<Span> {
    cx.ws
        .problems
        .iter()
        .filter(|p| {
            // The key as written, quotes included: `"max_age"` in JSON or quoted YAML.
            let written = cx.ws.sources.text(p.span).trim_matches(['"', '\'']);
            p.code == super::iam002_unknown_key::CODE && crate::suggest::fold(written) == "maxage"
        })
        .map(|p| p.span)
        .collect()
}
