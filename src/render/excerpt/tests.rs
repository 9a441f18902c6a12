// Spans are passed as lists, often of one span.
#![allow(clippy::single_range_in_vec_init)]

use super::*;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report};

fn file(text: &str, secrets: &[(usize, usize)]) -> SourceFile {
    let mut f = SourceFile::new("a.yaml".into(), "a.yaml".into(), text.into(), true);
    f.secrets = secrets.to_vec();
    f
}

fn show(source: impl SourceCode + 'static, labels: Vec<LabeledSpan>) -> String {
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
    let report = Report::new(MietteDiagnostic::new("m").with_labels(labels)).with_source_code(source);
    let mut out = String::new();
    handler.render_report(&mut out, report.as_ref()).unwrap();
    out
}

fn labels(spans: &[Range<usize>]) -> Vec<LabeledSpan> {
    spans
        .iter()
        .enumerate()
        .map(|(i, r)| match i {
            0 => LabeledSpan::new_primary_with_span(None, r.clone()),
            _ => LabeledSpan::new_with_span(Some(format!("label {i}")), r.clone()),
        })
        .collect()
}

/// The report as the human renderer shows it: from an excerpt.
fn clipped(f: &SourceFile, spans: &[Range<usize>]) -> String {
    let shown = f.shown_text();
    let (excerpt, ranges) = Excerpt::new(f, &shown, "a.yaml".into(), "yaml", spans);
    show(excerpt, labels(&ranges))
}

/// The first underline of a report.
fn underline(out: &str) -> &str {
    out.lines().find(|l| l.trim_start().starts_with('·') && l.contains('─')).unwrap()
}

/// The report as miette shows it from the whole text.
fn whole(text: &str, spans: &[Range<usize>]) -> String {
    show(NamedSource::new("a.yaml", text.to_string()), labels(spans))
}

#[test]
fn short_lines_render_as_from_the_whole_file() {
    let text = "serviceAccounts:\n  - name: Ci_Bot\n    groups: [bots]\n  - name: x\n\ngroups:\n  - name: bots\n";
    let crlf = text.replace('\n', "\r\n");
    let mut long = String::new();
    for i in 0..40 {
        long.push_str(&format!("line {i}: value {i}\n"));
    }
    let cases: Vec<(&str, Vec<Range<usize>>)> = vec![
        (text, vec![27..33]),
        (text, vec![0..0]),
        (text, vec![text.len()..text.len()]),
        (text, vec![text.len() - 1..text.len()]),
        (text, vec![17..35]),
        (text, vec![27..33, 17..52]),
        (text, vec![27..33, 66..72, 84..88]),
        (text, vec![27..33, 73..88]),
        (text, vec![19..66]),
        (&crlf, vec![29..35, 0..15]),
        (&crlf, vec![crlf.len()..crlf.len()]),
        (&long, vec![300..305, 10..15]),
        (&long, vec![300..305, 250..260]),
        ("no final line break", vec![3..8]),
        ("no final line break", vec![19..19]),
        ("", vec![0..0]),
        // Found by the properties below: miette's quirks at the start of a text.
        ("\n", vec![0..0]),
        ("\n\nab", vec![0..0]),
    ];
    for (text, spans) in cases {
        let f = file(text, &[]);
        assert_eq!(clipped(&f, &spans), whole(text, &spans), "{text:?} {spans:?}");
    }
}

#[test]
fn a_long_line_is_cut_around_its_label_and_the_header_names_the_real_column() {
    let text =
        format!("{{\"a\": \"{}\", \"name\": \"Bad_Name\", \"b\": \"{}\"}}\n", "x".repeat(70_000), "y".repeat(500));
    let at = text.find("Bad_Name").unwrap();
    let out = clipped(&file(&text, &[]), &[at..at + 8]);
    assert!(out.contains(&format!("[a.yaml:1:{}]", at + 1)), "{out}");
    assert!(out.lines().all(|l| l.chars().count() < 160), "{out}");
    let line = out.lines().find(|l| l.contains("Bad_Name")).unwrap();
    let under = underline(&out);
    let column = |s: &str, pat: &str| s.char_indices().find(|(i, _)| s[*i..].starts_with(pat)).unwrap();
    let name_at = line[..column(line, "Bad_Name").0].chars().count();
    assert_eq!(under[..column(under, "─").0].chars().count(), name_at, "{out}");
    assert!(line.contains("…xxxx") && line.ends_with("yyy…"), "{line}");
}

