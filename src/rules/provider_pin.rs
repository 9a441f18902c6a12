//! Which kestra provider the Terraform files are written for, from `required_providers`:
//! a migration to `resources {}` blocks needs provider 2.0 or later ("You cannot use the
//! 1.3.x provider against a 2.0 server. Pin to `~> 2.0`", Kestra's 2.0 Terraform guide),
//! and a pin that admits no 2.x release still only knows `permissions {}`.

use crate::model::{ProviderPin, Workspace};
use crate::source::FileId;
use std::path::Path;

/// The pin that keeps the files of `file`'s module on a provider older than 2.0, if any.
/// Pins in the file's own directory decide; a module without one is used by roots iamlint
/// does not tie to it, so any pin of the workspace that forbids 2.x does.
pub fn blocking_v2(ws: &Workspace, file: FileId) -> Option<&ProviderPin> {
    let dir = |f: FileId| Path::new(&ws.sources.get(f).display).parent().map(Path::to_path_buf);
    let here = dir(file);
    let local: Vec<&ProviderPin> = ws.provider_pins.iter().filter(|p| dir(p.span.file) == here).collect();
    let pins = if local.is_empty() { ws.provider_pins.iter().collect() } else { local };
    pins.into_iter().find(|p| admits_v2(&p.constraint) == Some(false))
}

/// Whether some release 2.0.0 or later satisfies a Terraform version constraint
/// (`~> 0.24`, `>= 1.0, < 2.0`, `1.3.2`); None when the constraint does not parse.
pub fn admits_v2(constraint: &str) -> Option<bool> {
    let mut admits = true;
    for term in constraint.split(',') {
        let term = term.trim();
        let (op, version) = match term.find(|c: char| c.is_ascii_digit() || c == 'v') {
            Some(i) => (term[..i].trim(), term[i..].trim().trim_start_matches('v')),
            None => return None,
        };
        let parts: Vec<u64> =
            version.split(['-', '+']).next()?.split('.').map(|p| p.parse().ok()).collect::<Option<Vec<u64>>>()?;
        let (major, rest) = (*parts.first()?, &parts[1..]);
        let at_or_above_2 = major >= 2;
        let exactly_2_0_0 = major == 2 && rest.iter().all(|p| *p == 0);
        // Each term's upper bound, against 2.0.0: no lower bound can exclude every 2.x
        // release, there being no last one.
        admits &= match op {
            "" | "=" => at_or_above_2,
            "<" => at_or_above_2 && !exactly_2_0_0,
            "<=" => at_or_above_2,
            // `~> 1.3` allows up to, not including, 2.0; `~> 2` and `~> 2.1` allow 2.x.
            "~>" => at_or_above_2,
            ">" | ">=" | "!=" => true,
            _ => return None,
        };
    }
    Some(admits)
}

#[cfg(test)]
mod tests {
    use super::admits_v2;

    #[test]
    fn constraints() {
        for (c, want) in [
            ("~> 0.24", false),
            ("~> 1.3", false),
            ("~> 1.3.0", false),
            ("0.24.0", false),
            ("= 1.3.2", false),
            (">= 0.20, < 2.0.0", false),
            ("<= 1.9", false),
            ("~> 2.0", true),
            ("~> 2", true),
            (">= 1.0", true),
            (">= 1.0, < 3.0", true),
            ("2.0.1", true),
            ("v2.1.0", true),
            ("!= 1.3.0", true),
        ] {
            assert_eq!(admits_v2(c), Some(want), "{c}");
        }
        assert_eq!(admits_v2("latest"), None);
        assert_eq!(admits_v2(""), None);
    }
}
