//! `iamlint server` spoken to as an editor would: LSP over standard input and output.
//! Every wait has a deadline and the server is killed when a test ends, so a server that
//! hangs fails the test in seconds instead of stalling the run.

use crate::common::write;
use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufReader, Read};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// Long enough for a debug build linting a small repository on a busy machine.
const WAIT: Duration = Duration::from_secs(30);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Message>,
    stderr: Option<std::thread::JoinHandle<String>>,
    next_id: i32,
    /// The newest diagnostics published for each URI.
    pub diagnostics: BTreeMap<String, Vec<Value>>,
    /// Every message the server sent, as JSON text.
    pub transcript: Vec<String>,
}

impl Client {
    pub fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iamlint"))
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("iamlint server starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Ok(Some(message)) = Message::read(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let mut stderr = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let stdin = child.stdin.take().unwrap();
        let mut client = Client {
            child,
            stdin,
            incoming,
            stderr: Some(stderr),
            next_id: 0,
            diagnostics: BTreeMap::new(),
            transcript: Vec::new(),
        };
        let init = client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "capabilities": {}, "workspaceFolders": null}),
        );
        assert!(init["capabilities"]["codeActionProvider"].is_object(), "{init}");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Message) {
        message.write(&mut self.stdin).expect("the server reads its input");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(Notification::new(method.into(), params).into());
    }

    /// The next message, or a failed test once `deadline` passes.
    fn next(&mut self, deadline: Instant, waiting_for: &str) -> Message {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = self.incoming.recv_timeout(left).unwrap_or_else(|_| {
            let _ = self.child.kill();
            panic!("no {waiting_for} from the server within {WAIT:?}; diagnostics so far: {:#?}", self.diagnostics)
        });
        self.transcript.push(serde_json::to_string(&message).unwrap());
        if let Message::Notification(n) = &message {
            if n.method == "textDocument/publishDiagnostics" {
                let uri = n.params["uri"].as_str().unwrap().to_string();
                let list = n.params["diagnostics"].as_array().unwrap().clone();
                self.diagnostics.insert(uri, list);
            }
        }
        message
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Request::new(id.clone(), method.into(), params).into());
        let deadline = Instant::now() + WAIT;
        loop {
            if let Message::Response(r) = self.next(deadline, method) {
                if r.id == id {
                    return r.response_result.unwrap_or_else(|e| panic!("{method}: {e:?}"));
                }
            }
        }
    }

    /// Reads messages until the diagnostics of `uri` satisfy `done`; returns them.
    pub fn diagnostics_until(&mut self, uri: &str, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(list) = self.diagnostics.get(uri) {
                if done(list) {
                    return list.clone();
                }
            }
            self.next(deadline, what);
        }
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        let document = json!({"uri": uri, "languageId": "yaml", "version": 1, "text": text});
        self.notify("textDocument/didOpen", json!({"textDocument": document}));
    }

    pub fn change(&mut self, uri: &str, version: i32, text: &str) {
        let document = json!({"uri": uri, "version": version});
        self.notify("textDocument/didChange", json!({"textDocument": document, "contentChanges": [{"text": text}]}));
    }

    /// `shutdown`, then `exit`: the process ends with status 0; its standard error.
    pub fn shut_down(mut self) -> String {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "the server did not exit within {WAIT:?}");
            std::thread::sleep(Duration::from_millis(10));
        };
        let stderr = self.stderr.take().unwrap().join().unwrap();
        assert_eq!(status.code(), Some(0), "stderr: {stderr}");
        stderr
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn uri(path: &Path) -> String {
    let path = path.canonicalize().unwrap();
    format!("file://{}", path.to_str().unwrap().replace(' ', "%20"))
}

fn codes(list: &[Value]) -> Vec<&str> {
    list.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

/// Applies LSP text edits (UTF-16 positions) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let (line, character) = (p["line"].as_u64().unwrap() as usize, p["character"].as_u64().unwrap() as usize);
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= character || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap()))
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, new);
    }
    out
}

pub const ACCOUNTS: &str = "# Service accounts of the data platform.
serviceAccounts:
  - name: onboarding-bot
    description: Creates accounts for new hires
    groups: [bots]
    apiTokens:
      - name: nightly-sync
        description: The nightly HR sync
        maxAge: 30d
";

pub const ROLES: &str = "groups:
  - name: bots
    description: Automation accounts
