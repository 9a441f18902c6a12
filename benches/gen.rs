//! `iamlint-gen`: the benchmark's workspace generator and read-only baseline.
//!
//! ```text
//! iamlint-gen generate DIR --files N [--folder F] [--seed S] [--rate R] [--kestra-share P]
//!                                                            write a workspace, print its stats as JSON
//! iamlint-gen read DIR                                       read every file under DIR in parallel
//! iamlint-gen parse DIR                                      read, and parse with iamlint's parsers
//! ```
//!
//! `read` is the floor a linter cannot beat: walk the tree and read every byte, on all
//! cores, doing nothing with it. `parse` is the floor of any linter built on iamlint's
//! parsers: read every file and run hcl-edit (`.tf`) or the YAML event parser (`.yaml`) over
//! it, building nothing else. `benches/run.sh` prints iamlint's time as a multiple of both.
//!
//! `--kestra-share P` writes a mixed repository instead (`mixed.rs`): P percent of the files
//! Kestra's, under `kestra/`, the rest AWS, GCP and Kubernetes Terraform, Helm values,
//! Kubernetes manifests and GitHub workflows.

#[path = "mixed.rs"]
mod mixed;
#[path = "workspace.rs"]
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        Some("read") => read(&args[1..], false),
        Some("parse") => read(&args[1..], true),
        _ => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: iamlint-gen generate DIR --files N [--folder F] [--seed S] [--rate R] [--kestra-share P] | iamlint-gen read|parse DIR"
    );
    ExitCode::from(2)
}

fn generate(args: &[String]) -> ExitCode {
    let Some(dir) = args.first().map(PathBuf::from) else { return usage() };
    let (mut files, mut folder, mut seed, mut rate) = (1000usize, workspace::FOLDER, 42u64, 0.05f64);
    let mut share: Option<f64> = None;
    let mut rest = args[1..].iter();
    while let Some(flag) = rest.next() {
        let value = rest.next();
        let ok = match (flag.as_str(), value) {
            ("--files", Some(v)) => v.parse().map(|v| files = v).is_ok(),
            ("--folder", Some(v)) => v.parse().map(|v| folder = v).is_ok(),
            ("--seed", Some(v)) => v.parse().map(|v| seed = v).is_ok(),
            ("--rate", Some(v)) => v.parse().map(|v| rate = v).is_ok(),
            ("--kestra-share", Some(v)) => v.parse().map(|v: f64| share = Some(v.clamp(0.0, 100.0))).is_ok(),
            _ => false,
        };
        if !ok {
            return usage();
        }
    }
    let written = match share {
        Some(share) => mixed::generate(&dir, files, share, folder, seed, rate),
        None => workspace::generate(&dir, files, folder, seed, rate),
    };
    match written {
        Ok(stats) => {
            println!("{}", stats.to_json());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("iamlint-gen: cannot write {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}

/// Parses a file as iamlint's front ends first do, and throws the result away.
fn parse_text(path: &std::path::Path, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match path.extension().and_then(|e| e.to_str()) {
        Some("tf" | "tfvars") => {
            std::hint::black_box(hcl_edit::parser::parse_body(text).is_ok());
        }
        Some("yaml" | "yml") => {
            std::hint::black_box(saphyr_parser::Parser::new_from_str(text).count());
        }
        _ => {}
    }
}

fn read(args: &[String], parse: bool) -> ExitCode {
    let Some(dir) = args.first() else { return usage() };
    let files = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    // `.git` is no file of the workspace (the pre-commit scenario runs in a repository).
    let walk = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build_parallel();
    walk.run(|| {
        Box::new(|entry| {
            if let Ok(entry) = entry {
                if entry.file_type().is_some_and(|t| t.is_file()) {
                    if let Ok(data) = std::fs::read(entry.path()) {
                        if parse {
                            parse_text(entry.path(), &data);
                        }
                        files.fetch_add(1, Ordering::Relaxed);
                        bytes.fetch_add(data.len(), Ordering::Relaxed);
                    }
                }
            }
            ignore::WalkState::Continue
        })
    });
    println!("{{\"files\": {}, \"bytes\": {}}}", files.into_inner(), bytes.into_inner());
    ExitCode::SUCCESS
}
