//! The workspace model: every IAM object from every file, Terraform and manifests alike.
//! Rules see only this model, so one rule covers every input format.

use crate::source::{FileId, Snippet, SourceMap, Span};
use std::sync::Arc;

/// A value as far as iamlint can know it. `Unknown` is an expression it cannot evaluate
/// (a variable without a default, a function of one): rules never report on it.
#[derive(Clone, Debug, PartialEq)]
pub enum Val<T> {
    Known(T),
    Null,
    Unknown,
}

/// A field as written: its value, where the value is written, and where its key is.
#[derive(Clone, Debug, PartialEq)]
pub struct Field<T> {
    pub val: Val<T>,
    pub span: Span,
    pub key: Span,
}

impl<T> Field<T> {
    pub fn known(&self) -> Option<&T> {
        match &self.val {
            Val::Known(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.val, Val::Unknown)
    }
}

pub type Text = Field<String>;

pub fn known_str(field: &Option<Text>) -> Option<&str> {
    field.as_ref().and_then(|f| f.known()).map(String::as_str)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Terraform,
    Manifest,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    ServiceAccount,
    User,
    Group,
    Role,
    Binding,
    Token,
    Membership,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::ServiceAccount => "service account",
            Kind::User => "user",
            Kind::Group => "group",
            Kind::Role => "role",
            Kind::Binding => "binding",
            Kind::Token => "API token",
            Kind::Membership => "group membership",
        }
    }
}

/// How a Terraform resource finds its tenant; resolved once every provider block is known.
#[derive(Clone, Debug, PartialEq)]
pub enum TenantSource {
    Literal(String),
    Provider(Option<String>),
    Unknown,
}

/// Where an object comes from.
#[derive(Clone, Debug)]
pub struct Origin {
    /// The line an object starts on: a `resource` header, a YAML list item, a JSON `{`.
    pub span: Span,
    /// The whole object, for suppressions that cover it.
    pub extent: Span,
    /// `kestra_service_account.ci`, `kestra_group.g["x"]`, or `serviceAccounts[2]`.
    pub address: String,
    pub format: Format,
    pub tenant_source: TenantSource,
    /// Filled in by resolution.
    pub tenant: String,
    /// The deployment (2.1) it belongs to, by name; None for a manifest the configuration
    /// assigns to none: it belongs to every deployment.
    pub deployment: Option<Arc<str>>,
    /// The root module whose state holds it (its folder as shown): Terraform addresses are
    /// unique per root, whichever folder of it (a child module's) writes the resource.
    pub root: Option<Arc<str>>,
    /// For an object of a child module's instance: the root module's `module` block whose
    /// call made it (a chain of calls starts there), and the instance (`module.bots["ci"]`).
    pub call: Option<(Span, Arc<str>)>,
}

impl Origin {
    /// Whether `self` and `other` can see each other: the same deployment, or one of them
    /// in every deployment.
    pub fn shares_deployment(&self, other: &Origin) -> bool {
        match (&self.deployment, &other.deployment) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }
}

/// What a reference names before resolution.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A Terraform resource address such as `kestra_group.bots` or `kestra_group.g["x"]`.
    Address(String),
    /// A name or id written as a literal, resolvable against names in the workspace.
    Name(String),
    /// A generated Kestra id or a data source: managed elsewhere, never unknown.
    External(String),
    /// An expression iamlint cannot evaluate.
    Unknown,
    /// A containment that needs no lookup (a token nested under its service account).
    Direct(ObjectRef),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectRef {
    ServiceAccount(usize),
    User(usize),
    Group(usize),
    Role(usize),
}

#[derive(Clone, Debug)]
pub struct Reference {
    pub target: Target,
    pub span: Span,
    pub resolved: Option<ObjectRef>,
}

impl Reference {
    pub fn direct(object: ObjectRef, span: Span) -> Self {
        Reference { target: Target::Direct(object), span, resolved: Some(object) }
    }

    pub fn new(target: Target, span: Span) -> Self {
        Reference { target, span, resolved: None }
    }
}

