//! The integration tests, one binary: each module is one concern, and linking the library
//! once instead of once per file saves most of the build (see ARCHITECTURE.md).

mod access_cli;
mod access_diff;
mod action;
mod ci_output;
mod cli;
#[path = "../common/mod.rs"]
mod common;
mod config;
mod credential_corpus;
mod deployments;
mod editor;
mod first_run;
mod fix_props;
mod formats;
mod fuzz_regressions;
mod gitlab;
mod hostile;
mod install;
mod manifests;
mod moved_blocks;
mod nested_config;
mod overrides;
mod permission_fixes;
mod plans;
mod policies;
mod pre_commit;
mod prefilter;
mod review;
mod review_scope;
mod rewrite_oracle;
mod rule_docs;
mod sarif_validator;
mod scaffold;
mod secrets;
mod sensitive_fix;
mod server;
mod stable_paths;
mod stdin;
mod suppress;
mod terraform;
mod trust_credentials;
mod trust_fix;
mod trust_fs;
mod trust_render;
mod trust_secrets;
