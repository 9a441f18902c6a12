//! The git plumbing iamlint runs: `rev-parse`, `ls-tree` and `cat-file`, never `diff` or
//! `show`. Porcelain output is shaped by the repository under review and by the user's git
//! settings: a committed `.gitattributes` (`*.tf binary`, `-diff`, a `filter` or `textconv`
//! driver) or `diff.noprefix`, `diff.mnemonicPrefix`, `diff.external`, `color.diff=always`
//! can each turn a diff into "Binary files differ" or into lines nothing parses, and hide a
//! pull request's own changes. Plumbing prints objects as stored, so iamlint reads a
//! revision's blobs raw and compares texts itself.
//!
//! Output is streamed: a revision's listing keeps only the paths asked for, and blobs come
//! one at a time, each within a size limit, so a large history costs no memory.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A git command in `dir`, its output in the form iamlint parses whatever the user's
/// configuration: paths unquoted, and no replacement objects (`refs/replace` could show
/// other blobs than the revision holds).
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(dir).args(["-c", "core.quotePath=false"]).args(args).env("GIT_NO_REPLACE_OBJECTS", "1");
    cmd
}

/// Runs git in `dir` and returns what it printed; the error is git's first line of
/// complaint.
pub fn run(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = command(dir, args).stdin(Stdio::null()).output().map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(err.lines().next().unwrap_or("git failed").trim().to_string());
    }
    Ok(out.stdout)
}

/// `run`, decoded leniently.
pub fn text(dir: &Path, args: &[&str]) -> Result<String, String> {
    run(dir, args).map(|out| String::from_utf8_lossy(&out).into_owned())
}

/// The top of the work tree holding `dir`, canonical.
pub fn toplevel(dir: &Path) -> Result<PathBuf, String> {
    let top = text(dir, &["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(top.trim_end_matches(['\n', '\r']));
    Ok(top.canonicalize().unwrap_or(top))
}

/// The commit `reference` names, as a full object id.
pub fn commit(top: &Path, reference: &str) -> Result<String, String> {
    // Never an option, whatever it looks like.
    if reference.starts_with('-') {
        return Err(format!("`{reference}` is not a commit"));
    }
    let oid = text(top, &["rev-parse", "--verify", "--quiet", &format!("{reference}^{{commit}}")])?;
    Ok(oid.trim().to_string())
}

/// Whether the repository is a shallow clone (`actions/checkout` fetches one commit by
/// default): a reference older than its history, or a branch never fetched, is missing.
pub fn is_shallow(top: &Path) -> bool {
    text(top, &["rev-parse", "--is-shallow-repository"]).is_ok_and(|t| t.trim() == "true")
}

/// What to say after "`REF` is not a commit": in a shallow clone, how to fetch the history.
pub fn missing_history_hint(top: &Path) -> &'static str {
    if is_shallow(top) {
        "; this is a shallow clone, which may not hold it: fetch more history (`git fetch --unshallow`, or `git fetch --deepen=50` and the branch, e.g. `git fetch origin main`; in GitHub Actions, `actions/checkout` with `fetch-depth: 0`)"
    } else {
        ""
    }
}

/// A file of a revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub mode: String,
    pub oid: String,
    /// The blob's size in bytes (`None` for a submodule).
    pub size: Option<u64>,
}

impl Entry {
    /// A regular file (not a symbolic link, whose blob is its target's name, nor a
    /// submodule).
    pub fn is_file(&self) -> bool {
        self.mode.starts_with("100") && self.size.is_some()
    }
}

/// A path in the repository as git spells it: bytes, `/` between folders.
pub fn repository_path(relative: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        relative.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        relative.to_string_lossy().replace('\\', "/").into_bytes()
    }
}

