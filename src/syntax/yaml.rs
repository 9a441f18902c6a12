//! A spanned YAML (and JSON) tree built from saphyr-parser's event stream.
//!
//! saphyr-parser is a maintained, YAML 1.2 compliant pull parser whose every event carries
//! a start and end marker. Building our own tree from those events (rather than through
//! a serde deserializer, which forgets positions) gives every key and value a byte span,
//! and lets us bound alias expansion and nesting depth so hostile input cannot blow up.

use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

/// Limits that keep hostile input (alias bombs, deep nesting) cheap.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_depth: usize,
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: 256, max_nodes: 1_000_000 }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    pub text: String,
    pub quoted: bool,
    pub start: usize,
    pub end: usize,
}

/// Where a scalar's characters are written: a block scalar's lines after its header line
/// (whose comment is a comment), else the whole scalar.
pub fn body(text: &str, s: &Scalar) -> std::ops::Range<usize> {
    match text.as_bytes().get(s.start) {
        Some(b'|' | b'>') => {
            let body = text[s.start..s.end].find('\n').map_or(s.end, |n| s.start + n + 1);
            body..s.end
        }
        _ => s.start..s.end,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Scalar(Scalar),
    Seq {
        items: Vec<Node>,
        start: usize,
        end: usize,
    },
    /// `entries` start with the `merged` ones that YAML merge keys (`<<: *defaults`)
    /// brought in, each not written in the mapping itself; then those written, in order.
    Map {
        entries: Vec<(Node, Node)>,
        merged: usize,
        start: usize,
        end: usize,
    },
}

impl Node {
    pub fn start(&self) -> usize {
        match self {
            Node::Scalar(s) => s.start,
            Node::Seq { start, .. } | Node::Map { start, .. } => *start,
        }
    }

    pub fn end(&self) -> usize {
        match self {
            Node::Scalar(s) => s.end,
            Node::Seq { end, .. } | Node::Map { end, .. } => *end,
        }
    }

    /// The value of a mapping entry by key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The entry of `key`; of a key written twice, the last, which is the one Jackson
    /// (Kestra), PyYAML and Terraform's `yamldecode` keep.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match self {
            Node::Map { entries, .. } => {
                entries.iter().rev().find(|(k, _)| k.as_str() == Some(key)).map(|(k, v)| (k, v))
            }
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    /// A plain scalar YAML reads as null (`~`, `null`, or nothing at all).
    pub fn is_null(&self) -> bool {
        matches!(self, Node::Scalar(s) if !s.quoted && matches!(s.text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Node::Scalar(s) if !s.quoted => match s.text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            Node::Scalar(_) => "a scalar",
            Node::Seq { .. } => "a list",
            Node::Map { .. } => "a mapping",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub message: String,
    /// Byte offset of the problem.
    pub offset: usize,
}

/// Parses every document of a YAML stream.
pub fn parse(text: &str, limits: Limits) -> Result<Vec<Node>, ParseError> {
    let offsets = CharOffsets::new(text);
    let mut builder =
        Builder { text, limits, stack: Vec::new(), anchors: HashMap::new(), nodes: 0, docs: Vec::new(), last_end: 0 };
    for event in Parser::new_from_str(text) {
        let (event, span) = event
            .map_err(|e| ParseError { message: e.info().to_string(), offset: offsets.byte(e.marker().index()) })?;
        let start = offsets.byte(span.start.index());
        let end = offsets.byte(span.end.index());
        builder.event(event, start, end)?;
        builder.last_end = end;
    }
    Ok(builder.docs)
}

/// saphyr reports character indices; spans in iamlint are byte offsets.
struct CharOffsets {
    /// Byte offset of each character, empty when the text is ASCII (identity).
    bytes: Vec<usize>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let bytes = if text.is_ascii() { Vec::new() } else { text.char_indices().map(|(i, _)| i).collect() };
        CharOffsets { bytes, len: text.len() }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.bytes.is_empty() {
            char_index.min(self.len)
        } else {
            self.bytes.get(char_index).copied().unwrap_or(self.len)
        }
    }
}

enum Open {
    Seq { items: Vec<Node>, start: usize, anchor: usize },
    Map { entries: Vec<(Node, Node)>, key: Option<Node>, start: usize, anchor: usize },
}

struct Builder<'t> {
    text: &'t str,
    limits: Limits,
    stack: Vec<Open>,
    /// Anchored nodes with their height (nested collection levels), so that an alias
    /// cannot nest a copy deeper than the limit allows.
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    docs: Vec<Node>,
    /// Where saphyr's previous event ended: a block scalar's header lies after it.
    last_end: usize,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, start: usize, end: usize) -> Result<(), ParseError> {
        match event {
            Event::Scalar(text, style, anchor, _) => {
                let (start, end) = match style {
                    ScalarStyle::Literal | ScalarStyle::Folded => block_extent(self.text, self.last_end, start, end),
                    _ => {
                        let start = after_properties(self.text, start, end);
                        (start, quoted_end(self.text, style, start).map_or(end, |e| e.min(end)))
                    }
                };
                // saphyr puts an empty value (`maxAge:`) at the end of its key; it belongs
                // after the colon, where a fix writes the value.
                let (start, end) = match empty_value_at(self.text, &text, style, start, end) {
                    Some(at) => (at, at),
                    None => (start, end),
                };
                let node = Node::Scalar(Scalar {
                    text: text.into_owned(),
                    quoted: !matches!(style, ScalarStyle::Plain),
                    start,
                    end,
                });
                self.count(1, start)?;
                self.finish(node, anchor)
            }
            Event::SequenceStart(anchor, _) => {
                self.open(start)?;
                self.stack.push(Open::Seq { items: Vec::new(), start, anchor });
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                self.open(start)?;
                self.stack.push(Open::Map { entries: Vec::new(), key: None, start, anchor });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node_end = end.max(start);
                match self.stack.pop() {
                    Some(Open::Seq { items, start, anchor }) => {
                        let end = items.last().map_or(node_end, |n| n.end().max(node_end));
                        self.finish(Node::Seq { items, start, end }, anchor)
                    }
                    Some(Open::Map { entries, start, anchor, .. }) => {
                        let end = entries.last().map_or(node_end, |(_, v)| v.end().max(node_end));
                        let (entries, merged) = merge_keys(entries);
                        self.finish(Node::Map { entries, merged, start, end }, anchor)
                    }
                    None => Ok(()),
                }
            }
            Event::Alias(id) => {
                let (node, height) = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| ParseError { message: "alias to an unknown anchor".into(), offset: start })?;
                // Aliases nest copies inside copies: without this check a chain of them
                // builds trees far deeper than any written nesting (and recursion over them
                // could exhaust the stack).
                if self.stack.len() + height > self.limits.max_depth {
                    return Err(ParseError {
                        message: format!("nesting deeper than {} levels (through an alias)", self.limits.max_depth),
                        offset: start,
                    });
                }
                // An alias copies its anchor's whole subtree: count it, so that a
                // "billion laughs" document stops at the node limit instead of the memory limit.
                self.count(node_size(&node), start)?;
                self.finish(relocate(node, start, end), 0)
            }
            _ => Ok(()),
        }
    }

    fn open(&mut self, at: usize) -> Result<(), ParseError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(ParseError {
                message: format!("nesting deeper than {} levels", self.limits.max_depth),
                offset: at,
            });
        }
        self.count(1, at)
    }

    fn count(&mut self, n: usize, at: usize) -> Result<(), ParseError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(ParseError {
                message: format!("more than {} nodes (alias expansion?)", self.limits.max_nodes),
                offset: at,
            });
        }
        Ok(())
    }

    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), ParseError> {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), height(&node)));
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }
}