#[test]
fn a_long_span_shows_its_ends() {
    let text = format!("k: [{}]\n", "a, ".repeat(10_000));
    let out = clipped(&file(&text, &[]), &[3..text.len() - 1]);
    assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
    assert!(out.contains("k: [a, a,") && out.contains("a, ]"), "{out}");
}

#[test]
fn far_labels_on_one_line_get_a_window_each() {
    let text = format!("{}FIRST{}SECOND{}\n", "x".repeat(1_000), "y".repeat(100_000), "z".repeat(1_000));
    let first = text.find("FIRST").unwrap();
    let second = text.find("SECOND").unwrap();
    let out = clipped(&file(&text, &[]), &[second..second + 6, first..first + 5]);
    assert!(out.contains("xxxFIRSTyyy") && out.contains("yyySECONDzzz"), "{out}");
    assert!(out.contains("label 1"), "{out}");
    assert!(out.len() < 2_000, "{out}");
}

#[test]
fn a_multi_line_span_is_cut_after_a_few_lines() {
    let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
    let out = clipped(&file(&text, &[]), &[0..text.len() - 1]);
    assert!(out.contains("line 5") && !out.contains("line 6") && !out.contains("line 99"), "{out}");
    assert!(out.lines().any(|l| l.starts_with(" 7 │") && l.ends_with('…')), "{out}");
}

#[test]
fn far_apart_lines_are_shown_apart() {
    let text: String = (0..1000).map(|i| format!("line {i}\n")).collect();
    let a = text.find("line 500").unwrap();
    let b = text.find("line 900").unwrap();
    let out = clipped(&file(&text, &[]), &[b..b + 8, a..a + 8]);
    assert!(out.contains("line 500") && out.contains("line 900") && !out.contains("line 700"), "{out}");
    assert!(out.lines().count() < 20, "{out}");
}

#[test]
fn controls_in_the_source_are_escaped_in_place() {
    let text = "name: \"a\x1b[2Jb\"\r\n  bad: \u{202e}x\n";
    let out = clipped(&file(text, &[]), &[6..14, 23..27]);
    assert!(!out.contains('\x1b') && !out.contains('\u{202e}'), "{out}");
    assert!(out.contains("\"a\\u{1b}[2Jb\"") && out.contains("bad: \\u{202e}x"), "{out}");
    assert_eq!(underline(&out).matches('─').count(), "\"a\\u{1b}[2Jb\"".len(), "{out}");
}

#[test]
fn a_cut_never_reveals_a_secret() {
    let secret = "s3cr3t-VALUE-".repeat(20);
    for prefix in ["x".repeat(300), "é".repeat(300)] {
        let text = format!("{prefix}token: \"{secret}\" name: Bad_Name {}\n", "z".repeat(300));
        let start = text.find("s3cr3t").unwrap();
        let name = text.find("Bad_Name").unwrap();
        let f = file(&text, &[(start, start + secret.len())]);
        for spans in [vec![name..name + 8], vec![start..start + secret.len()], vec![start + 5..name + 3]] {
            let out = clipped(&f, &spans);
            for piece in ["s3c", "3cr", "VAL", "LUE", "-V"] {
                assert!(!out.contains(piece), "{spans:?} leaks `{piece}`:\n{out}");
            }
        }
        // A non-ASCII secret makes the shown text shorter: the window still finds the label.
        let out = clipped(&f, &[name..name + 8]);
        let line = out.lines().find(|l| l.contains("Bad_Name")).unwrap();
        let under = underline(&out);
        let col = |s: &str, pat: &str| s[..s.find(pat).unwrap()].chars().count();
        assert_eq!(col(line, "Bad_Name"), col(under, "─"), "{out}");
    }
}