/// The files of `commit` whose repository path `keep` accepts, by path. The listing is
/// read as it streams, so a repository of a million files costs only what is kept.
pub fn tree(top: &Path, commit: &str, keep: impl Fn(&[u8]) -> bool) -> Result<HashMap<Vec<u8>, Entry>, String> {
    let mut child = spawn(top, &["ls-tree", "-r", "-z", "-l", "--full-tree", commit], Stdio::null())?;
    let mut out = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut entries = HashMap::new();
    let mut record = Vec::new();
    loop {
        record.clear();
        if out.read_until(0, &mut record).map_err(|e| format!("git ls-tree: {e}"))? == 0 {
            break;
        }
        let record = record.strip_suffix(&[0]).unwrap_or(&record);
        // `<mode> <type> <oid> <size>\t<path>`: the path is the only part that may hold spaces.
        let Some(tab) = record.iter().position(|b| *b == b'\t') else { continue };
        let path = &record[tab + 1..];
        if !keep(path) {
            continue;
        }
        let meta = String::from_utf8_lossy(&record[..tab]);
        let mut fields = meta.split_whitespace();
        let (Some(mode), Some(_kind), Some(oid), Some(size)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let entry = Entry { mode: mode.to_string(), oid: oid.to_string(), size: size.parse().ok() };
        entries.insert(path.to_vec(), entry);
    }
    finish(child, "ls-tree")?;
    Ok(entries)
}

/// Hands the blobs `oids` to `each`, in order, one at a time, through one `git cat-file
/// --batch`. A blob larger than `limit` (whatever the listing said) is skipped unread and
/// handed over as `None`.
pub fn blobs(
    top: &Path,
    oids: &[&str],
    limit: u64,
    mut each: impl FnMut(usize, Option<Vec<u8>>) -> Result<(), String>,
) -> Result<(), String> {
    if oids.is_empty() {
        return Ok(());
    }
    let mut child = spawn(top, &["cat-file", "--batch"], Stdio::piped())?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let request: String = oids.iter().map(|o| format!("{o}\n")).collect();
    // Written from a thread: git answers while we still send, and a full pipe would block both.
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let out = BufReader::new(child.stdout.take().expect("piped stdout"));
    let read = read_batch(out, oids.len(), limit, &mut each);
    let _ = writer.join();
    if read.is_err() {
        // Stopped early: git may still be writing.
        let _ = child.kill();
        let _ = child.wait();
        return read;
    }
    finish(child, "cat-file")
}

/// Reads `count` answers of `git cat-file --batch`: a header line `<oid> <type> <size>`,
/// the bytes, a newline.
fn read_batch(
    mut out: impl BufRead,
    count: usize,
    limit: u64,
    each: &mut impl FnMut(usize, Option<Vec<u8>>) -> Result<(), String>,
) -> Result<(), String> {
    let truncated = || "git cat-file: truncated answer".to_string();
    for i in 0..count {
        let mut header = Vec::new();
        out.read_until(b'\n', &mut header).map_err(|e| format!("git cat-file: {e}"))?;
        let header = String::from_utf8_lossy(&header);
        let size: u64 = header
            .trim_end()
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("git cat-file: unexpected answer `{}`", header.trim_end()))?;
        let blob = if size > limit {
            std::io::copy(&mut (&mut out).take(size), &mut std::io::sink())
                .map_err(|e| format!("git cat-file: {e}"))?;
            None
        } else {
            let mut bytes = vec![0; size as usize];
            out.read_exact(&mut bytes).map_err(|_| truncated())?;
            Some(bytes)
        };
        let mut newline = [0u8];
        out.read_exact(&mut newline).map_err(|_| truncated())?;
        each(i, blob)?;
    }
    Ok(())
}

fn spawn(top: &Path, args: &[&str], stdin: Stdio) -> Result<Child, String> {
    command(top, args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))
}

fn finish(mut child: Child, what: &str) -> Result<(), String> {
    match child.wait() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("git {what} failed ({status})")),
        Err(e) => Err(format!("git {what}: {e}")),
    }
}