#[derive(Clone, Debug)]
pub struct ServiceAccount {
    pub origin: Origin,
    pub id: Option<Text>,
    pub name: Option<Text>,
    pub description: Option<Text>,
    pub super_admin: Option<Field<bool>>,
    pub groups: Vec<Reference>,
    /// False when some group membership is written as an expression iamlint cannot evaluate.
    pub groups_known: bool,
    /// Keys that belong to people, not bots (email, first/last name, password).
    pub personal_info: Vec<PersonalField>,
}

#[derive(Clone, Debug)]
pub struct PersonalField {
    pub key: String,
    /// The whole `key: value` entry, so that a fix can remove it.
    pub entry: Span,
    pub key_span: Span,
}

#[derive(Clone, Debug)]
pub struct User {
    pub origin: Origin,
    pub id: Option<Text>,
    /// `username` in Terraform, `username` or `email` in manifests.
    pub name: Option<Text>,
    pub email: Option<Text>,
    pub description: Option<Text>,
    pub super_admin: Option<Field<bool>>,
    pub groups: Vec<Reference>,
    pub groups_known: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerKind {
    ServiceAccount,
    User,
}

#[derive(Clone, Debug)]
pub struct ApiToken {
    pub origin: Origin,
    pub owner_kind: OwnerKind,
    pub owner: Reference,
    pub name: Option<Text>,
    pub description: Option<Text>,
    pub max_age: Option<Text>,
    pub extended: Option<Field<bool>>,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub origin: Origin,
    pub id: Option<Text>,
    pub name: Option<Text>,
    pub description: Option<Text>,
    pub namespace: Option<Text>,
}

/// How a role wrote its permissions: the legacy Terraform `permissions {}` blocks, the
/// Kestra 2.0 `resources {}` blocks, or a manifest's `type: [actions]` map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PermissionStyle {
    LegacyBlocks,
    ResourceBlocks,
    Map,
}

#[derive(Clone, Debug)]
pub struct Grant {
    pub resource_type: Text,
    pub actions: Vec<Text>,
    /// The key of the action list (`permissions`/`actions`), where one is written.
    pub actions_key: Option<Span>,
    /// The block or map entry that holds this grant.
    pub span: Span,
    pub style: PermissionStyle,
}

#[derive(Clone, Debug)]
pub struct Role {
    pub origin: Origin,
    pub id: Option<Text>,
    pub name: Option<Text>,
    pub description: Option<Text>,
    pub namespace: Option<Text>,
    pub grants: Vec<Grant>,
    /// False when a grant list is an expression iamlint cannot evaluate.
    pub grants_known: bool,
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub origin: Origin,
    /// `GROUP` or `USER` (a service account is a user for bindings).
    pub principal_type: Option<Text>,
    pub principal: Reference,
    pub role: Reference,
    pub namespace: Option<Text>,
}

#[derive(Clone, Debug)]
pub struct Membership {
    pub origin: Origin,
    pub user: Reference,
    pub group: Reference,
}

#[derive(Clone, Debug)]
pub struct Provider {
    pub alias: Option<String>,
    pub tenant: Option<Text>,
    pub span: Span,
    /// The root module it configures (see `Origin::root`).
    pub root: Option<Arc<str>>,
}

/// A `version` constraint on the kestra provider in `terraform { required_providers {} }`.
#[derive(Clone, Debug)]
pub struct ProviderPin {
    pub constraint: String,
    pub span: Span,
}

/// What a committed credential is (IAM601).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    ApiToken,
    Password,
    Jwt,
    /// A value under a `secret` key: what it unlocks is not said, that it is one is.
    Secret,
}

impl CredentialKind {
    pub fn noun(self) -> &'static str {
        match self {
            CredentialKind::ApiToken => "API token",
            CredentialKind::Password => "password",
            CredentialKind::Jwt => "JWT",
            CredentialKind::Secret => "secret",
        }
    }
}

