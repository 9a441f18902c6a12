//! YAML scalars: plain, single- and double-quoted (in block or flow context, on one line or
//! several), and block scalars (`|`, `>`, with chomping and indentation indicators).
//!
//! A value is read back by parsing it alone: a flow scalar as a document of its own (its
//! value does not depend on its indentation), a block scalar with the text before it on its
//! header line (which decides the indentation its indicator counts from).

use super::{reads_as, Replacement, Value};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::ops::Range;

struct Written {
    style: ScalarStyle,
    value: String,
}

impl Written {
    fn value(&self) -> Value<'_> {
        match (self.style, self.value.as_str()) {
            (ScalarStyle::Plain, "" | "~" | "null" | "Null" | "NULL") => Value::Null,
            (_, s) => Value::Str(s),
        }
    }
}

pub(super) fn replace(text: &str, at: Range<usize>, old: Value, new: Value) -> Option<Replacement> {
    let written = &text[at.clone()];
    let block = written.starts_with(['|', '>']);
    // YAML also breaks lines at a lone `\r`; lines here are split at `\n`, so such text
    // (old Mac line ends, or a stray byte) around the value gets no fix.
    let around = &text[line_start(text, at.start)..at.end];
    if around.split("\r\n").any(|part| part.contains('\r')) {
        return None;
    }
    // No scalar written in a flow style starts with a blank: such a span is a block's
    // content whose header the tree did not find.
    if written.starts_with(char::is_whitespace) {
        return None;
    }
    let read = if written.is_empty() {
        // An empty null is written after its key's colon, at the end of the line (`maxAge:`
        // or `maxAge:  # why`); anywhere else (an empty key of `? `, a missing entry)
        // saphyr's empty span is no place to write.
        let after = text[at.end..].trim_start_matches([' ', '\t']);
        let ends_line = after.is_empty() || after.starts_with(['\n', '\r', '#']);
        let before = text[..at.start].trim_end_matches([' ', '\t']);
        // The colon must follow a key written on its line (not `? :`, an empty key), and
        // not on a line of a complex key (`? ...`), whose nulls saphyr places loosely.
        let key = before.strip_suffix(':').map(|k| k.trim_end_matches([' ', '\t']));
        let keyed = key.is_some_and(|k| {
            let word = k.rsplit([' ', '\t', '\n', '\r']).next().unwrap_or_default();
            !word.is_empty() && !word.starts_with([':', '?']) && !k.ends_with(['?', '-', ',', '[', '{'])
        });
        let keyed = keyed && !line_prefix(text, at.start).trim_start().starts_with('?');
        if !keyed || !ends_line {
            return None;
        }
        Written { style: ScalarStyle::Plain, value: String::new() }
    } else if block {
        // The blank lines after the last content line are the value's with `|+` chomping.
        read_block(&format!("{}{written}{}", line_prefix(text, at.start), blank_lines_after(text, at.end)))?
    } else if line_prefix(text, at.start).trim().is_empty()
        && crate::syntax::yaml::header_above(text, at.start).is_some()
    {
        // Text at the start of a line below a block header is that block's content, not a
        // scalar of its own (a span the tree could not widen to the header).
        return None;
    } else {
        // Written text that reads as an empty plain scalar is not that scalar (saphyr spans
        // an empty document over the `---` that ends it).
        read_flow(written).filter(|r| !(r.style == ScalarStyle::Plain && r.value.is_empty()))?
    };
    if !reads_as(read.value(), old) {
        return None;
    }
    if block {
        return replace_block(text, at, new);
    }
    let quote = match read.style {
        ScalarStyle::SingleQuoted => Some('\''),
        ScalarStyle::DoubleQuoted => Some('"'),
        _ => None,
    };
    let inner = match (quote, new) {
        (Some('\''), Value::Str(s)) if single_quotable(s) => Some(s.replace('\'', "''")),
        (Some('"'), Value::Str(s)) => Some(double_quoted_inner(s)),
        (Some(_), Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    };
    if let (Some(q), Some(inner)) = (quote, inner) {
        let full = format!("{q}{inner}{q}");
        return checked(Replacement { range: at.start + 1..at.end - 1, text: inner }, &full, new);
    }
    let scalar = flow(new);
    // A bare `key:` holds an empty null just after its colon: the value needs a space.
    let space = at.is_empty() && !text[..at.start].ends_with([' ', '\t', '\n']) && !text[..at.start].is_empty();
    let replacement = if space { format!(" {scalar}") } else { scalar.clone() };
    checked(Replacement { range: at, text: replacement }, &scalar, new)
}

/// The replacement, when `written` (what it writes, alone) reads back as `new`.
fn checked(r: Replacement, written: &str, new: Value) -> Option<Replacement> {
    reads_as(read_flow(written)?.value(), new).then_some(r)
}

/// A block scalar: a one-line `|-` or `>-` keeps its header and gets the new line, when
/// that line reads back as the new value; any other block becomes a flow scalar in place
/// of the header and content lines (a comment on the header line is written after it).
fn replace_block(text: &str, at: Range<usize>, new: Value) -> Option<Replacement> {
    let written = &text[at.clone()];
    let indicators = 1 + written[1..].find(|c: char| !matches!(c, '-' | '+' | '1'..='9')).unwrap_or(written.len() - 1);
    let header_end = written.find(['\r', '\n']).unwrap_or(written.len());
    let body = written.find('\n').map(|n| n + 1);
    if let (Value::Str(s), Some(body)) = (new, body) {
        let line = &written[body..];
        let strip = &written[1..indicators] == "-";
        let keeps = strip && !line.contains('\n') && !s.is_empty() && s.trim() == s && single_quotable(s);
        let indent = line.len() - line.trim_start_matches(' ').len();
        if keeps {
            let start = at.start + body + indent;
            // With the blank lines after it, which a new line can draw into the block.
            let snippet = format!("{}{s}{}", &text[line_start(text, at.start)..start], blank_lines_after(text, at.end));
            let read = read_block(&snippet)?;
            return (read.value == s).then_some(Replacement { range: start..at.end, text: s.to_string() });
        }
    }
    let comment = written[indicators..header_end].trim_end();
    let scalar = flow(new);
    let replacement = Replacement { range: at, text: format!("{scalar}{comment}") };
    checked(replacement, &scalar, new)
}

/// The blank lines after `at`'s line: a block's with `|+` chomping, and its content when
/// more indented than a new first line.
fn blank_lines_after(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    let blank = rest.find(|c: char| !c.is_whitespace()).unwrap_or(rest.len());
    &rest[..rest[..blank].rfind('\n').map_or(0, |n| n + 1)]
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn line_prefix(text: &str, at: usize) -> &str {
    &text[line_start(text, at)..at]
}

/// The one scalar a snippet holds, when it holds nothing else: no anchor, tag, alias or
/// second node.
fn read_flow(snippet: &str) -> Option<Written> {
    let mut scalar = None;
    for event in Parser::new_from_str(snippet) {
        match event.ok()?.0 {
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd => {}
            Event::Scalar(value, style, 0, None) if scalar.is_none() => {
                scalar = Some(Written { style, value: value.into_owned() });
            }
            _ => return None,
        }
    }
    scalar
}

/// The block scalar of a snippet that ends with it (the text before it on its header line,
/// then the scalar), tagged as a string if at all.
fn read_block(snippet: &str) -> Option<Written> {
    let mut scalar = None;
    for event in Parser::new_from_str(snippet) {
        if let Event::Scalar(value, style @ (ScalarStyle::Literal | ScalarStyle::Folded), _, tag) = event.ok()?.0 {
            let string = tag.is_none_or(|t| t.suffix == "str" || (t.handle == "!" && t.suffix.is_empty()));
            if scalar.is_some() || !string {
                return None;
            }
            scalar = Some(Written { style, value: value.into_owned() });
        }
    }
    scalar
}

/// The value as a flow scalar YAML reads back as the same value in any context: plain
/// where YAML 1.1 and 1.2 both read it as a string and no flow indicator can end it, else
/// single-quoted, else double-quoted with escapes.
fn flow(value: Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) if plain(s) => s.to_string(),
        Value::Str(s) if single_quotable(s) => format!("'{}'", s.replace('\'', "''")),
        Value::Str(s) => format!("\"{}\"", double_quoted_inner(s)),
    }
}