/// Nested collection levels: 0 for a scalar, 1 for `[a]`. Trees never exceed the depth
/// limit, so the recursion is bounded.
fn height(node: &Node) -> usize {
    match node {
        Node::Scalar(_) => 0,
        Node::Seq { items, .. } => 1 + items.iter().map(height).max().unwrap_or(0),
        Node::Map { entries, .. } => 1 + entries.iter().map(|(k, v)| height(k).max(height(v))).max().unwrap_or(0),
    }
}

/// Where a quoted scalar's closing quote ends. saphyr's end marker for quoted scalars lies
/// past the whitespace (and comment) that follows them, and a fix replacing the value must
/// not swallow those.
fn quoted_end(text: &str, style: ScalarStyle, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = match style {
        ScalarStyle::SingleQuoted => b'\'',
        ScalarStyle::DoubleQuoted => b'"',
        _ => return None,
    };
    if bytes.get(start) != Some(&quote) {
        return None;
    }
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Where a scalar's text starts, past the anchor and tag saphyr's span starts with
/// (`&a !!str value`): a fix replacing the value must keep them.
fn after_properties(text: &str, start: usize, end: usize) -> usize {
    let b = text.as_bytes();
    let mut i = start;
    while i < end && matches!(b[i], b'&' | b'!') {
        while i < end && !matches!(b[i], b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}') {
            i += 1;
        }
        i = skip_separators(b, i, end);
    }
    i
}

