use super::*;
use crate::syntax::yaml::{self, Limits, Node};
use hcl_edit::Span as _;

/// The range of the value of the first key `v` (a YAML or JSON mapping, nested in lists
/// or mappings; an HCL attribute of the body or of its first block).
fn value_of(syntax: Syntax, text: &str) -> Range<usize> {
    fn find(node: &Node) -> Option<Range<usize>> {
        match node {
            Node::Map { entries, .. } => entries.iter().find_map(|(k, v)| match k.as_str() {
                Some("v") => Some(v.start()..v.end()),
                _ => find(v),
            }),
            Node::Seq { items, .. } => items.iter().find_map(find),
            Node::Scalar(_) => None,
        }
    }
    match syntax {
        Syntax::Hcl => {
            let body = hcl_edit::parser::parse_body(text).unwrap();
            let attr = body.get_attribute("v").or_else(|| body.blocks().next()?.body.get_attribute("v")).unwrap();
            attr.value.span().unwrap()
        }
        _ => yaml::parse(text, Limits::default()).unwrap().iter().find_map(find).unwrap(),
    }
}

/// The text after the replacement of `v`'s value, or `None` when there is none.
fn fixed(syntax: Syntax, text: &str, old: Value, new: Value) -> Option<String> {
    let at = value_of(syntax, text);
    let r = replace(syntax, text, at.clone(), old, new)?;
    assert!(r.range.start >= at.start && r.range.end <= at.end, "{r:?} leaves {at:?}");
    Some(format!("{}{}{}", &text[..r.range.start], r.text, &text[r.range.end..]))
}

fn rename(syntax: Syntax, text: &str, old: &str, new: &str) -> Option<String> {
    fixed(syntax, text, Value::Str(old), Value::Str(new))
}

#[test]
fn yaml_flow_scalars_keep_their_style() {
    let y = Syntax::Yaml;
    assert_eq!(rename(y, "v: Bad # c\nw: 1\n", "Bad", "bad").unwrap(), "v: bad # c\nw: 1\n");
    assert_eq!(rename(y, "v: 'B''d'  # c\n", "B'd", "b'd").unwrap(), "v: 'b''d'  # c\n");
    assert_eq!(rename(y, "v: \"B\\td\"\n", "B\td", "a\"b").unwrap(), "v: \"a\\\"b\"\n");
    assert_eq!(rename(y, "- {v: Bad, w: x}\n", "Bad", "bad").unwrap(), "- {v: bad, w: x}\n");
    assert_eq!(rename(y, "[{v: Bad}]\n", "Bad", "a, b").unwrap(), "[{v: 'a, b'}]\n");
    assert_eq!(rename(y, "v: &a !!str Bad\n", "Bad", "bad").unwrap(), "v: &a !!str bad\n");
    assert_eq!(rename(y, "v: Bad\n  Name\nw: 1\n", "Bad Name", "bad-name").unwrap(), "v: bad-name\nw: 1\n");
    assert_eq!(rename(y, "v: \"Bad\\\n    Name\"\n", "BadName", "x").unwrap(), "v: \"x\"\n");
    // Words YAML would read as something else stay strings.
    assert_eq!(rename(y, "v: Yes_\n", "Yes_", "yes").unwrap(), "v: 'yes'\n");
    assert_eq!(rename(y, "v: N1\n", "N1", "1e3").unwrap(), "v: '1e3'\n");
    assert_eq!(rename(y, "v: 'x'\n", "x", "a\nb").unwrap(), "v: \"a\\nb\"\n");
}

