//! `iamlint PATHS` means `iamlint check PATHS`, so a mistyped subcommand used to be linted
//! as a path: `iamlint chekc` failed with "path `chekc` does not exist". A first word that
//! names no subcommand and no existing file, and reads like a command (`chekc`, `version`),
//! is an error with a "did you mean" instead, exit status 2.

use super::Cli;
use clap::error::ErrorKind;
use clap::CommandFactory;
use std::path::Path;

/// The error status when `args[1]` is an unknown command word; the error is printed.
pub(super) fn reject_unknown(args: &[String]) -> Option<i32> {
    let word = args.get(1)?;
    let mut cli = Cli::command();
    let names: Vec<String> = cli.get_subcommands().map(|c| c.get_name().to_string()).chain(["help".into()]).collect();
    if names.contains(word) || !looks_like_a_command(word) || Path::new(word).symlink_metadata().is_ok() {
        return None;
    }
    let mut message = format!("unrecognized subcommand '{word}'\n\n");
    // `iamlint version` is the usual slip, and no subcommand resembles it.
    if word == "version" {
        message.push_str("  tip: to print the version, use '--version'\n");
    } else if let Some(s) = iamlint::suggest::closest(word, names.iter().map(String::as_str)) {
        message.push_str(&format!("  tip: a similar subcommand exists: '{s}'\n"));
    }
    message.push_str(&format!("  tip: no file or folder '{word}' exists, so it is not read as a path to check"));
    let _ = cli.error(ErrorKind::InvalidSubcommand, message).print();
    Some(2)
}

/// Lowercase letters, digits and `-`, starting with a letter: a name such as `chekc`, never
/// `iam/`, `main.tf` or `./x`, which can only be meant as paths.
fn looks_like_a_command(word: &str) -> bool {
    word.len() <= 32
        && word.starts_with(|c: char| c.is_ascii_lowercase())
        && word.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::looks_like_a_command;

    #[test]
    fn command_words_and_paths() {
        for word in ["chekc", "version", "explian", "access-diff", "v2"] {
            assert!(looks_like_a_command(word), "{word}");
        }
        for word in ["iam/", "main.tf", "./chekc", "Check", "-x", "", "2fa", "envs/prod"] {
            assert!(!looks_like_a_command(word), "{word}");
        }
    }
}
