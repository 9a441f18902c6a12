//! Which call a finding inside a child module comes from. A module several roots (or one
//! root several times) call is evaluated once per call, so a finding at the module's text
//! may hold for one caller only (a name the call passes) or for all (a literal the module
//! writes): each finding is labelled with the `module` block of the root that made the
//! instance, and findings that repeat at one span merge into one with every call labelled.

use crate::finding::{Finding, Label};
use crate::model::*;
use crate::source::{FileId, Span};
use std::collections::{HashMap, HashSet};

type Call<'w> = (Span, &'w str);

/// The instances of one block of a child module: the first few calls, and every call.
#[derive(Default)]
struct Block<'w> {
    calls: Vec<Call<'w>>,
    all: HashSet<Call<'w>>,
}

fn add<'w>(calls: &mut Vec<Call<'w>>, call: Call<'w>) {
    if calls.len() < MAX_CALLS && !calls.contains(&call) {
        calls.push(call);
    }
}

/// Adds to each finding inside a child module the call (or calls) its instance comes from.
pub fn label(ws: &Workspace, findings: &mut [Finding]) {
    Calls::new(ws).label(findings);
}

/// The calls that made a workspace's objects: built once, for every scope's findings.
pub struct Calls<'w> {
    /// A module called ten thousand times has ten thousand instances of each block: they
    /// are grouped by block once, so that a finding costs a lookup, not a scan of them all.
    blocks: HashMap<FileId, HashMap<Span, Block<'w>>>,
    /// The calls that made the objects of each name and address (messages name objects
    /// so), wherever the object is: a token's finding names its owner too.
    by_name: HashMap<&'w str, Vec<Call<'w>>>,
}

impl<'w> Calls<'w> {
    pub fn new(ws: &'w Workspace) -> Self {
        let mut blocks: HashMap<FileId, HashMap<Span, Block<'_>>> = HashMap::new();
        let mut by_name: HashMap<&str, Vec<Call<'_>>> = HashMap::new();
        let objects = ws
            .service_accounts
            .iter()
            .map(|x| (&x.origin, known_str(&x.name)))
            .chain(ws.users.iter().map(|x| (&x.origin, known_str(&x.name))))
            .chain(ws.groups.iter().map(|x| (&x.origin, known_str(&x.name))))
            .chain(ws.roles.iter().map(|x| (&x.origin, known_str(&x.name))))
            .chain(ws.tokens.iter().map(|x| (&x.origin, known_str(&x.name))))
            .chain(ws.bindings.iter().map(|x| (&x.origin, None)))
            .chain(ws.memberships.iter().map(|x| (&x.origin, None)))
            .chain(ws.outputs.iter().map(|x| (&x.origin, None)));
        for (origin, name) in objects {
            let Some((span, instance)) = &origin.call else { continue };
            let call = (*span, instance.as_ref());
            let block = blocks.entry(origin.extent.file).or_default().entry(origin.extent).or_default();
            add(&mut block.calls, call);
            block.all.insert(call);
            for key in std::iter::once(origin.address.as_str()).chain(name) {
                let calls = by_name.entry(key).or_default();
                if calls.len() < MAX_NAMED && !calls.contains(&call) {
                    calls.push(call);
                }
            }
        }
        Calls { blocks, by_name }
    }

    /// Adds to each finding inside a child module the call (or calls) its instance comes
    /// from.
    pub fn label(&self, findings: &mut [Finding]) {
        let Calls { blocks, by_name } = self;
        if blocks.is_empty() {
            return;
        }
        for f in findings.iter_mut() {
            let Some(in_file) = blocks.get(&f.span.file) else { continue };
            let named: Vec<&str> = f.message.split('`').skip(1).step_by(2).collect();
            let mut calls: Vec<Call<'_>> = Vec::new();
            let mut within: Vec<&Block<'_>> =
                in_file.iter().filter(|(e, _)| e.contains(f.span)).map(|(_, b)| b).collect();
            within.sort_by_key(|b| b.calls.first().copied());
            // Of several instances, those the finding names (by name or address) made it; of
            // several names, the one fewest calls share (a token `deploy` every call makes, its
            // owner `payments-deployer` one call makes).
            let made = |call: &Call<'_>| within.iter().any(|b| b.all.contains(call));
            for name in &named {
                let Some(named_calls) = by_name.get(name) else { continue };
                let candidates: Vec<Call<'_>> = named_calls.iter().copied().filter(made).collect();
                if !candidates.is_empty() && (calls.is_empty() || candidates.len() < calls.len()) {
                    calls = candidates;
                }
            }
            calls.truncate(MAX_CALLS);
            if calls.is_empty() {
                for call in within.iter().flat_map(|b| &b.calls) {
                    add(&mut calls, *call);
                }
            }
            calls.sort();
            for (span, instance) in calls {
                let label = Label { span, message: format!("in `{instance}`, called here") };
                if !f.labels.contains(&label) {
                    f.labels.push(label);
                }
            }
        }
    }
}

/// Calls named on one finding: a module called for a hundred keys names a few.
const MAX_CALLS: usize = 5;

/// Calls kept for one name: a name more calls share than this says little of which one.
const MAX_NAMED: usize = 64;
