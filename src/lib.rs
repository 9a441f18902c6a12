//! iamlint: a static analyzer for Kestra identity-and-access configuration.

pub mod access;
pub mod baseline;
pub mod changed;
pub mod cli;
pub mod config;
pub mod discover;
pub mod duration;
pub mod finding;
pub mod fingerprint;
pub mod fix;
pub mod frontend;
pub mod lint;
pub mod model;
pub mod names;
pub mod policy;
pub mod redact;
pub mod render;
pub mod resolve;
pub mod review;
pub mod rules;
pub mod select;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod syntax;