roles:
  - name: group-viewer
    namespace: company
    description: Sees groups and their members
    permissions:
      GROUP: [VIEW, LIST]
bindings:
  - type: GROUP
    externalId: bots
    roleId: group-viewer
    namespace: company
";

const DEPLOYERS: &str = r#"resource "kestra_group" "deployers" {
  name        = "deployers"
  description = "CI deployers"
}

resource "kestra_service_account" "ci" {
  name        = "ci-deployer"
  description = "Deploys flows from CI"
  group {
    group_id = kestra_group.deployers.id
  }
}
"#;

/// A repository: manifests under iam/, Terraform for production under terraform/prod/.
pub fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    crate::common::git(dir.path(), &["init", "-q", "."]);
    write(dir.path(), "iam/accounts.yaml", ACCOUNTS);
    write(dir.path(), "iam/roles.yaml", ROLES);
    write(dir.path(), "terraform/prod/main.tf", DEPLOYERS);
    dir
}

#[test]
fn server_edits_move_cross_file_findings_and_code_actions_apply() {
    let dir = repository();
    let (accounts, roles) = (uri(&dir.path().join("iam/accounts.yaml")), uri(&dir.path().join("iam/roles.yaml")));
    let mut client = Client::start(dir.path());
    client.open(&accounts, ACCOUNTS);
    client.open(&roles, ROLES);
    let first = client.diagnostics_until(&accounts, "IAM204 in accounts.yaml", |d| codes(d).contains(&"IAM204"));
    assert!(!codes(&first).contains(&"IAM303"), "{first:#?}");
    let duration = &first[codes(&first).iter().position(|c| *c == "IAM204").unwrap()];
    // `        maxAge: 30d` on the ninth line: zero-based line 8, the value from column 16.
    assert_eq!(duration["range"], json!({"start": {"line": 8, "character": 16}, "end": {"line": 8, "character": 19}}));

    // The binding in roles.yaml now lets the group manage members: the account in the other
    // file, unsaved edits and all, can change IAM.
    let escalated = ROLES.replace("[VIEW, LIST]", "[VIEW, LIST, MANAGE_MEMBERS]");
    client.change(&roles, 2, &escalated);
    let after = client.diagnostics_until(&accounts, "IAM303 in accounts.yaml", |d| codes(d).contains(&"IAM303"));
    let finding = &after[codes(&after).iter().position(|c| *c == "IAM303").unwrap()];
    assert_eq!(finding["range"]["start"], json!({"line": 2, "character": 4}), "{finding}");
    assert!(finding["message"].as_str().unwrap().contains("MANAGE_MEMBERS"), "{finding}");
    let related = finding["relatedInformation"].as_array().expect("the chain of grants is linked");
    assert!(related.iter().any(|r| r["location"]["uri"] == roles), "{related:#?}");

    // The fix of IAM204, the suppression and the fix-all are offered; the fix applies.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": accounts}, "range": duration["range"], "context": {"diagnostics": [duration]}}),
    );
    let actions = actions.as_array().unwrap();
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    let fix = actions.iter().find(|a| a["title"].as_str().unwrap().starts_with("IAM204:")).expect("the fix");
    assert_eq!(fix["kind"], "quickfix", "{titles:?}");
    assert!(titles.iter().any(|t| t.starts_with("Suppress IAM204")), "{titles:?}");
    let fix_all = actions.iter().find(|a| a["kind"] == "source.fixAll.iamlint").expect("fix all");
    let suppress = actions.iter().find(|a| a["title"].as_str().unwrap().starts_with("Suppress IAM204")).unwrap();
    let suppressed = apply(ACCOUNTS, suppress["edit"]["changes"][&accounts].as_array().unwrap());
    assert!(suppressed.contains("\n        # iamlint-ignore: IAM204 -- reason\n        maxAge: 30d\n"), "{suppressed}");
    let fixed = apply(ACCOUNTS, fix["edit"]["changes"][&accounts].as_array().unwrap());
    assert_eq!(fixed, ACCOUNTS.replace("maxAge: 30d", "maxAge: P30D"));
    assert_eq!(apply(ACCOUNTS, fix_all["edit"]["changes"][&accounts].as_array().unwrap()), fixed);
    client.change(&accounts, 2, &fixed);
    let after_fix =
        client.diagnostics_until(&accounts, "IAM204 gone from accounts.yaml", |d| !codes(d).contains(&"IAM204"));
    assert!(codes(&after_fix).contains(&"IAM303"), "{after_fix:#?}");

    // Undoing the grant takes the finding away from the other file again.
    client.change(&roles, 3, ROLES);
    let calm = client.diagnostics_until(&accounts, "IAM303 gone from accounts.yaml", |d| !codes(d).contains(&"IAM303"));
    assert!(calm.iter().all(|d| d["code"] != "IAM303"));

    // The suppression, once written, silences the finding and counts as used.
    client.change(&accounts, 3, ACCOUNTS);
    client.diagnostics_until(&accounts, "IAM204 back", |d| codes(d).contains(&"IAM204"));
    client.change(&accounts, 4, &suppressed);
    let quiet = client.diagnostics_until(&accounts, "IAM204 suppressed", |d| !codes(d).contains(&"IAM204"));
    assert!(!codes(&quiet).contains(&"IAM900"), "{quiet:#?}");
    let stderr = client.shut_down();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn server_rereads_the_configuration_and_shows_a_broken_one_on_its_file() {
    let dir = repository();
    write(dir.path(), ".iamlint.yaml", "# Durations are migrated separately.\nignore: [IAM204]\n");
    let escalated = ROLES.replace("[VIEW, LIST]", "[VIEW, LIST, MANAGE_MEMBERS]");
    write(dir.path(), "iam/roles.yaml", &escalated);
    let accounts = uri(&dir.path().join("iam/accounts.yaml"));
    let config = uri(&dir.path().join(".iamlint.yaml"));
    let mut client = Client::start(dir.path());
    client.open(&accounts, ACCOUNTS);
    let first = client.diagnostics_until(&accounts, "IAM303", |d| codes(d).contains(&"IAM303"));
    assert!(!codes(&first).contains(&"IAM204"), "the configuration ignores IAM204: {first:#?}");

    // Saved broken: an error on the configuration file, and linting goes on with defaults.
    write(dir.path(), ".iamlint.yaml", "# Durations are migrated separately.\nignore: [IAM204]\nmax-token-age: soon\n");
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": config}}));
    let broken = client.diagnostics_until(&config, "an error on .iamlint.yaml", |d| !d.is_empty());
    assert_eq!(broken[0]["severity"], 1, "{broken:#?}");
    assert_eq!(broken[0]["range"]["start"]["line"], 2, "the line of the bad key: {broken:#?}");
    assert!(broken[0]["message"].as_str().unwrap().contains("max-token-age"), "{broken:#?}");
    client.diagnostics_until(&accounts, "IAM204 with the default configuration", |d| codes(d).contains(&"IAM204"));

    // Repaired outside the editor: the watched-file event applies it, the error goes away.
    write(dir.path(), ".iamlint.yaml", "ignore: [IAM303, IAM205]\n");
    let event = json!({"changes": [{"uri": config, "type": 2}]});
    client.notify("workspace/didChangeWatchedFiles", event);
    client.diagnostics_until(&config, "no error on .iamlint.yaml", |d| d.is_empty());
    let now = client.diagnostics_until(&accounts, "IAM303 ignored", |d| !codes(d).contains(&"IAM303"));
    assert_eq!(codes(&now), ["IAM204"], "{now:#?}");
    client.shut_down();
}