/// A credential written as a literal (IAM601). The value itself never enters the model:
/// only its span (starred out of every output) and its fingerprint (`sha256:1a2b3c4d`).
#[derive(Clone, Debug)]
pub struct Credential {
    pub span: Span,
    pub kind: CredentialKind,
    /// Where it is used, for the message: "`api_token` of provider \"kestra\"".
    pub context: String,
    pub fingerprint: String,
    /// The block that uses the value when it is written elsewhere (a variable default, a
    /// tfvars file), so the finding can point at both.
    pub used_by: Option<(Span, String)>,
}

/// A Terraform `output` that exposes an API token resource (IAM602).
#[derive(Clone, Debug)]
pub struct Output {
    /// Address `output.NAME`; the span is the `output "NAME" {` line.
    pub origin: Origin,
    pub sensitive: Option<Field<bool>>,
    /// The whole `value = ...` attribute: a new `sensitive = true` goes on the line after
    /// its last line.
    pub value: Option<Span>,
    /// Token resources the value reaches (directly or through locals).
    pub tokens: Vec<TokenExposure>,
}

#[derive(Clone, Debug)]
pub struct TokenExposure {
    pub address: String,
    pub span: Span,
    /// Read through a child module's output: its `output` line, name, and `sensitive`.
    pub via: Option<(Span, String, bool)>,
}

/// A problem found while reading a file, reported by the rule named by `code`.
#[derive(Clone, Debug)]
pub struct Problem {
    pub code: &'static str,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// Other places that explain it (the later of two duplicate keys).
    pub labels: Vec<crate::finding::Label>,
    /// A fix the front end is sure of (a key spelled with another case or separator).
    pub fix: Option<Box<crate::finding::Fix>>,
}

/// Everything one file contributes; files are parsed in parallel and merged in path order.
#[derive(Debug, Default)]
pub struct FileModel {
    pub service_accounts: Vec<ServiceAccount>,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub roles: Vec<Role>,
    pub bindings: Vec<Binding>,
    pub tokens: Vec<ApiToken>,
    pub memberships: Vec<Membership>,
    pub providers: Vec<Provider>,
    pub provider_pins: Vec<ProviderPin>,
    pub problems: Vec<Problem>,
    /// Spans of literal credentials, redacted from every output (they may lie in another
    /// file than the objects: a tfvars value used by a provider block).
    pub secrets: Vec<Span>,
    pub credentials: Vec<Credential>,
    pub outputs: Vec<Output>,
    /// Spans of expressions whose value iamlint computed (a template, a function call, a
    /// generated plan): a fix must never overwrite them with a literal.
    pub computed: Vec<Span>,
    /// A child module's templates placed at the call argument they interpolate: (the
    /// argument's span, the template's).
    pub templates: Vec<(Span, Span)>,
    /// What the file was read as (set by the front ends of single files).
    pub reading: crate::source::Reading,
}

impl FileModel {
    /// Adds another model of the same file (an instance of its module called once more).
    pub fn append(&mut self, mut other: FileModel) {
        self.service_accounts.append(&mut other.service_accounts);
        self.users.append(&mut other.users);
        self.groups.append(&mut other.groups);
        self.roles.append(&mut other.roles);
        self.bindings.append(&mut other.bindings);
        self.tokens.append(&mut other.tokens);
        self.memberships.append(&mut other.memberships);
        self.providers.append(&mut other.providers);
        self.provider_pins.append(&mut other.provider_pins);
        self.problems.append(&mut other.problems);
        self.secrets.append(&mut other.secrets);
        self.credentials.append(&mut other.credentials);
        self.outputs.append(&mut other.outputs);
        self.computed.append(&mut other.computed);
        self.templates.append(&mut other.templates);
    }

    /// Moves references to objects of this file (`Target::Direct`) to where the file's
    /// objects start in the workspace.
    fn shift_references(&mut self, offsets: &Offsets) {
        let shift = |r: &mut Reference| {
            if let Target::Direct(o) = r.target {
                let moved = offsets.shift(o);
                r.target = Target::Direct(moved);
                r.resolved = Some(moved);
            }
        };
        for t in &mut self.tokens {
            shift(&mut t.owner);
        }
        for b in &mut self.bindings {
            shift(&mut b.principal);
            shift(&mut b.role);
        }
        for m in &mut self.memberships {
            shift(&mut m.user);
            shift(&mut m.group);
        }
    }