/// Words and numbers YAML 1.1 (Jackson's SnakeYAML) or 1.2 read as something other than a
/// string: booleans, null, integers, floats and dates.
fn plain(s: &str) -> bool {
    let mut chars = s.chars();
    let safe = chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    let word = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"].iter().any(|w| s.eq_ignore_ascii_case(w));
    let numeric = s.starts_with(|c: char| c.is_ascii_digit()) && {
        let digits = s.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
        let fraction = digits.strip_prefix('.').map_or(digits, |f| f.trim_start_matches(|c: char| c.is_ascii_digit()));
        let exponent = fraction.strip_prefix(['e', 'E']).map(|e| e.trim_start_matches(['-', '+']));
        fraction.is_empty()
            || exponent.is_some_and(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_digit()))
            || s.starts_with("0x")
            || s.starts_with("0o")
            || s.starts_with("0b")
            || (s.len() >= 8 && s.as_bytes()[4] == b'-')
    };
    safe && !word && !numeric
}

/// Text a single-quoted scalar holds as is: no line break, no control character.
fn single_quotable(s: &str) -> bool {
    !s.chars().any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}'))
}

fn double_quoted_inner(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if c.is_control() || c == '\u{feff}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn plain_only_where_every_yaml_reads_a_string() {
        for s in ["bad-name", "P30D", "ci-bot", "a--b", "1password", "a.b/c", "x1e3"] {
            assert!(plain(s), "{s}");
        }
        for s in ["", "yes", "No", "ON", "y", "null", "true", "1e3", "123", "1_000", "0x1f", "1.5", "2024-01-02", "-a"]
        {
            assert!(!plain(s), "{s}");
        }
        for s in ["a b", "a:b", "a,b", "a#b", "[a]", "é"] {
            assert!(!plain(s), "{s}");
        }
    }
}