#[test]
fn server_hover_explains_rules_and_shows_access_and_definitions_follow_references() {
    let dir = repository();
    let escalated = ROLES.replace("[VIEW, LIST]", "[VIEW, LIST, MANAGE_MEMBERS]");
    write(dir.path(), "iam/roles.yaml", &escalated);
    let accounts = uri(&dir.path().join("iam/accounts.yaml"));
    let roles = uri(&dir.path().join("iam/roles.yaml"));
    let main_tf = uri(&dir.path().join("terraform/prod/main.tf"));
    let mut client = Client::start(dir.path());
    client.open(&accounts, ACCOUNTS);
    client.diagnostics_until(&accounts, "IAM303", |d| codes(d).contains(&"IAM303"));
    let at = |uri: &str, line: usize, character: usize| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    let text = |hover: &Value| hover["contents"]["value"].as_str().unwrap_or_default().to_string();

    // Over `30d`: IAM204's documentation.
    let on_duration = text(&client.request("textDocument/hover", at(&accounts, 8, 17)));
    assert!(on_duration.contains("IAM204") && on_duration.contains("## What it does"), "{on_duration}");
    // Over the account: its documentation (IAM303 is on its name) and its effective access.
    let on_account = text(&client.request("textDocument/hover", at(&accounts, 2, 14)));
    assert!(on_account.contains("IAM303"), "{on_account}");
    assert!(on_account.contains("effective permissions"), "{on_account}");
    assert!(on_account.contains("GROUP") && on_account.contains("MANAGE_MEMBERS"), "{on_account}");

    // `roleId: group-viewer` in a binding leads to the role; `kestra_group.deployers.id` to
    // the group resource.
    let line = escalated.lines().position(|l| l.contains("roleId")).unwrap();
    let role = client.request("textDocument/definition", at(&roles, line, 14));
    assert_eq!(role["uri"], roles, "{role}");
    assert_eq!(role["range"]["start"]["line"], 4, "the role's list item: {role}");
    let group = client.request("textDocument/definition", at(&main_tf, 9, 25));
    assert_eq!(group["uri"], main_tf, "{group}");
    assert_eq!(group["range"]["start"]["line"], 0, "the group's resource block: {group}");
    // Nothing to go to from a plain value.
    assert_eq!(client.request("textDocument/definition", at(&accounts, 3, 20)), Value::Null);
    client.shut_down();
}

