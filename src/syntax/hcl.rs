//! A guard run before hcl-edit: bracket nesting, counted by a small lexer that knows strings,
//! template interpolations, comments and heredocs.
//!
//! hcl-edit bounds nesting at 64 levels, but on some unclosed nestings (object keys that are
//! operator expressions, found by fuzzing) its parser backtracks exponentially: each extra
//! level about doubles the time, and a 1 KB file takes minutes. Real Terraform nests a few
//! levels; past `MAX_DEPTH` a file is reported instead of parsed.

/// Deepest nesting of `{`, `[`, `(` and `${`/`%{` handed to hcl-edit. The worst known input
/// at this depth parses in about a tenth of a second.
pub const MAX_DEPTH: usize = 32;

/// Where the nesting first goes past `MAX_DEPTH`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooDeep {
    pub offset: usize,
}

impl TooDeep {
    pub fn message(&self) -> String {
        format!(
            "cannot parse Terraform: nesting deeper than {MAX_DEPTH} levels (not parsed: such nesting can make \
             parsing take exponential time)"
        )
    }
}

enum Mode {
    /// Inside a quoted string.
    Str,
    /// Inside `${ }` or `%{ }` in a string, opened at this depth.
    Interpolation(usize),
}

pub fn check_nesting(text: &str) -> Result<(), TooDeep> {
    let b = text.as_bytes();
    let mut stack: Vec<Mode> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let open = |depth: &mut usize, at: usize| {
        *depth += 1;
        if *depth > MAX_DEPTH {
            Err(TooDeep { offset: at })
        } else {
            Ok(())
        }
    };
    while i < b.len() {
        if matches!(stack.last(), Some(Mode::Str)) {
            match b[i] {
                b'\\' => i += 1,
                b'"' | b'\n' => {
                    stack.pop();
                }
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    open(&mut depth, i)?;
                    stack.push(Mode::Interpolation(depth));
                    i += 1;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match b[i] {
            b'#' => i = line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'/') => i = line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |j| i + 2 + j + 1);
            }
            b'"' => stack.push(Mode::Str),
            b'<' if b.get(i + 1) == Some(&b'<') => i = heredoc_end(text, i).unwrap_or(i + 1),
            b'{' | b'[' | b'(' => open(&mut depth, i)?,
            b'}' | b']' | b')' => {
                if let Some(Mode::Interpolation(d)) = stack.last() {
                    if *d == depth {
                        stack.pop();
                    }
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn line_end(b: &[u8], from: usize) -> usize {
    b[from..].iter().position(|&c| c == b'\n').map_or(b.len(), |j| from + j)
}

/// The offset of the last byte of a heredoc starting at `at` (`<<EOT` or `<<-EOT` up to the
/// line holding only `EOT`), or `None` when `<<` does not start one.
fn heredoc_end(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let ident_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(rest.len());
    let ident = &rest[..ident_len];
    if ident.is_empty() || !rest[ident_len..].starts_with(['\n', '\r']) {
        return None;
    }
    let body_start = text.len() - rest.len() + ident_len;
    let mut offset = body_start;
    for line in text[body_start..].split_inclusive('\n').skip(1) {
        offset += line.len();
        if line.trim() == ident {
            return Some(offset - 1);
        }
    }
    Some(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_terraform_passes() {
        let text = "resource \"kestra_role\" \"r\" {\n  # {{{{ in a comment\n  name = \"{{{{${var.x}\"\n  \
                    resources {\n    type = \"FLOW\" // [[[[\n    actions = [\"VIEW\"]\n  }\n}\n\
                    locals {\n  doc = <<EOT\n{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{\nEOT\n  x = { a = [1, (2)] }\n}\n";
        assert_eq!(check_nesting(text), Ok(()));
    }

    #[test]
    fn deep_nesting_is_refused_where_it_starts() {
        let text = format!("x = {}", "[".repeat(40));
        assert_eq!(check_nesting(&text), Err(TooDeep { offset: 4 + MAX_DEPTH }));
        assert_eq!(check_nesting(&format!("x = {}1{}", "(".repeat(32), ")".repeat(32))), Ok(()));
    }

    #[test]
    fn interpolations_count_and_strings_do_not_hide_nesting() {
        let nested = format!("x = \"{}\"", "${ {a = \"".repeat(20));
        assert!(check_nesting(&nested).is_err());
        let closed = format!("x = \"{}\"\ny = {{}}\n", "${1}".repeat(100));
        assert_eq!(check_nesting(&closed), Ok(()));
    }
}