#[test]
fn a_non_ascii_secret_before_a_label_keeps_it_in_place() {
    let text = "k: \"ééé\"\nname: Bad\n";
    let f = file(text, &[(4, 10)]);
    let name = text.find("Bad").unwrap();
    let out = clipped(&f, &[name..name + 3]);
    // A secret is starred byte for byte (six stars for three two-byte characters), so
    // offsets in the shown text are those of the file.
    assert!(out.contains("k: \"******\"") && out.contains("name: Bad"), "{out}");
    let under = underline(&out);
    let line = out.lines().find(|l| l.contains("name: Bad")).unwrap();
    let col = |s: &str, pat: &str| s[..s.find(pat).unwrap()].chars().count();
    assert_eq!(col(line, "Bad"), col(under, "─"), "{out}");
}

#[test]
fn an_offset_inside_a_crlf_is_read() {
    let out = clipped(&file("\r\n\n", &[]), &[1..1]);
    assert!(!out.contains("Failed to read"), "{out}");
}

/// Text of short and very long lines, CRLF, tabs, controls and non-ASCII characters, with
/// secrets (ASCII and not) at random places, marked by characters found nowhere else.
fn hostile() -> impl proptest::strategy::Strategy<Value = (String, Vec<(usize, usize)>, Vec<Range<usize>>)> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        Just("a".to_string()),
        Just("é".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\t\x1b\u{202e}".to_string()),
        (1usize..400).prop_map(|n| "x".repeat(n)),
        (1usize..20).prop_map(|n| "S".repeat(n)),
        (1usize..20).prop_map(|n| "Ş".repeat(n)),
    ];
    proptest::collection::vec(piece, 1..40).prop_flat_map(|pieces| {
        let text: String = pieces.concat();
        let secrets: Vec<(usize, usize)> =
            text.char_indices().filter(|&(_, c)| c == 'S' || c == 'Ş').map(|(i, c)| (i, i + c.len_utf8())).collect();
        let len = text.len();
        let spans = proptest::collection::vec((0..=len, 0..=len).prop_map(|(a, b)| a.min(b)..a.max(b)), 1..5);
        (Just(text), Just(secrets), spans)
    })
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(256))]

    /// Whatever the text and spans, the excerpt renders, bounded, and shows no secret.
    #[test]
    fn any_excerpt_renders_without_a_secret((text, secrets, spans) in hostile()) {
        let out = clipped(&file(&text, &secrets), &spans);
        proptest::prop_assert!(!out.contains('S') && !out.contains('Ş'), "{:?}\n{}", spans, out);
        proptest::prop_assert!(!out.contains('\x1b') && !out.contains('\u{202e}'), "{}", out);
        proptest::prop_assert!(out.len() < 20_000, "{} bytes", out.len());
        proptest::prop_assert!(!out.contains("Failed to read"), "{:?}\n{}", spans, out);
    }
}

/// Short ASCII lines (CRLF and tabs included), at most 12 of them, and spans of at most
/// six lines: what the excerpt shows exactly as miette shows the whole text. Not offsets
/// between a CR and its LF: there miette counted the CR as a column, iamlint as the line's
/// end.
fn ordinary() -> impl proptest::strategy::Strategy<Value = (String, Vec<Range<usize>>)> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        Just("ab".to_string()),
        Just(" ".to_string()),
        Just("\t".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        (1usize..30).prop_map(|n| "x".repeat(n)),
    ];
    proptest::collection::vec(piece, 1..30)
        .prop_map(|pieces| pieces.concat())
        .prop_filter("at most 12 lines, none clipped", |t| {
            t.matches('\n').count() < 12 && t.lines().all(|l| l.len() <= WIDTH)
        })
        .prop_flat_map(|text| {
            let len = text.len();
            let spans = proptest::collection::vec((0..=len, 0..=len).prop_map(|(a, b)| a.min(b)..a.max(b)), 1..4);
            (Just(text), spans)
        })
        .prop_filter("spans of at most six lines, not inside a CRLF", |(text, spans)| {
            let inside_crlf = |i: usize| text[..i].ends_with('\r') && text[i..].starts_with('\n');
            spans
                .iter()
                .all(|r| text[r.clone()].matches('\n').count() < 5 && !inside_crlf(r.start) && !inside_crlf(r.end))
        })
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(256))]

    #[test]
    fn ordinary_text_renders_as_from_the_whole_file((text, spans) in ordinary()) {
        let f = file(&text, &[]);
        proptest::prop_assert_eq!(clipped(&f, &spans), whole(&text, &spans), "{:?} {:?}", text, spans);
    }
}