#[test]
fn server_coalesces_a_burst_of_edits_into_few_lints() {
    let dir = repository();
    let (accounts, roles) = (uri(&dir.path().join("iam/accounts.yaml")), uri(&dir.path().join("iam/roles.yaml")));
    let escalated = ROLES.replace("[VIEW, LIST]", "[VIEW, LIST, MANAGE_MEMBERS]");
    let mut client = Client::start(dir.path());
    client.open(&accounts, ACCOUNTS);
    client.open(&roles, ROLES);
    client.diagnostics_until(&accounts, "IAM204", |d| codes(d).contains(&"IAM204"));
    let published = |client: &Client| {
        client.transcript.iter().filter(|m| m.contains("publishDiagnostics") && m.contains("accounts.yaml")).count()
    };
    let before = published(&client);
    // Forty keystrokes, each flipping the cross-file finding: linted one by one, each would
    // publish a change to accounts.yaml.
    for version in 2..42 {
        client.change(&roles, version, if version % 2 == 0 { &escalated } else { ROLES });
    }
    client.change(&roles, 42, &escalated);
    client.diagnostics_until(&accounts, "IAM303 after the burst", |d| codes(d).contains(&"IAM303"));
    // Wait out any lint still running, then count.
    std::thread::sleep(Duration::from_millis(500));
    client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": accounts}, "position": {"line": 0, "character": 0}}),
    );
    let lints = published(&client) - before;
    assert!(lints <= 3, "{lints} publications of accounts.yaml for one burst of edits");
    assert!(codes(&client.diagnostics[&accounts]).contains(&"IAM303"), "the last edit wins");
    client.shut_down();
}

#[test]
fn server_messages_never_show_a_credential() {
    const SECRET: &str = "X2ZG4ZQ9K5HRXP";
    let dir = repository();
    let manifest = format!(
        "serviceAccounts:\n  - name: Ci_Bot\n    Password: {SECRET}\n    apiTokens:\n      - name: Deploy_Token\n        maxAge: 30d\n"
    );
    write(dir.path(), "iam/bots.yaml", &manifest);
    let bots = uri(&dir.path().join("iam/bots.yaml"));
    let mut client = Client::start(dir.path());
    client.open(&bots, &manifest);
    let found = client.diagnostics_until(&bots, "IAM601", |d| codes(d).contains(&"IAM601"));
    for d in &found {
        let range = &d["range"];
        client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": bots}, "range": range, "context": {"diagnostics": [d]}}),
        );
        client.request("textDocument/hover", json!({"textDocument": {"uri": bots}, "position": range["start"]}));
    }
    // A buffer edited to hold the secret twice, and in a name.
    let edited = manifest.replace("Deploy_Token", &format!("Deploy_{SECRET}"));
    client.change(&bots, 2, &edited);
    client
        .diagnostics_until(&bots, "findings on the edited buffer", |d| d.len() != found.len() || d != found.as_slice());
    let everything = client.transcript.join("\n");
    let stderr = client.shut_down();
    for window in SECRET.as_bytes().windows(4) {
        let window = std::str::from_utf8(window).unwrap();
        assert!(
            !everything.contains(window),
            "`{window}` of the secret in a server message: {}",
            everything.lines().find(|l| l.contains(window)).unwrap_or_default()
        );
        assert!(!stderr.contains(window), "`{window}` on standard error");
    }
}