    /// Places every object in a root module's state (none for a manifest) and a deployment.
    pub fn place(&mut self, root: Option<&Arc<str>>, deployment: &Arc<str>) {
        for o in self.origins_mut() {
            o.root = root.cloned();
            o.deployment = Some(Arc::clone(deployment));
        }
        self.providers.iter_mut().for_each(|p| p.root = root.cloned());
    }

    /// Marks every object as made by a child module's instance, called from the root at
    /// `call`.
    pub fn called(&mut self, call: Span, instance: &Arc<str>) {
        for o in self.origins_mut() {
            o.call = Some((call, Arc::clone(instance)));
        }
    }

    /// Where each object of the model comes from.
    fn origins_mut(&mut self) -> impl Iterator<Item = &mut Origin> {
        (self.service_accounts.iter_mut().map(|x| &mut x.origin))
            .chain(self.users.iter_mut().map(|x| &mut x.origin))
            .chain(self.groups.iter_mut().map(|x| &mut x.origin))
            .chain(self.roles.iter_mut().map(|x| &mut x.origin))
            .chain(self.bindings.iter_mut().map(|x| &mut x.origin))
            .chain(self.tokens.iter_mut().map(|x| &mut x.origin))
            .chain(self.memberships.iter_mut().map(|x| &mut x.origin))
            .chain(self.outputs.iter_mut().map(|x| &mut x.origin))
    }

    /// Gives back the room lists grew into. Thousands of file models wait at once to be
    /// merged, each list a few objects of several hundred bytes long: without this, spare
    /// capacity was a third of the peak heap.
    pub fn shrink_to_fit(&mut self) {
        self.service_accounts.shrink_to_fit();
        self.users.shrink_to_fit();
        self.groups.shrink_to_fit();
        self.roles.shrink_to_fit();
        self.bindings.shrink_to_fit();
        self.tokens.shrink_to_fit();
        self.memberships.shrink_to_fit();
        self.providers.shrink_to_fit();
        self.provider_pins.shrink_to_fit();
        self.problems.shrink_to_fit();
        self.secrets.shrink_to_fit();
        self.credentials.shrink_to_fit();
        self.outputs.shrink_to_fit();
        self.computed.shrink_to_fit();
    }
}

/// The help of a syntax error whose snippet is not shown.
const HIDDEN: &str =
    "its source is starred out: this file may hold a credential iamlint cannot delimit without parsing it";

#[derive(Debug, Default)]
pub struct Workspace {
    pub sources: SourceMap,
    pub service_accounts: Vec<ServiceAccount>,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub roles: Vec<Role>,
    pub bindings: Vec<Binding>,
    pub tokens: Vec<ApiToken>,
    pub memberships: Vec<Membership>,
    pub providers: Vec<Provider>,
    pub provider_pins: Vec<ProviderPin>,
    pub problems: Vec<Problem>,
    pub credentials: Vec<Credential>,
    pub outputs: Vec<Output>,
    pub computed: Vec<Span>,
    pub templates: Vec<(Span, Span)>,
}

impl Workspace {
    /// Every secret's text in the workspace, to star it in text iamlint writes itself.
    pub fn secret_masker(&self) -> crate::redact::Masker {
        let pieces: Vec<String> =
            self.sources.iter().flat_map(|(_, f)| crate::redact::pieces(&f.text, &f.secrets)).collect();
        crate::redact::Masker::new(pieces.iter().map(String::as_str))
    }

