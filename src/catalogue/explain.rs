//! `iamlint explain RULE`: a rule's documentation as Markdown, in the sections ruff's rule
//! pages use. SARIF carries the same text as each rule's help.

use super::Rule;
use crate::rules::FixAvailability;

pub fn explain(rule: &Rule) -> String {
    let m = &rule.meta;
    if let Some(policy) = rule.policy() {
        return crate::policy::explain(m, policy);
    }
    let docs = &m.docs;
    let mut out = format!("# {} {}\n\n{}\n\n", m.code, m.name, docs.summary);
    let fix = match m.fix {
        FixAvailability::None => "none",
        FixAvailability::Always => "available",
        FixAvailability::Sometimes => "sometimes available",
    };
    let safety = match m.safety.filter(|_| m.fix != FixAvailability::None) {
        Some(crate::rules::Safety::Safe) => ", safe (applied by `--fix`)",
        Some(crate::rules::Safety::Unsafe) => {
            ", unsafe (it can change who exists or what is granted: applied only with `--fix --unsafe-fixes`, shown by `--diff --unsafe-fixes`)"
        }
        None => "",
    };
    out.push_str(&format!(
        "Default severity: {}{}. Fix: {fix}{safety}.\n\n",
        m.severity.as_str(),
        if m.enabled { "" } else { " (opt-in: enable with --extend-select)" },
    ));
    out.push_str(&format!("## What it does\n\n{}\n\n## Why is this bad?\n\n{}\n\n", docs.what.trim(), docs.why.trim()));
    if let Some(bad) = &docs.bad {
        out.push_str(&format!("## Example\n\n```{}\n{}\n```\n\n", fence(&bad.file), bad.source.trim_end()));
    }
    if let Some(good) = &docs.good {
        out.push_str(&format!("## Use instead\n\n```{}\n{}\n```\n", fence(&good.file), good.source.trim_end()));
    }
    if let Some(notes) = &docs.fix_notes {
        out.push_str(&format!("\n## Fix safety\n\n{}\n", notes.trim()));
    }
    if !docs.references.is_empty() {
        out.push_str("\n## References\n\n");
        for r in &docs.references {
            out.push_str(&format!("- {r}\n"));
        }
    }
    out
}

fn fence(file: &str) -> &'static str {
    crate::source::language(file)
}
