//! Namespace scopes. A namespace covers itself and its sub-namespaces (`company` covers
//! `company.team`, not `companyx`); no namespace means the whole tenant.

use crate::model::{Text, Val};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Tenant,
    Namespace(String),
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Tenant => f.write_str("tenant-wide"),
            Scope::Namespace(ns) => write!(f, "namespace `{ns}`"),
        }
    }
}

pub fn covers(outer: &str, inner: &str) -> bool {
    inner.strip_prefix(outer).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// A binding's or role's namespace: `Some(None)` when it has none (absent, null or empty),
/// `None` when it is an expression iamlint cannot evaluate.
pub fn namespace_of(field: &Option<Text>) -> Option<Option<&str>> {
    match field.as_ref().map(|f| &f.val) {
        None | Some(Val::Null) => Some(None),
        Some(Val::Known(s)) if s.trim().is_empty() => Some(None),
        Some(Val::Known(s)) => Some(Some(s.as_str())),
        Some(Val::Unknown) => None,
    }
}

/// What a binding limited to `a` grants through a role limited to `b`: the narrower of the
/// two when one contains the other, nothing (`None`) when they are disjoint.
pub fn intersect(a: Option<&str>, b: Option<&str>) -> Option<Scope> {
    match (a, b) {
        (None, None) => Some(Scope::Tenant),
        (Some(x), None) | (None, Some(x)) => Some(Scope::Namespace(x.to_string())),
        (Some(x), Some(y)) if covers(x, y) => Some(Scope::Namespace(y.to_string())),
        (Some(x), Some(y)) if covers(y, x) => Some(Scope::Namespace(x.to_string())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_namespaces_are_covered() {
        assert!(covers("company", "company"));
        assert!(covers("company", "company.team"));
        assert!(!covers("company", "companyx"));
        assert!(!covers("company.team", "company"));
    }

    #[test]
    fn intersection_is_the_narrower_scope() {
        assert_eq!(intersect(None, None), Some(Scope::Tenant));
        assert_eq!(intersect(Some("company"), None), Some(Scope::Namespace("company".into())));
        assert_eq!(intersect(Some("company"), Some("company.team")), Some(Scope::Namespace("company.team".into())));
        assert_eq!(intersect(Some("company.team"), Some("company")), Some(Scope::Namespace("company.team".into())));
        assert_eq!(intersect(Some("company"), Some("companyx")), None);
    }
}