#[test]
fn server_applies_a_nested_configuration_to_its_folder_and_shows_a_broken_one_on_its_file() {
    let dir = repository();
    let team = ACCOUNTS.replace("onboarding-bot", "ETL_Bot").replace("nightly-sync", "etl-sync");
    write(dir.path(), "teams/data/accounts.yaml", &team);
    write(dir.path(), "teams/data/.iamlint.yaml", "# Durations are migrated separately here.\nignore: [IAM204]\n");
    let accounts = uri(&dir.path().join("iam/accounts.yaml"));
    let team_accounts = uri(&dir.path().join("teams/data/accounts.yaml"));
    let config = uri(&dir.path().join("teams/data/.iamlint.yaml"));
    let mut client = Client::start(dir.path());
    client.open(&accounts, ACCOUNTS);
    client.open(&team_accounts, &team);
    client.diagnostics_until(&accounts, "IAM204 outside the team folder", |d| codes(d).contains(&"IAM204"));
    let quiet = client.diagnostics_until(&team_accounts, "IAM101 in the team folder", |d| codes(d).contains(&"IAM101"));
    assert!(!codes(&quiet).contains(&"IAM204"), "{quiet:#?}");

    write(dir.path(), "teams/data/.iamlint.yaml", "# Durations are migrated separately here.\nignore: [IAM2O4]\n");
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": config}}));
    let broken = client.diagnostics_until(&config, "an error on the team's configuration", |d| !d.is_empty());
    assert!(broken[0]["message"].as_str().unwrap().contains("unknown rule `IAM2O4`"), "{broken:#?}");
    // Still linted, under the workspace's settings.
    client.diagnostics_until(&team_accounts, "IAM204 in the team folder", |d| codes(d).contains(&"IAM204"));
    client.shut_down();
}

/// A buffer for a file not yet on disk (a new file the editor has not saved) is linted as
/// that file of the workspace: its own findings, and what it does to the files around it.
/// One the configuration excludes, or in a hidden folder, is not.
#[test]
fn server_lints_a_new_unsaved_file_as_part_of_its_workspace() {
    let dir = repository();
    let d = dir.path();
    write(d, ".iamlint.yaml", "exclude: [\"vendor/**\"]\n");
    let accounts = uri(&d.join("iam/accounts.yaml"));
    write(d, "vendor/acme/README.md", "Vendored.\n");
    write(d, ".drafts/README.md", "Drafts.\n");
    // Not on disk: named from the folder the editor creates it in.
    let unsaved = |folder: &str, name: &str| format!("{}/{name}", uri(&d.join(folder)));
    let new = unsaved("iam", "new-team.yaml");
    let excluded = unsaved("vendor/acme", "new.yaml");
    let hidden = unsaved(".drafts", "new.yaml");
    let mut client = Client::start(d);
    client.open(&accounts, ACCOUNTS);
    client.diagnostics_until(&accounts, "IAM204 in accounts.yaml", |d| codes(d).contains(&"IAM204"));
    let text = "serviceAccounts:\n  - name: New_Bot\n    description: x\n    groups: [bots]\nroles:\n  - name: member-admin\n    description: x\n    permissions:\n      GROUP: [MANAGE_MEMBERS]\nbindings:\n  - type: GROUP\n    externalId: bots\n    roleId: member-admin\n    namespace: company\n";
    for u in [&excluded, &hidden] {
        client.open(u, text);
    }
    client.open(&new, text);
    let own = client.diagnostics_until(&new, "IAM101 in the new file", |d| codes(d).contains(&"IAM101"));
    assert!(!codes(&own).contains(&"IAM501"), "the group of the file on disk resolves: {own:#?}");
    // The binding it adds lets the account on disk manage the group's members.
    client.diagnostics_until(&accounts, "IAM303 in accounts.yaml", |d| codes(d).contains(&"IAM303"));
    for u in [&excluded, &hidden] {
        assert!(client.diagnostics.get(u).is_none_or(|d| d.is_empty()), "{u}: {:#?}", client.diagnostics.get(u));
    }
    assert!(!d.join("iam/new-team.yaml").exists(), "nothing is written");
    let stderr = client.shut_down();
    assert!(!stderr.contains("panicked"), "{stderr}");
}