/// Skips spaces, line breaks and comments.
fn skip_separators(b: &[u8], mut i: usize, end: usize) -> usize {
    while i < end {
        match b[i] {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'#' => {
                while i < end && b[i] != b'\n' {
                    i += 1;
                }
            }
            _ => break,
        }
    }
    i
}

/// A block scalar's extent, from its indicator (`|`, `>-`, `|2+`) to the end of its last
/// content line. saphyr starts it at its first content line (or at its anchor or tag), and
/// ends it where the next token starts, lines later: a fix replacing that span would
/// swallow the keys that follow. The indicator is found past the previous event's end,
/// the separators, properties and comments between them, else on the header line above
/// the first content line (a document's own scalar, whose document start saphyr ends at the
/// content). Where it is found neither way, the scalar starts at the line break before its
/// content: no scalar written in a flow style starts with one, so a fix never takes the
/// content for a plain scalar.
fn block_extent(text: &str, last_end: usize, start: usize, end: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let mut i = last_end.min(start);
    loop {
        i = skip_separators(b, i, end);
        match b.get(i) {
            // `key:`, `- `, `? ` and `---` before the value.
            Some(b':' | b'-' | b'?') => i += 1,
            Some(b'&' | b'!') => i = after_properties(text, i, end),
            _ => break,
        }
    }
    let header = match b.get(i) {
        Some(b'|' | b'>') if i < end.max(start + 1) => i,
        _ => match header_above(text, start) {
            Some(at) => at,
            None => {
                let before = text[..start].rfind(['\n', '\r']).unwrap_or(start);
                return (before, content_end(text, start, start, end));
            }
        },
    };
    let mut indicators = header + 1;
    while indicators < end && matches!(b[indicators], b'-' | b'+' | b'1'..=b'9') && indicators < header + 3 {
        indicators += 1;
    }
    let body = text[header..end].find('\n').map_or(end, |n| header + n + 1);
    (header, content_end(text, indicators, body, end))
}