    /// Appends one file's objects, shifting the indices of references that point inside
    /// the same file (a manifest's nested tokens) to their place in the workspace.
    pub fn merge(&mut self, mut file: FileModel) {
        file.shift_references(&Offsets {
            service_accounts: self.service_accounts.len(),
            users: self.users.len(),
            groups: self.groups.len(),
            roles: self.roles.len(),
        });
        for s in std::mem::take(&mut file.secrets) {
            self.sources.get_mut(s.file).secrets.push((s.start, s.end));
        }
        // A file that does not parse (or is not UTF-8) has no credential detector: it is
        // redacted lexically, and its snippets hidden when that is not enough.
        let mut broken: Vec<FileId> =
            file.problems.iter().filter(|p| p.code == "IAM001").map(|p| p.span.file).collect();
        broken.sort();
        broken.dedup();
        for id in broken {
            let source = self.sources.get_mut(id);
            crate::frontend::lexical::distrust(source);
            // A parser's message may quote the text it stopped at.
            let mut pieces = crate::redact::pieces(&source.text, &source.secrets);
            pieces.retain(|p| p.len() >= crate::redact::MIN_SEARCHED);
            let hidden = source.snippet == Snippet::Hidden;
            for p in file.problems.iter_mut().filter(|p| p.code == "IAM001" && p.span.file == id) {
                p.message = crate::redact::mask(&p.message, &[], &pieces);
                if hidden && p.help.is_none() {
                    p.help = Some(HIDDEN.into());
                }
            }
        }
        self.service_accounts.append(&mut file.service_accounts);
        self.users.append(&mut file.users);
        self.groups.append(&mut file.groups);
        self.roles.append(&mut file.roles);
        self.bindings.append(&mut file.bindings);
        self.tokens.append(&mut file.tokens);
        self.memberships.append(&mut file.memberships);
        self.providers.append(&mut file.providers);
        self.provider_pins.append(&mut file.provider_pins);
        self.problems.append(&mut file.problems);
        self.credentials.append(&mut file.credentials);
        self.outputs.append(&mut file.outputs);
        self.computed.append(&mut file.computed);
        self.templates.append(&mut file.templates);
    }

    pub fn origin(&self, object: ObjectRef) -> &Origin {
        match object {
            ObjectRef::ServiceAccount(i) => &self.service_accounts[i].origin,
            ObjectRef::User(i) => &self.users[i].origin,
            ObjectRef::Group(i) => &self.groups[i].origin,
            ObjectRef::Role(i) => &self.roles[i].origin,
        }
    }

    /// The name an object is known by in messages.
    pub fn display_name(&self, object: ObjectRef) -> String {
        let name = match object {
            ObjectRef::ServiceAccount(i) => known_str(&self.service_accounts[i].name),
            ObjectRef::User(i) => known_str(&self.users[i].name),
            ObjectRef::Group(i) => known_str(&self.groups[i].name),
            ObjectRef::Role(i) => known_str(&self.roles[i].name),
        };
        name.map_or_else(|| self.origin(object).address.clone(), str::to_string)
    }

    pub fn is_reported(&self, span: Span) -> bool {
        self.sources.get(span.file).reported
    }
}

struct Offsets {
    service_accounts: usize,
    users: usize,
    groups: usize,
    roles: usize,
}

impl Offsets {
    fn shift(&self, o: ObjectRef) -> ObjectRef {
        match o {
            ObjectRef::ServiceAccount(i) => ObjectRef::ServiceAccount(i + self.service_accounts),
            ObjectRef::User(i) => ObjectRef::User(i + self.users),
            ObjectRef::Group(i) => ObjectRef::Group(i + self.groups),
            ObjectRef::Role(i) => ObjectRef::Role(i + self.roles),
        }
    }
}

/// An address without its `module.` prefixes, as the module's own files write it:
/// `module.iam.module.x["a"].kestra_group.g` -> `kestra_group.g`.
pub fn local_address(address: &str) -> &str {
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        // Skip the module name and an optional instance key, then the dot.
        let mut depth = 0;
        let mut cut = None;
        for (i, c) in after.char_indices() {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                '.' if depth == 0 => {
                    cut = Some(i + 1);
                    break;
                }
                _ => {}
            }
        }
        match cut {
            Some(i) => rest = &after[i..],
            None => break,
        }
    }
    rest
}