#[test]
fn yaml_block_scalars_are_replaced_whole_or_keep_their_header() {
    let y = Syntax::Yaml;
    let after = "a:\n  - v: >-\n      bad-name\n    w: keep\nx: 1\n";
    assert_eq!(rename(y, "a:\n  - v: >-\n      Bad_Name\n    w: keep\nx: 1\n", "Bad_Name", "bad-name").unwrap(), after);
    assert_eq!(rename(y, "v: |-\n  Bad\n\nw: 1\n", "Bad", "bad").unwrap(), "v: |-\n  bad\n\nw: 1\n");
    // Chomping that keeps the line break cannot hold a name: the block becomes plain.
    assert_eq!(rename(y, "v: |\n  30d\nw: 1\n", "30d\n", "P30D").unwrap(), "v: P30D\nw: 1\n");
    assert_eq!(rename(y, "v: >+ # why\n  a\n\n\nw: 1\n", "a\n\n\n", "b").unwrap(), "v: b # why\n\n\nw: 1\n");
    assert_eq!(rename(y, "v: |2\n   Bad\nw: 1\n", " Bad\n", "bad").unwrap(), "v: bad\nw: 1\n");
    assert_eq!(rename(y, "v: |-\n  a\n  b\nw: 1\n", "a\nb", "c").unwrap(), "v: c\nw: 1\n");
    assert_eq!(rename(y, "v: >\n  a\n  b\n", "a b\n", "c").unwrap(), "v: c\n");
    assert_eq!(rename(y, "- v: &x !!str |-\n    a\n", "a", "b").unwrap(), "- v: &x !!str |-\n    b\n");
    assert_eq!(rename(y, "v: |-\r\n  Bad\r\nw: 1\r\n", "Bad", "bad").unwrap(), "v: |-\r\n  bad\r\nw: 1\r\n");
    assert_eq!(rename(y, "v: | # c\r\n  Bad\r\nw: 1\r\n", "Bad\n", "bad").unwrap(), "v: bad # c\r\nw: 1\r\n");
    assert_eq!(fixed(y, "v: |\nw: 1\n", Value::Str(""), Value::Str("P90D")).unwrap(), "v: P90D\nw: 1\n");
}

#[test]
fn yaml_nulls_and_booleans() {
    let y = Syntax::Yaml;
    assert_eq!(fixed(y, "v:\nw: 1\n", Value::Null, Value::Str("P90D")).unwrap(), "v: P90D\nw: 1\n");
    assert_eq!(fixed(y, "v: ~\n", Value::Null, Value::Str("P90D")).unwrap(), "v: P90D\n");
    assert_eq!(fixed(y, "v: true # c\n", Value::Bool(true), Value::Bool(false)).unwrap(), "v: false # c\n");
    assert_eq!(fixed(y, "v: \"true\"\n", Value::Bool(true), Value::Bool(false)).unwrap(), "v: \"false\"\n");
    assert_eq!(fixed(y, "v: Yes\n", Value::Bool(true), Value::Bool(false)).unwrap(), "v: false\n");
}

#[test]
fn text_that_does_not_read_as_the_old_value_is_left_alone() {
    let y = Syntax::Yaml;
    assert_eq!(rename(y, "a: &x Bad\nv: *x\n", "Bad", "bad"), None);
    assert_eq!(rename(y, "v: Other\n", "Bad", "bad"), None);
    assert_eq!(rename(y, "v: |\n  Bad\n", "Bad", "bad"), None, "the value has a line break");
    assert_eq!(rename(y, "v: !!binary |\n  QmFk\n", "QmFk\n", "x"), None);
    assert_eq!(fixed(y, "v: null\n", Value::Str("null"), Value::Str("x")), None);
    let h = Syntax::Hcl;
    assert_eq!(rename(h, "v = \"${var.x}_Bad\"\n", "x_Bad", "bad"), None);
    assert_eq!(rename(h, "v = lower(\"Bad\")\n", "bad", "x"), None);
    assert_eq!(rename(h, "v = var.name\n", "Bad", "bad"), None);
    assert_eq!(rename(Syntax::TerraformJson, "{\"v\": \"${var.x}\"}", "Bad", "bad"), None);
}