/// The indicator on the last line above `content`'s line that holds more than blanks (the
/// lines between a header and the first content line are blank): the first `|` or `>`
/// after a blank or at the line's start, followed by at most two chomping or indentation
/// indicators and nothing else but a comment.
pub(crate) fn header_above(text: &str, content: usize) -> Option<usize> {
    let mut end = text[..content].rfind('\n')?;
    loop {
        let start = text[..end].rfind('\n').map_or(0, |n| n + 1);
        let line = &text[start..end];
        if line.trim().is_empty() {
            end = start.checked_sub(1)?;
            continue;
        }
        let b = line.as_bytes();
        return (0..b.len()).find_map(|p| {
            // `|` and `>` are ASCII: past this check, `p + 1` is a character boundary.
            let starts = matches!(b[p], b'|' | b'>') && (p == 0 || matches!(b[p - 1], b' ' | b'\t' | b'\r'));
            if !starts {
                return None;
            }
            let rest = line[p + 1..].trim_start_matches(|c: char| matches!(c, '-' | '+' | '1'..='9'));
            let indicators = line.len() - p - 1 - rest.len();
            let tail = rest.trim_start_matches([' ', '\t', '\r']);
            let comment = tail.is_empty() || (tail.starts_with('#') && tail.len() < rest.len());
            (indicators <= 2 && comment).then_some(start + p)
        });
    }
}

/// The end of the last line between `from` and `to` holding more than spaces (its line
/// break excluded), else `empty`.
fn content_end(text: &str, empty: usize, from: usize, to: usize) -> usize {
    let mut out = empty;
    let mut at = from;
    for line in text[from..to.max(from)].split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.bytes().any(|c| c != b' ') {
            out = at + content.len();
        }
        at += line.len();
    }
    out
}

/// Where an empty plain value written as `key:` really is: just after the colon.
fn empty_value_at(text: &str, value: &str, style: ScalarStyle, start: usize, end: usize) -> Option<usize> {
    if !value.is_empty() || style != ScalarStyle::Plain || start != end {
        return None;
    }
    let rest = text.get(start..)?;
    let colon = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    (rest.as_bytes().get(colon) == Some(&b':')).then_some(start + colon + 1)
}

/// YAML 1.1 merge keys, as Kestra's YAML reader (and PyYAML) applies them: the entries of
/// the mapping (or mappings, the earlier first) under a plain `<<` key that the mapping does
/// not write itself come first, marked `merged`. Merged entries keep the spans where the
/// anchor wrote them.
fn merge_keys(entries: Vec<(Node, Node)>) -> (Vec<(Node, Node)>, usize) {
    let is_merge = |k: &Node| matches!(k, Node::Scalar(s) if !s.quoted && s.text == "<<");
    if !entries.iter().any(|(k, v)| is_merge(k) && !matches!(v, Node::Scalar(_))) {
        return (entries, 0);
    }
    let (sources, written): (Vec<_>, Vec<_>) =
        entries.into_iter().partition(|(k, v)| is_merge(k) && !matches!(v, Node::Scalar(_)));
    let mut merged: Vec<(Node, Node)> = Vec::new();
    let has = |list: &[(Node, Node)], key: &Node| {
        key.as_str().is_some_and(|name| list.iter().any(|(k, _)| k.as_str() == Some(name)))
    };
    for (_, source) in sources {
        let maps = match source {
            Node::Seq { items, .. } => items,
            map => vec![map],
        };
        for map in maps {
            let Node::Map { entries, .. } = map else { continue };
            for (k, v) in entries {
                if !has(&written, &k) && !has(&merged, &k) {
                    merged.push((k, v));
                }
            }
        }
    }
    let count = merged.len();
    merged.extend(written);
    (merged, count)
}

fn node_size(node: &Node) -> usize {
    match node {
        Node::Scalar(_) => 1,
        Node::Seq { items, .. } => 1 + items.iter().map(node_size).sum::<usize>(),
        Node::Map { entries, .. } => 1 + entries.iter().map(|(k, v)| node_size(k) + node_size(v)).sum::<usize>(),
    }
}

/// An aliased node is reported where the alias is written, not where its anchor is.
fn relocate(node: Node, start: usize, end: usize) -> Node {
    match node {
        Node::Scalar(s) => Node::Scalar(Scalar { start, end, ..s }),
        Node::Seq { items, .. } => Node::Seq { items, start, end },
        Node::Map { entries, merged, .. } => Node::Map { entries, merged, start, end },
    }
}

