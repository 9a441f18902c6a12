//! IAM102 token-name: an API token name must match the provider's
//! `^[a-z0-9]+(?:-[a-z0-9]+)*$`, at most 63 characters.

use super::{edits, Context};
use crate::finding::{Finding, Fix};
use crate::names::{self, NameRule};

pub const CODE: &str = "IAM102";

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for token in &cx.ws.tokens {
        let Some(field) = &token.name else { continue };
        let Some(name) = field.known() else { continue };
        let problems = names::check(name, NameRule::TokenName);
        if problems.is_empty() {
            continue;
        }
        let reasons: Vec<String> = problems.iter().map(|p| p.describe()).collect();
        let message = format!("API token name `{name}` {}", reasons.join("; "));
        let normalized = names::normalize(name);
        let help = match &normalized {
            Some(new) => {
                format!("rename it to `{new}`: lowercase words joined by single hyphens, at most 63 characters")
            }
            None => "use lowercase a-z and 0-9 words joined by single hyphens".into(),
        };
        let fix = normalized.map(|new| Fix {
            description: format!("rename `{name}` to `{new}`"),
            edits: vec![edits::replace_value(cx.ws, field.span, &new)],
        });
        out.push(Finding::new(CODE, field.span, message).help(help).fix(fix).reaching(&token.origin));
    }
}