#[test]
fn hcl_strings_heredocs_nulls_and_booleans() {
    let h = Syntax::Hcl;
    assert_eq!(rename(h, "v = \"Bad\" # c\n", "Bad", "bad").unwrap(), "v = \"bad\" # c\n");
    assert_eq!(rename(h, "v = \"B\\\"d\"\n", "B\"d", "${x}\n").unwrap(), "v = \"$${x}\\n\"\n");
    assert_eq!(rename(h, "v = \"a$${b}\"\n", "a${b}", "c").unwrap(), "v = \"c\"\n");
    let heredoc = "resource \"r\" \"n\" {\n  v = <<EOT\nBad_Name\nEOT\n  w = 1\n}\n";
    let quoted = "resource \"r\" \"n\" {\n  v = \"bad-name\"\n  w = 1\n}\n";
    assert_eq!(rename(h, heredoc, "Bad_Name\n", "bad-name").unwrap(), quoted);
    let indented = "resource \"r\" \"n\" {\n  v = <<-EOT\n    P30D\n    EOT\n  w = 1\n}\n";
    let quoted = "resource \"r\" \"n\" {\n  v = \"P30D\"\n  w = 1\n}\n";
    assert_eq!(rename(h, indented, "P30D\n", "P30D").unwrap(), quoted);
    assert_eq!(fixed(h, "v = null\n", Value::Null, Value::Str("P90D")).unwrap(), "v = \"P90D\"\n");
    assert_eq!(fixed(h, "v = true\n", Value::Bool(true), Value::Bool(false)).unwrap(), "v = false\n");
    assert_eq!(fixed(h, "v = \"true\"\n", Value::Bool(true), Value::Bool(false)).unwrap(), "v = \"false\"\n");
}

#[test]
fn json_strings_stay_strings() {
    let j = Syntax::Json;
    assert_eq!(rename(j, "{\"v\": \"B\\u0041d\"}", "BAd", "a\"b").unwrap(), "{\"v\": \"a\\\"b\"}");
    assert_eq!(fixed(j, "{\"v\": null}", Value::Null, Value::Str("P90D")).unwrap(), "{\"v\": \"P90D\"}");
    assert_eq!(fixed(j, "{\"v\": true}", Value::Bool(true), Value::Bool(false)).unwrap(), "{\"v\": false}");
    let t = Syntax::TerraformJson;
    assert_eq!(rename(t, "{\"v\": \"$${Bad}\"}", "${Bad}", "${x}").unwrap(), "{\"v\": \"$${x}\"}");
    assert_eq!(rename(Syntax::Json, "{\"v\": \"${Bad}\"}", "${Bad}", "${x}").unwrap(), "{\"v\": \"${x}\"}");
}

/// The text after replacing a document's only scalar, as the tree spans it.
fn fixed_text(syntax: Syntax, text: &str, old: Value, new: Value) -> Option<String> {
    let doc = yaml::parse(text, Limits::default()).unwrap().remove(0);
    let r = replace(syntax, text, doc.start()..doc.end(), old, new)?;
    Some(format!("{}{}{}", &text[..r.range.start], r.text, &text[r.range.end..]))
}

/// Found by the `fix_scalars` fuzz target: a document's own block scalar with its content at
/// the first column was spanned from its content, which then read as a plain scalar, and
/// an empty string was written over it as `''` inside the block.
#[test]
fn a_document_block_scalar_is_replaced_as_a_block() {
    let y = Syntax::Yaml;
    let text = ">-\nBad\n";
    let at = 0..">-\nBad".len();
    assert_eq!(yaml::parse(text, Limits::default()).unwrap()[0].end(), at.end);
    let r = replace(y, text, at.clone(), Value::Str("Bad"), Value::Str("")).unwrap();
    assert_eq!(format!("{}{}{}", &text[..r.range.start], r.text, &text[r.range.end..]), "''\n");
    let r = replace(y, text, at, Value::Str("Bad"), Value::Str("bad")).unwrap();
    assert_eq!(format!("{}{}{}", &text[..r.range.start], r.text, &text[r.range.end..]), ">-\nbad\n");
    // An empty null is replaced only after its key's colon (also found by fuzzing: `?` with
    // an empty key, then a plain key on the next line).
    assert_eq!(replace(y, "?\n\\?~:", 2..2, Value::Null, Value::Str("")), None);
    assert_eq!(replace(y, "?\n:~:\n", 3..3, Value::Null, Value::Str("x")), None);
    // A lone `\r` breaks a YAML line where iamlint does not (fuzzing again).
    assert_eq!(replace(y, "  |-\r\\*", 5..7, Value::Str("\\*"), Value::Str("")), None);
    assert_eq!(fixed_text(y, "\r|-\nA0!", Value::Str("A0!"), Value::Str(".")), None);
    // Content the tree could not widen to its header is never read as a plain scalar.
    assert_eq!(replace(y, ">-\nBad\n", 3..6, Value::Str("Bad"), Value::Str("bad")), None);
}
