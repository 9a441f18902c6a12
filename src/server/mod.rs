//! `iamlint server`: the Language Server Protocol over standard input and output
//! (docs/editors.md). The protocol is lsp-server's and lsp-types', as in rust-analyzer.
//!
//! The main thread reads messages and keeps the open buffers; one worker thread lints.
//! Every buffer change replaces the pending lint instead of queueing another, the worker
//! waits `DEBOUNCE` before taking it, and a result that a newer change has made stale is
//! not published. Each lint is of the whole workspace, with the buffers over the files on
//! disk, so a binding edited in one file moves findings in another; only files whose
//! diagnostics changed are published, an empty list where they went away.

mod actions;
mod analysis;
mod convert;
mod navigate;

use crate::lint;
use analysis::Analysis;
use crossbeam_channel::Sender;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability, Diagnostic,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, GotoDefinitionParams,
    HoverParams, HoverProviderCapability, InitializeParams, OneOf, PublishDiagnosticsParams, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// How long the worker lets edits gather before it lints: keystrokes come tens of
/// milliseconds apart, and one lint covers them all.
const DEBOUNCE: Duration = Duration::from_millis(75);

/// Serves the editor on standard input and output until it says `exit`.
pub fn stdio() -> Result<(), String> {
    let (connection, threads) = Connection::stdio();
    serve(connection)?;
    threads.join().map_err(|e| format!("the editor connection failed: {e}"))
}

/// Serves one client over `connection` until `shutdown` and `exit` (Ok), or until the
/// client goes away or exits without `shutdown` (an error, as the protocol asks).
pub fn serve(connection: Connection) -> Result<(), String> {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::FULL),
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::from(actions::FIX_ALL)]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    };
    let capabilities = serde_json::to_value(capabilities).map_err(|e| e.to_string())?;
    let params = connection.initialize(capabilities).map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
    let root = root_of(&params);
    if watch_supported(&params) {
        register_watchers(&connection.sender);
    }
    let shared = Arc::new(Shared::default());
    let worker = {
        let (shared, sender, root) = (shared.clone(), connection.sender.clone(), root.clone());
        std::thread::Builder::new()
            .name("iamlint-lint".into())
            .spawn(move || work(&root, &shared, &sender))
            .map_err(|e| format!("cannot start the lint thread: {e}"))?
    };
    let mut server = Server { docs: BTreeMap::new(), shared: shared.clone() };
    server.schedule();
    let result = server.run(&connection);
    lock(&shared.queue).stop = true;
    shared.wake.notify_all();
    let _ = worker.join();
    result
}

/// The workspace folder: the first the client names, else its root URI, else the
/// current directory. Canonical, so that the paths discovery gives match the buffers'.
fn root_of(params: &InitializeParams) -> PathBuf {
    #[allow(deprecated)] // Older clients send only `rootUri`.
    let uri = params.workspace_folders.as_ref().and_then(|f| f.first()).map(|f| &f.uri).or(params.root_uri.as_ref());
    let root = uri.and_then(convert::path).unwrap_or_else(|| std::env::current_dir().unwrap_or_default());
    root.canonicalize().unwrap_or(root)
}

fn watch_supported(params: &InitializeParams) -> bool {
    let watched = params.capabilities.workspace.as_ref().and_then(|w| w.did_change_watched_files.as_ref());
    watched.and_then(|w| w.dynamic_registration).unwrap_or(false)
}

/// Asks the client to report changes to the configuration, policies and linted files made
/// outside the editor (a `git checkout`, a generator): each then starts a lint.
fn register_watchers(sender: &Sender<Message>) {
    let globs = ["**/.iamlint.yaml", "**/.iamlint.yml", "**/*.{tf,tfvars,json,yaml,yml}"];
    let watchers: Vec<lsp_types::FileSystemWatcher> = globs
        .iter()
        .map(|g| lsp_types::FileSystemWatcher {
            glob_pattern: lsp_types::GlobPattern::String(g.to_string()),
            kind: None,
        })
        .collect();
    let options = lsp_types::DidChangeWatchedFilesRegistrationOptions { watchers };
    let registration = lsp_types::Registration {
        id: "iamlint-watch".into(),
        method: note::DidChangeWatchedFiles::METHOD.into(),
        register_options: serde_json::to_value(options).ok(),
    };
    let params = lsp_types::RegistrationParams { registrations: vec![registration] };
    let request =
        Request::new(RequestId::from("iamlint-watch".to_string()), req::RegisterCapability::METHOD.into(), params);
    let _ = sender.send(request.into());
}

