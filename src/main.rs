//! The `iamlint` command: the library (`iamlint::*`) driven by the command line in `cli`.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
