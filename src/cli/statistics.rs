//! `check --statistics`: how many findings each rule reported, for an overview of a
//! legacy repository before its findings one by one (as `ruff check --statistics`).

use iamlint::catalogue::Catalogue;
use iamlint::finding::Finding;
use iamlint::render;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Serialize)]
struct Row<'a> {
    count: usize,
    code: &'a str,
    name: &'a str,
    /// How many of them `--fix` fixes (safe fixes), and `--fix --unsafe-fixes` on top.
    fixable: usize,
    unsafe_fixable: usize,
}

/// Rows by count, most first, then by code; a table, or JSON with `json`.
pub fn write(
    findings: &[Finding],
    catalogue: &Catalogue,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), render::Error> {
    let mut by_code: BTreeMap<&str, Row> = BTreeMap::new();
    for f in findings {
        let code = f.code.as_str();
        let row = by_code.entry(code).or_insert_with(|| Row {
            count: 0,
            code,
            name: catalogue.name_of(code),
            fixable: 0,
            unsafe_fixable: 0,
        });
        row.count += 1;
        if catalogue.safe_fix(f) {
            row.fixable += 1;
        } else if f.fix.is_some() {
            row.unsafe_fixable += 1;
        }
    }
    let mut rows: Vec<Row> = by_code.into_values().collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    if json {
        let text = serde_json::to_string_pretty(&rows).map_err(|e| render::Error::Render(e.to_string()))?;
        return writeln!(out, "{}", render::escape::json(&text)).map_err(render::Error::Write);
    }
    let count_width = rows.iter().map(|r| r.count.to_string().len()).max().unwrap_or(1);
    let code_width = rows.iter().map(|r| r.code.chars().count()).max().unwrap_or(0);
    for r in &rows {
        // `[*]` as ruff marks what `--fix` fixes; `[!]` what needs `--unsafe-fixes`.
        let mark = match (r.fixable, r.unsafe_fixable) {
            (0, 0) => "",
            (0, _) => "  [!]",
            _ => "  [*]",
        };
        let code = render::escape::line(r.code);
        writeln!(out, "{:>count_width$}  {code:<code_width$}  {}{mark}", r.count, render::escape::line(r.name))
            .map_err(render::Error::Write)?;
    }
    Ok(())
}