/// What the main thread and the lint worker share.
#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    /// The newest finished lint, for code actions, hover and definitions.
    latest: Mutex<Option<Arc<Analysis>>>,
}

#[derive(Default)]
struct Queue {
    /// The buffers of the newest state not linted yet; a newer state replaces it.
    pending: Option<Arc<lint::Overlay>>,
    /// Counts states: a lint whose state is no longer the newest is stale.
    generation: u64,
    stop: bool,
}

/// A poisoned lock means a panic elsewhere: the data (buffers, a finished lint) is still
/// whole, so serving goes on.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn work(root: &Path, shared: &Shared, sender: &Sender<Message>) {
    let mut published: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
    loop {
        {
            let mut q = lock(&shared.queue);
            while q.pending.is_none() && !q.stop {
                q = shared.wake.wait(q).unwrap_or_else(|e| e.into_inner());
            }
            if q.stop {
                return;
            }
        }
        std::thread::sleep(DEBOUNCE);
        let (overlay, generation) = {
            let mut q = lock(&shared.queue);
            match q.pending.take() {
                Some(o) if !q.stop => (o, q.generation),
                _ => return,
            }
        };
        let analysis = Arc::new(analysis::run(root, overlay));
        let previous = lock(&shared.latest).replace(analysis.clone());
        // Freeing a large workspace object by object takes as long as a good part of a
        // lint: not on the way to this lint's diagnostics.
        let _ = std::thread::Builder::new().name("iamlint-free".into()).spawn(move || drop(previous));
        if lock(&shared.queue).generation != generation {
            continue;
        }
        publish(sender, &mut published, &analysis);
    }
}

/// Sends the diagnostics of every file whose list changed, an empty list where it is gone.
fn publish(sender: &Sender<Message>, published: &mut BTreeMap<PathBuf, Vec<Diagnostic>>, a: &Analysis) {
    let next = a.diagnostics();
    let send = |path: &Path, diagnostics: Vec<Diagnostic>| {
        let params = PublishDiagnosticsParams { uri: convert::uri(path), diagnostics, version: None };
        let _ = sender.send(Notification::new(note::PublishDiagnostics::METHOD.into(), params).into());
    };
    for path in published.keys().filter(|p| !next.contains_key(*p)) {
        send(path, Vec::new());
    }
    for (path, diagnostics) in &next {
        if published.get(path) != Some(diagnostics) {
            send(path, diagnostics.clone());
        }
    }
    *published = next;
}

struct Server {
    /// The open buffers, by canonical path.
    docs: BTreeMap<PathBuf, Arc<str>>,
    shared: Arc<Shared>,
}

impl Server {
    fn run(&mut self, connection: &Connection) -> Result<(), String> {
        for message in &connection.receiver {
            match message {
                Message::Request(request) => {
                    if connection.handle_shutdown(&request).map_err(|e| e.to_string())? {
                        return Ok(());
                    }
                    let response = self.answer(request);
                    connection.sender.send(response.into()).map_err(|e| e.to_string())?;
                }
                Message::Notification(n) if n.method == note::Exit::METHOD => {
                    return Err("the editor sent `exit` before `shutdown`".into());
                }
                Message::Notification(n) => self.notified(n),
                Message::Response(_) => {}
            }
        }
        Err("the editor closed the connection without `shutdown`".into())
    }

