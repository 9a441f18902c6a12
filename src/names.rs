//! Kestra's naming rules: service-account names are DNS labels (RFC 1123), token names
//! follow the provider's stricter `^[a-z0-9]+(?:-[a-z0-9]+)*$`.

use heck::ToKebabCase;

pub const MAX_NAME_LEN: usize = 63;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    /// RFC 1123 label: consecutive hyphens allowed.
    DnsLabel,
    /// The provider's token-name pattern: no consecutive hyphens.
    TokenName,
}

/// One broken constraint, with the character offset it concerns where there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    TooLong { length: usize },
    Character { ch: char, index: usize },
    Start { ch: char },
    End { ch: char },
    ConsecutiveHyphens { index: usize },
}

impl NameProblem {
    pub fn describe(&self) -> String {
        match self {
            NameProblem::Empty => "is empty".into(),
            NameProblem::TooLong { length } => {
                format!("is {length} characters long (at most {MAX_NAME_LEN})")
            }
            NameProblem::Character { ch, .. } => {
                format!("contains {} (only lowercase a-z, 0-9 and '-' are allowed)", show(*ch))
            }
            NameProblem::Start { ch } => format!("starts with {} (must start with a-z or 0-9)", show(*ch)),
            NameProblem::End { ch } => format!("ends with {} (must end with a-z or 0-9)", show(*ch)),
            NameProblem::ConsecutiveHyphens { .. } => "contains consecutive hyphens '--'".into(),
        }
    }
}

fn show(ch: char) -> String {
    if ch.is_ascii_uppercase() {
        format!("uppercase '{ch}'")
    } else if ch == ' ' {
        "a space".into()
    } else if ch.is_control() {
        format!("control character U+{:04X}", ch as u32)
    } else {
        format!("'{ch}'")
    }
}

fn allowed(ch: char) -> bool {
    ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'
}

/// Every broken constraint, first character problem only (one message, not one per char).
pub fn check(name: &str, rule: NameRule) -> Vec<NameProblem> {
    let mut problems = Vec::new();
    let chars: Vec<char> = name.chars().collect();
    if chars.is_empty() {
        return vec![NameProblem::Empty];
    }
    if chars.len() > MAX_NAME_LEN {
        problems.push(NameProblem::TooLong { length: chars.len() });
    }
    if let Some((index, &ch)) = chars.iter().enumerate().find(|(_, c)| !allowed(**c)) {
        problems.push(NameProblem::Character { ch, index });
    }
    let first = chars[0];
    if allowed(first) && !first.is_ascii_alphanumeric() {
        problems.push(NameProblem::Start { ch: first });
    }
    let last = chars[chars.len() - 1];
    if allowed(last) && !last.is_ascii_alphanumeric() {
        problems.push(NameProblem::End { ch: last });
    }
    if rule == NameRule::TokenName {
        if let Some(index) = name.find("--") {
            problems.push(NameProblem::ConsecutiveHyphens { index: name[..index].chars().count() });
        }
    }
    problems
}

/// Characters of a name `normalize` looks at: enough for 63 characters of output however
/// many separators collapse.
const NORMALIZED_PREFIX: usize = 1024;

/// The nearest valid name: kebab-case words, only allowed characters, no edge hyphens,
/// at most 63 characters. `None` when nothing usable is left.
///
/// Case changes mark word boundaries only in a name without separators (`myServiceAccount`);
/// where the author already separated words (`GitHub_Actions`), splitting `GitHub` again
/// would invent a word, so such names are only lowercased.
pub fn normalize(name: &str) -> Option<String> {
    // The result keeps at most 63 characters: a long name is cut first, so that a 100 KB
    // name used by hundreds of objects costs no more than a short one.
    let name = name.char_indices().nth(NORMALIZED_PREFIX).map_or(name, |(at, _)| &name[..at]);
    let has_separators = name.chars().any(|c| !c.is_alphanumeric());
    let kebab = if has_separators { name.to_lowercase() } else { name.to_kebab_case() };
    let mut out = String::with_capacity(kebab.len());
    for ch in kebab.chars() {
        let ch = if allowed(ch) { ch } else { '-' };
        if ch == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(ch);
    }
    out.truncate(MAX_NAME_LEN);
    let out = out.trim_matches('-').to_string();
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kestra_documented_examples() {
        for ok in ["my-service-account", "my-service-account-1"] {
            assert!(check(ok, NameRule::DnsLabel).is_empty(), "{ok}");
        }
        assert!(matches!(
            check("MY_SERVICE_ACCOUNT", NameRule::DnsLabel)[0],
            NameProblem::Character { ch: 'M', index: 0 }
        ));
        assert!(matches!(
            check("myServiceAccount", NameRule::DnsLabel)[0],
            NameProblem::Character { ch: 'S', index: 2 }
        ));
        assert_eq!(check("my-service-account-", NameRule::DnsLabel), vec![NameProblem::End { ch: '-' }]);
        assert_eq!(check("-a", NameRule::DnsLabel), vec![NameProblem::Start { ch: '-' }]);
    }

    #[test]
    fn length_limit_is_63() {
        assert!(check(&"a".repeat(63), NameRule::DnsLabel).is_empty());
        assert_eq!(check(&"a".repeat(64), NameRule::DnsLabel), vec![NameProblem::TooLong { length: 64 }]);
    }

    #[test]
    fn double_hyphens_only_break_token_names() {
        assert!(check("a--b", NameRule::DnsLabel).is_empty());
        assert_eq!(check("a--b", NameRule::TokenName), vec![NameProblem::ConsecutiveHyphens { index: 1 }]);
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize("MY_SERVICE_ACCOUNT").as_deref(), Some("my-service-account"));
        assert_eq!(normalize("myServiceAccount").as_deref(), Some("my-service-account"));
        assert_eq!(normalize("my-service-account-").as_deref(), Some("my-service-account"));
        assert_eq!(normalize("CI Deployer (prod)").as_deref(), Some("ci-deployer-prod"));
        assert_eq!(normalize("svc.etl_1").as_deref(), Some("svc-etl-1"));
        assert_eq!(normalize("GitHub_Actions").as_deref(), Some("github-actions"));
        assert_eq!(normalize("HTTPServer2").as_deref(), Some("http-server2"));
        assert_eq!(normalize("___"), None);
        let long = normalize(&"ab-".repeat(40)).unwrap();
        assert!(long.len() <= 63 && check(&long, NameRule::TokenName).is_empty());
        for n in ["MY_SERVICE_ACCOUNT", "myServiceAccount", "a--b", "é-x", "HTTPServer2"] {
            let fixed = normalize(n).unwrap();
            assert!(check(&fixed, NameRule::TokenName).is_empty(), "{n} -> {fixed}");
        }
    }
}
