//! Micro-benchmarks of the hot functions (divan): `cargo bench --bench hot`.
//! The whole-run figures (files/s, MB/s, peak memory, ratio to reading) come from
//! `benches/run.sh`, which times the release binary.

#[path = "workspace.rs"]
mod workspace;

use divan::counter::{BytesCount, ItemsCount};
use divan::{black_box, Bencher};
use iamlint::frontend::manifest;
use iamlint::lint::{self, Options};
use iamlint::render::{self, OutputFormat, RenderOptions};
use iamlint::source::FileId;
use std::path::PathBuf;
use std::sync::OnceLock;

/// A 1,000-file workspace on disk for the whole-run benchmarks, written once and removed
/// when the benchmarks end.
static WORKSPACE: OnceLock<PathBuf> = OnceLock::new();

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    workspace::generate(dir.path(), 1000, workspace::FOLDER, SEED, RATE).expect("workspace written");
    WORKSPACE.set(dir.path().to_path_buf()).expect("set once");
    divan::main();
}

const SEED: u64 = 42;
const RATE: f64 = 0.05;

#[divan::bench]
fn yaml_frontend(bencher: Bencher) {
    let (text, _) = workspace::manifest(7, 100, SEED, RATE);
    bencher.counter(BytesCount::new(text.len())).bench(|| manifest::parse(FileId(0), black_box(&text), false));
}

#[divan::bench]
fn terraform_frontend(bencher: Bencher) {
    let (text, _) = workspace::terraform(7, 100, workspace::FOLDER, SEED, RATE);
    // Parsing and module evaluation, as one file makes one module.
    bencher.counter(BytesCount::new(text.len())).bench(|| iamlint::lint::load_texts(&[("main.tf", black_box(&text))]));
}

const DURATIONS: [&str; 8] = ["P30D", "PT2160H", "p90d", "P1DT12H", "30d", "P1Y", "P2W", "PT1.5S"];

#[divan::bench]
fn duration_parse(bencher: Bencher) {
    bencher.counter(ItemsCount::new(DURATIONS.len())).bench(|| {
        for d in DURATIONS {
            let _ = black_box(iamlint::duration::parse(black_box(d)));
        }
    });
}

const NAMES: [&str; 6] =
    ["my-service-account", "ci-deployer-1", "MY_SERVICE_ACCOUNT", "myServiceAccount", "a--b", "trailing-"];

#[divan::bench]
fn name_check(bencher: Bencher) {
    bencher.counter(ItemsCount::new(NAMES.len())).bench(|| {
        for n in NAMES {
            black_box(iamlint::names::check(black_box(n), iamlint::names::NameRule::TokenName));
        }
    });
}

fn options() -> Options {
    Options { paths: vec![WORKSPACE.get().expect("workspace written").clone()], ..Options::default() }
}

/// Discover, read, parse, resolve and run every rule over 1,000 files.
#[divan::bench(sample_count = 20)]
fn whole_check_1000_files(bencher: Bencher) {
    let options = options();
    bencher.counter(ItemsCount::new(1000usize)).bench(|| lint::run(black_box(&options)).expect("lints"));
}

/// Only the rules, over an already loaded 1,000-file workspace.
#[divan::bench(sample_count = 20)]
fn rules_only_1000_files(bencher: Bencher) {
    let options = options();
    let outcome = lint::run(&options).expect("lints");
    bencher.bench(|| lint::check(&options.catalogue, black_box(&outcome.ws), &options.selection, &options.settings));
}

#[divan::bench(args = [OutputFormat::Human, OutputFormat::Concise, OutputFormat::Json], sample_count = 10)]
fn render_1000_files(bencher: Bencher, format: OutputFormat) {
    let outcome = lint::run(&options()).expect("lints");
    let catalogue = iamlint::catalogue::Catalogue::builtin();
    let ro = RenderOptions { files: outcome.files, ..RenderOptions::new(&catalogue) };
    bencher
        .counter(ItemsCount::new(outcome.findings.len()))
        .bench(|| render::render(format, &outcome.ws, black_box(&outcome.findings), &ro));
}