/// Checks that a `.json` text is strict JSON (YAML, whose parser reads JSON here, forgives
/// trailing commas and comments); on error, the byte offset it points at, and the error.
pub fn check_strict_json(text: &str) -> Result<(), (usize, serde_json::Error)> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).map(|_| ()).map_err(|e| (json_error_offset(text, &e), e))
}

/// serde_json counts lines from 1 and columns in bytes from 1.
fn json_error_offset(text: &str, e: &serde_json::Error) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(e.line().saturating_sub(1)).map(str::len).sum();
    let mut at = (line_start + e.column().saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    #[test]
    fn strict_json_errors_point_at_the_byte_serde_json_names() {
        // Multi-byte characters before the error: serde_json's columns count bytes.
        let text = "{\"a\": \"ééé\",\n \"b\": 1,}";
        let (at, _) = super::check_strict_json(text).unwrap_err();
        assert_eq!(&text[at..], "}");
        assert!(super::check_strict_json("{\"a\": [1]}").is_ok());
    }

    use super::*;

    fn one(text: &str) -> Node {
        parse(text, Limits::default()).unwrap().remove(0)
    }

    #[test]
    fn spans_are_byte_offsets() {
        let text = "a: é\nb: 'x'\n";
        let doc = one(text);
        let (k, v) = doc.entry("b").unwrap();
        assert_eq!(&text[k.start()..k.end()], "b");
        assert_eq!(&text[v.start()..v.end()], "'x'");
        assert_eq!(v.as_str(), Some("x"));
    }

    #[test]
    fn quoted_scalars_end_at_their_closing_quote() {
        let text = "a: 'x # y'  # one\nb: [\"p\\\"\", 'q''s' ,  \"r\"]  # c\n";
        let doc = one(text);
        let a = doc.get("a").unwrap();
        assert_eq!(&text[a.start()..a.end()], "'x # y'");
        let Node::Seq { items, .. } = doc.get("b").unwrap() else { panic!() };
        let shown: Vec<&str> = items.iter().map(|n| &text[n.start()..n.end()]).collect();
        assert_eq!(shown, ["\"p\\\"\"", "'q''s'", "\"r\""]);
    }

    /// Every value's span as written, in document order.
    fn written(text: &str) -> Vec<&str> {
        fn walk<'t>(text: &'t str, node: &Node, out: &mut Vec<&'t str>) {
            match node {
                Node::Scalar(s) => out.push(&text[s.start..s.end]),
                Node::Seq { items, .. } => items.iter().for_each(|n| walk(text, n, out)),
                Node::Map { entries, .. } => entries.iter().for_each(|(_, v)| walk(text, v, out)),
            }
        }
        let mut out = Vec::new();
        for doc in parse(text, Limits::default()).unwrap() {
            walk(text, &doc, &mut out);
        }
        out
    }

    #[test]
    fn block_scalars_span_their_header_and_content_lines() {
        let text = "a: >-\n  A\n\nb: | # c |\n  B1\n   B2  \n  # not a comment\nc: |2+\n    C\n\n# comment\n\
                    d:\n  - &x !!str >\n    D\n  - |\ne: |\n---\n|\n  F\n";
        assert_eq!(
            written(text),
            [">-\n  A", "| # c |\n  B1\n   B2  \n  # not a comment", "|2+\n    C", ">\n    D", "|", "|", "|\n  F"]
        );
        // A document's own block scalar, its content at the first column.
        assert_eq!(written(">-\nx\n"), [">-\nx"]);
        // Found by fuzzing: a multi-byte character on a line above a block's content.
        let _ = parse(" # \u{2}\u{51d}|\n-*A", Limits::default());
        let _ = parse("|\n # \u{51d}|\n x", Limits::default());
        assert_eq!(written("--- |+ # c\n\n x\n"), ["|+ # c\n\n x"]);
        let crlf = "a: |\r\n  x\r\nb: 1\r\n";
        assert_eq!(written(crlf), ["|\r\n  x", "1"]);
        let doc = one(text);
        let Node::Scalar(b) = doc.get("b").unwrap() else { panic!() };
        assert_eq!(&text[body(text, b)], "  B1\n   B2  \n  # not a comment");
    }

    #[test]
    fn flow_scalars_span_their_text_without_anchor_or_tag() {
        let text = "a: &x 'A'  # c\nb: !!str B\nc: !t &y\n  \"C\"\nd: [&z D, !!str 'E']\ne: *x\n";
        assert_eq!(written(text), ["'A'", "B", "\"C\"", "D", "'E'", "*x"]);
    }

    #[test]
    fn empty_values_sit_after_the_colon() {
        let text = "a:\n  - name: x\n    maxAge:\n    b: 1\n";
        let doc = one(text);
        let Node::Seq { items, .. } = doc.get("a").unwrap() else { panic!() };
        let v = items[0].get("maxAge").unwrap();
        assert!(v.is_null());
        assert_eq!((v.start(), v.end()), (26, 26));
        assert_eq!(&text[..v.start()], "a:\n  - name: x\n    maxAge:");
    }

    #[test]
    fn json_parses_with_spans() {
        let text = "{\n\t\"name\": \"ci\",\n\t\"n\": [1, 2]\n}\n";
        let doc = one(text);
        let v = doc.get("name").unwrap();
        assert_eq!(&text[v.start()..v.end()], "\"ci\"");
    }

    #[test]
    fn merge_keys_merge_under_written_keys_and_the_last_written_key_counts() {
        let text = "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  x: 3\n  w: 4\n  w: 5\n";
        let doc = one(text);
        let c = doc.get("c").unwrap();
        let value = |k: &str| c.get(k).and_then(Node::as_str).map(str::to_string);
        // Written beats merged; of merged mappings the earlier wins; the last written counts.
        assert_eq!([value("x"), value("y"), value("z"), value("w")], [3, 1, 2, 5].map(|n| Some(n.to_string())));
        let Node::Map { entries, merged, .. } = c else { panic!() };
        assert_eq!((*merged, entries.len()), (2, 5));
        // A quoted `<<` is an ordinary key.
        let doc = one("'<<': {x: 1}\n");
        assert!(doc.get("<<").is_some() && doc.get("x").is_none());
    }

    #[test]
    fn multi_document() {
        assert_eq!(parse("a: 1\n---\nb: 2\n", Limits::default()).unwrap().len(), 2);
    }

    #[test]
    fn alias_bomb_stops_at_the_node_limit() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&text, Limits::default()).unwrap_err();
        assert!(err.message.contains("alias"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = parse(&text, Limits::default()).unwrap_err();
        // saphyr has its own recursion limit, which may trip before ours.
        assert!(err.message.contains("nest") || err.message.contains("recursion"), "{}", err.message);
    }

    #[test]
    fn aliases_cannot_nest_past_the_depth_limit() {
        // Each anchor nests the previous one 10 levels deeper: 30 anchors would build a
        // 300-level tree from text that never nests more than 11 levels.
        let mut text = String::from("a0: &a0 x\n");
        for i in 1..30 {
            text.push_str(&format!("a{i}: &a{i} {}*a{} {}\n", "[".repeat(10), i - 1, "]".repeat(10)));
        }
        let err = parse(&text, Limits::default()).unwrap_err();
        assert!(err.message.contains("through an alias"), "{}", err.message);
        let shallow = Limits { max_depth: 400, ..Limits::default() };
        assert!(parse(&text, shallow).is_ok());
    }

    #[test]
    fn syntax_error_has_an_offset() {
        let err = parse("a: [1, 2\nb: 3\n", Limits::default()).unwrap_err();
        assert!(err.offset > 0);
    }
}
