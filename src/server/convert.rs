//! Between iamlint's byte offsets and paths, and the protocol's positions and URIs. LSP
//! counts columns in UTF-16 code units (its default position encoding), so a line holding
//! `é` or an emoji before a finding moves the column by one or two units, not by bytes.

use crate::source::SourceFile;
use lsp_types::{Position, Range, Uri};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What a path segment may hold unescaped in a `file:` URI (RFC 3986 unreserved, and `/`).
const PATH: &AsciiSet = &NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'.').remove(b'_').remove(b'~');

pub fn uri(path: &Path) -> Uri {
    let text = format!("file://{}", utf8_percent_encode(&path.to_string_lossy(), PATH));
    // Every character outside the unreserved set is escaped, so this always parses.
    Uri::from_str(&text).unwrap_or_else(|_| Uri::from_str("file:///").expect("a valid URI"))
}

/// The file a `file:` URI names, canonical when it exists (so that it matches the paths
/// discovery gives under the canonical root).
pub fn path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path`: only the local host is ours.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let decoded = percent_decode_str(rest).decode_utf8().ok()?;
    let path = PathBuf::from(decoded.as_ref());
    Some(path.canonicalize().unwrap_or(path))
}

/// The protocol position of byte `byte` of `file`.
pub fn position(file: &SourceFile, byte: usize) -> Position {
    let text = &file.text;
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let line = file.line_index(byte);
    let start = file.line_range(line).map_or(0, |r| r.start);
    let character: usize = text[start..byte].chars().map(char::len_utf16).sum();
    Position { line: clamp(line), character: clamp(character) }
}

pub fn range(file: &SourceFile, start: usize, end: usize) -> Range {
    Range { start: position(file, start), end: position(file, end.max(start)) }
}

/// The byte of `file` at a protocol position, clamped to its line and the text.
pub fn offset(file: &SourceFile, at: Position) -> usize {
    let Some(line) = file.line_range(at.line as usize) else { return file.text.len() };
    let mut units = 0;
    for (i, c) in file.text[line.clone()].char_indices() {
        if units >= at.character as usize {
            return line.start + i;
        }
        units += c.len_utf16();
    }
    line.end
}

/// A 1-based line and character column (as config and policy errors give them) in `text`,
/// as a protocol position.
pub fn line_column(text: &str, line: usize, column: usize) -> Position {
    let line = line.max(1) - 1;
    let units: usize =
        text.split('\n').nth(line).map_or(0, |l| l.chars().take(column.max(1) - 1).map(char::len_utf16).sum());
    Position { line: clamp(line), character: clamp(units) }
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("a.yaml".into(), PathBuf::from("a.yaml"), Arc::from(text), true)
    }

    #[test]
    fn columns_count_utf16_units() {
        let text = "a: 1\nname: \"é😀x\"\n";
        let f = file(text);
        let x = text.find('x').unwrap();
        // `name: "` is 7 units, é one, the emoji two (a surrogate pair).
        assert_eq!(position(&f, x), Position { line: 1, character: 10 });
        assert_eq!(offset(&f, Position { line: 1, character: 10 }), x);
        // Past the end of a line: its end, never the next line.
        assert_eq!(offset(&f, Position { line: 0, character: 99 }), 4);
        assert_eq!(offset(&f, Position { line: 9, character: 0 }), text.len());
    }

    #[test]
    fn uris_round_trip_odd_names() {
        let p = Path::new("/no/such dir/ä#1.tf");
        let u = uri(p);
        assert_eq!(u.as_str(), "file:///no/such%20dir/%C3%A4%231.tf");
        assert_eq!(path(&u).unwrap(), p);
    }

    #[test]
    fn config_columns_become_units() {
        assert_eq!(line_column("a\n😀: x\n", 2, 2), Position { line: 1, character: 2 });
    }
}