    /// Lints the current buffers, replacing any lint still waiting.
    fn schedule(&self) {
        let overlay: lint::Overlay = self.docs.clone().into_iter().collect();
        let mut q = lock(&self.shared.queue);
        q.pending = Some(Arc::new(overlay));
        q.generation += 1;
        drop(q);
        self.shared.wake.notify_all();
    }

    fn notified(&mut self, n: Notification) {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    if let Some(path) = convert::path(&p.text_document.uri) {
                        self.docs.insert(path, Arc::from(p.text_document.text));
                        self.schedule();
                    }
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) {
                    if let Some(path) = convert::path(&p.text_document.uri) {
                        let mut text = self.docs.get(&path).map_or_else(String::new, |t| t.to_string());
                        for change in p.content_changes {
                            text = apply_change(&text, change);
                        }
                        self.docs.insert(path, Arc::from(text));
                        self.schedule();
                    }
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) {
                    if let Some(path) = convert::path(&p.text_document.uri) {
                        self.docs.remove(&path);
                        self.schedule();
                    }
                }
            }
            // The configuration and policies are read from disk at every lint: a save, or
            // a change made outside the editor, applies them.
            note::DidSaveTextDocument::METHOD | note::DidChangeWatchedFiles::METHOD => self.schedule(),
            _ => {}
        }
    }

    fn answer(&self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            req::CodeActionRequest::METHOD => self.code_actions(request.params),
            req::HoverRequest::METHOD => self.hover(request.params),
            req::GotoDefinition::METHOD => self.definition(request.params),
            _ => {
                return Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("iamlint does not answer `{}`", crate::render::escape::line(&request.method)),
                )
            }
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(message) => Response::new_err(id, lsp_server::ErrorCode::InvalidParams as i32, message),
        }
    }

    /// The newest lint and the file `uri` in it, when it was linted with the text the
    /// editor now has.
    fn linted(&self, uri: &Uri) -> Option<(Arc<Analysis>, crate::source::FileId)> {
        let path = convert::path(uri)?;
        let analysis = lock(&self.shared.latest).clone()?;
        let id = analysis.file_as(&path, self.docs.get(&path).map(|t| &**t))?;
        Some((analysis, id))
    }

    fn code_actions(&self, params: serde_json::Value) -> Result<serde_json::Value, String> {
        let p: CodeActionParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
        let actions = match self.linted(&p.text_document.uri) {
            Some((a, id)) => actions::actions(&a, id, p.range, p.context.only.as_deref()),
            None => Vec::new(),
        };
        serde_json::to_value(actions).map_err(|e| e.to_string())
    }

    fn hover(&self, params: serde_json::Value) -> Result<serde_json::Value, String> {
        let p: HoverParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
        let at = &p.text_document_position_params;
        let hover = self.linted(&at.text_document.uri).and_then(|(a, id)| {
            let offset = convert::offset(a.ws.sources.get(id), at.position);
            navigate::hover(&a, id, offset)
        });
        serde_json::to_value(hover).map_err(|e| e.to_string())
    }

    fn definition(&self, params: serde_json::Value) -> Result<serde_json::Value, String> {
        let p: GotoDefinitionParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
        let at = &p.text_document_position_params;
        let location = self.linted(&at.text_document.uri).and_then(|(a, id)| {
            let offset = convert::offset(a.ws.sources.get(id), at.position);
            navigate::definition(&a, id, offset)
        });
        serde_json::to_value(location.map(lsp_types::GotoDefinitionResponse::Scalar)).map_err(|e| e.to_string())
    }
}

/// A buffer after one change: the whole text, or a range of it replaced.
fn apply_change(text: &str, change: lsp_types::TextDocumentContentChangeEvent) -> String {
    let Some(range) = change.range else { return change.text };
    let file = crate::source::SourceFile::new(String::new(), PathBuf::new(), Arc::from(text), false);
    let (start, end) = (convert::offset(&file, range.start), convert::offset(&file, range.end));
    let (start, end) = (start.min(end), end.max(start));
    format!("{}{}{}", &text[..start], change.text, &text[end..])
}
