//! What a newcomer meets first: a mistyped subcommand is an error with a "did you mean",
//! never a path that does not exist.

mod common;
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
