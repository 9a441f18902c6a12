//! What a newcomer meets first: a mistyped subcommand is an error with a "did you mean"
//! (never a path that does not exist), and `iamlint man` has a page for each subcommand
//! with EXIT STATUS, ENVIRONMENT and FILES.

use crate::common;
use common::*;

#[test]
fn an_unknown_subcommand_is_an_error_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    for (word, tip) in [
        ("chekc", "a similar subcommand exists: 'check'"),
        ("explian", "a similar subcommand exists: 'explain'"),
        ("acess", "a similar subcommand exists: 'access'"),
        ("version", "to print the version, use '--version'"),
    ] {
        let out = iamlint(dir.path(), &[word]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{word}: {err}");
        assert!(err.starts_with(&format!("error: unrecognized subcommand '{word}'")), "{word}: {err}");
        assert!(err.contains(tip), "{word}: {err}");
        assert!(err.contains(&format!("no file or folder '{word}' exists")), "{word}: {err}");
        assert!(!err.contains("does not exist"), "read as a path: {err}");
        assert!(out.stdout.is_empty(), "{word}");
    }
    // A word nothing resembles gets no tip, only the error.
    let err = stderr(&iamlint(dir.path(), &["zzz"]));
    assert!(!err.contains("similar"), "{err}");
}

#[test]
fn a_path_is_still_checked_whatever_it_looks_like() {
    let dir = tempfile::tempdir().unwrap();
    // An existing file or folder named like a command is a path, as before.
    write(dir.path(), "chekc/sa.yaml", "serviceAccounts:\n  - name: CI_Bot\n");
    let out = iamlint(dir.path(), &["chekc"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("IAM101"), "{}", stdout(&out));
    // A missing path that cannot be a command word keeps the path error.
    for missing in ["iam/", "main.tf", "Envs"] {
        let out = iamlint(dir.path(), &[missing]);
        assert_eq!(out.status.code(), Some(2), "{missing}");
        assert!(!stderr(&out).contains("unrecognized subcommand"), "{missing}: {}", stderr(&out));
    }
    // Subcommands and flags are untouched.
    assert_eq!(iamlint(dir.path(), &["rules"]).status.code(), Some(0));
    assert!(stdout(&iamlint(dir.path(), &["--version"])).starts_with("iamlint "));
}

/// Every subcommand that `iamlint --help` lists.
fn subcommands() -> Vec<String> {
    let help = stdout(&iamlint(repo_root(), &["--help"]));
    let commands = &help[help.find("Commands:").expect("help lists commands")..];
    commands
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .filter(|c| c != "help")
        .collect()
}

#[test]
fn man_writes_one_page_per_subcommand_with_the_usual_sections() {
    let dir = tempfile::tempdir().unwrap();
    let out = iamlint(repo_root(), &["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let commands = subcommands();
    assert!(commands.len() >= 7 && commands.contains(&"check".to_string()), "{commands:?}");
    let mut expected: Vec<String> = commands.iter().map(|c| format!("iamlint-{c}.1")).collect();
    expected.push("iamlint.1".into());
    expected.sort();
    let mut written: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    assert_eq!(written, expected);
    assert_eq!(stdout(&out).lines().count(), expected.len(), "the written paths are printed");

    for name in &expected {
        let page = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let title = name.trim_end_matches(".1");
        assert!(page.contains(&format!(".TH {title} 1 ")), "{name}: {}", &page[..200.min(page.len())]);
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "\"EXIT STATUS\"", "ENVIRONMENT", "\"SEE ALSO\""] {
            assert!(page.contains(&format!("\n.SH {section}\n")), "{name} lacks {section}");
        }
        assert!(page.contains("\\fBNO_COLOR\\fR"), "{name}");
        // A page and `iamlint man SUBCOMMAND` are the same text.
        let command = title.strip_prefix("iamlint-");
        let printed = stdout(&iamlint(repo_root(), &["man"].into_iter().chain(command).collect::<Vec<_>>()));
        assert_eq!(printed, page, "{name}");
    }
    let check = std::fs::read_to_string(dir.path().join("iamlint-check.1")).unwrap();
    assert!(check.contains("\\fBiamlint check\\fR"), "synopsis names the subcommand");
    assert!(check.contains("\n.SH FILES\n") && check.contains("\\fB\\&.iamlint.yaml\\fR"), "{check}");
    for status in ["\\fB0\\fR", "\\fB1\\fR", "\\fB2\\fR"] {
        assert!(check.contains(status), "check's EXIT STATUS lacks {status}");
    }
    let top = std::fs::read_to_string(dir.path().join("iamlint.1")).unwrap();
    assert!(top.contains("iamlint\\-check(1)"), "iamlint(1) refers to the subcommand pages");
}

#[test]
fn man_for_an_unknown_subcommand_is_an_error() {
    let out = iamlint(repo_root(), &["man", "chek"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean `check`?"), "{}", stderr(&out));
}

/// The ENVIRONMENT section names every variable the sources read, so that a new one
/// cannot go undocumented.
#[test]
fn man_documents_every_environment_variable_read() {
    let page = stdout(&iamlint(repo_root(), &["man", "check"]));
    let environment = &page[page.find(".SH ENVIRONMENT").unwrap()..];
    let environment = &environment[..environment[1..].find("\n.SH ").unwrap()];
    // Reads: `env::var("X")`, `var_os("X")` and clap's `env = "X"`; not `.env("X", ..)`,
    // which sets a variable for a child process (git).
    let read = regex::Regex::new(r#"(?:\bvar_os\s*\(|\bvar\s*\(|\benv\s*=)\s*"([A-Z][A-Z0-9_]+)""#).unwrap();
    let mut names = Vec::new();
    let mut stack = vec![repo_root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                names.extend(read.captures_iter(&text).map(|c| c[1].to_string()));
            }
        }
    }
    assert!(names.iter().any(|n| n == "NO_COLOR"), "the scan finds the reads: {names:?}");
    for name in names {
        assert!(environment.contains(&name), "ENVIRONMENT does not mention {name}:\n{environment}");
    }
}

/// The README is the first screen and links the reference pages: every relative link of
/// the README and of docs/ leads to a file that exists.
#[test]
fn readme_and_docs_links_resolve() {
    let link = regex::Regex::new(r"\]\(([^)#\s]+)(?:#[^)]*)?\)").unwrap();
    let mut pages = vec![repo_root().join("README.md")];
    pages.extend(std::fs::read_dir(repo_root().join("docs")).unwrap().map(|e| e.unwrap().path()));
    let mut checked = 0;
    for page in pages.iter().filter(|p| p.extension().is_some_and(|e| e == "md")) {
        let text = std::fs::read_to_string(page).unwrap();
        for c in link.captures_iter(&text) {
            let target = &c[1];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            assert!(page.parent().unwrap().join(target).exists(), "{}: broken link {target}", page.display());
        }
    }
    assert!(checked >= 10, "only {checked} links checked");
}
