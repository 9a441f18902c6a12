//! Module calls past the instance allowance of a root module. Dropping them silently would
//! hide whatever a later call creates (a super admin), so every distinct call is still
//! lowered once, and each call whose instances were cut short is reported (IAM001: iamlint
//! could not read all of it).

use super::eval::{MAX_BLOCK_INSTANCES, MAX_MODULE_INSTANCES};
use crate::model::Problem;
use crate::rules::SYNTAX_ERROR;
use crate::source::{FileId, Span};
use std::collections::{BTreeMap, HashSet};

#[derive(Default)]
pub struct Fanout {
    /// The `module` blocks lowered at least once in this unit.
    lowered: HashSet<Span>,
    cut: BTreeMap<Span, Cut>,
}

/// What the limit took from one `module` block, over every instance of the module holding it.
struct Cut {
    name: String,
    /// Instances not lowered at all.
    skipped: usize,
    /// Its `for_each`/`count` was left unexpanded: its instances were lowered as one, with
    /// unknown keys.
    unexpanded: bool,
}

impl Fanout {
    /// Whether to lower an instance of the call at `header`: always within the allowance;
    /// past it, only when no instance of that call has been lowered yet.
    pub fn admit(&mut self, header: Span, name: &str, allowed: bool) -> bool {
        let first = self.lowered.insert(header);
        if !allowed && !first {
            self.cut(header, name).skipped += 1;
        }
        allowed || first
    }

    /// The call's `for_each`/`count` was not expanded because the allowance was spent.
    pub fn unexpanded(&mut self, header: Span, name: &str) {
        self.cut(header, name).unexpanded = true;
    }

    fn cut(&mut self, header: Span, name: &str) -> &mut Cut {
        self.cut.entry(header).or_insert_with(|| Cut { name: name.to_string(), skipped: 0, unexpanded: false })
    }

    /// One problem per cut call, at its `module` block.
    pub fn problems(self) -> Vec<(FileId, Problem)> {
        self.cut
            .into_iter()
            .map(|(span, cut)| {
                let mut lost = Vec::new();
                if cut.unexpanded {
                    lost.push("its instances were checked as one, with unknown keys".to_string());
                }
                if cut.skipped > 0 {
                    let were = if cut.skipped == 1 { "was" } else { "were" };
                    lost.push(format!("{} of its instances {were} not checked", cut.skipped));
                }
                let problem = Problem {
                    code: SYNTAX_ERROR.code,
                    span,
                    message: format!(
                        "module `{}` is not fully evaluated: past iamlint's limits of {MAX_BLOCK_INSTANCES} instances per \
                         block and {MAX_MODULE_INSTANCES} per root module, {}",
                        cut.name,
                        lost.join(", and ")
                    ),
                    help: Some(
                        "every call is still checked at least once; reduce the `for_each`/`count` fan-out or split \
                         the root module to have every instance checked"
                            .to_string(),
                    ),
                    labels: Vec::new(),
                    fix: None,
                };
                (span.file, problem)
            })
            .collect()
    }
}
