//! Lowering one Terraform file of an evaluated module into the model: resources of the
//! `kestra` provider (one object per `for_each` key or `count` index), `provider "kestra"`
//! blocks, committed credentials and outputs. Current and legacy spellings are both
//! understood (`name`/`username`, `groups {id}`/`group {group_id}`,
//! `resources {}`/`permissions {}`), and `dynamic` blocks expand like Terraform does.

use super::eval::{key_value, Evaluator, Scope};
use super::exposure;
use super::overrides::Overrides;
use super::secrets;
use super::syntax::{AttrRef, BlockRef, BodyRef, ExprRef};
use super::value::{Value, ValueKind};
use crate::frontend::credentials;
use crate::frontend::manifest::looks_like_kestra_id;
use crate::model::*;
use crate::schema::{self, FieldId};
use crate::source::Span;
use hcl_edit::expr::{Expression, TraversalOperator};
use std::rc::Rc;

pub fn lower_file(ev: &Evaluator<'_>, body: BodyRef<'_>, overrides: &Overrides<'_>) -> FileModel {
    let mut l = Lowering { ev, model: FileModel::default() };
    secrets::mark_literals(ev, body, false, &mut l.model);
    for block in body.top_blocks() {
        let Some(block) = overrides.block(block) else { continue };
        match (block.ident, block.labels.as_slice()) {
            ("resource", [kind, name]) => {
                let refused = ev.refusals();
                let instances = l.instances(&block);
                if ev.refusals() > refused && kind.starts_with("kestra_") {
                    l.model.problems.push(cut_short(&block, kind, name));
                }
                for instance in instances {
                    let address = format!("{}{kind}.{name}{}", ev.prefix(), instance.suffix());
                    l.resource(&block, kind, &address, &instance.scope);
                }
            }
            ("provider", [name]) if *name == "kestra" => l.provider(&block),
            ("output", [name]) => l.output(&block, name),
            ("terraform", []) => l.required_providers(&block),
            _ => {}
        }
    }
    let mut model = l.model;
    model.templates.extend(ev.take_placed());
    model.templates.sort();
    model.templates.dedup();
    model.computed.sort();
    model.computed.dedup();
    model.secrets.sort();
    model.secrets.dedup();
    model
}

/// IAM001 at a Kestra resource whose `for_each`/`count` the instance allowance refused: its
/// instances are modelled as one with unknown keys and values, so what a single entry sets
/// (a super-admin flag, a long name) goes unseen, and the user must be told.
fn cut_short(block: &BlockRef<'_>, kind: &str, name: &str) -> Problem {
    Problem {
        code: crate::rules::SYNTAX_ERROR.code,
        span: block.header,
        message: format!(
            "resource `{kind}.{name}` is not fully evaluated: its `for_each`/`count` goes past iamlint's limits of \
             {} instances per block and {} per root module, so its instances were checked as one, with unknown keys",
            super::eval::MAX_BLOCK_INSTANCES,
            super::eval::MAX_MODULE_INSTANCES
        ),
        help: Some(
            "split the collection over several blocks or root modules to have every instance checked".to_string(),
        ),
        labels: Vec::new(),
        fix: None,
    }
}

/// One instance of a block with `for_each` or `count`: its key and the scope binding `each`
/// or `count`. A block with neither, or whose `for_each` or `count` cannot be evaluated, is
/// one instance without a key.
pub struct Instance {
    pub key: InstanceKey,
    pub scope: Scope,
}

pub enum InstanceKey {
    None,
    Key(String),
    Index(usize),
}

impl Instance {
    /// What the instance adds to its block's address: `["key"]`, `[0]` or nothing.
    pub fn suffix(&self) -> String {
        match &self.key {
            InstanceKey::None => String::new(),
            InstanceKey::Key(key) => format!("[\"{}\"]", key.replace('\\', "\\\\").replace('"', "\\\"")),
            InstanceKey::Index(i) => format!("[{i}]"),
        }
    }
}

/// The instances a block expands into.
pub fn block_instances(ev: &Evaluator<'_>, block: &BlockRef<'_>) -> Vec<Instance> {
    Lowering { ev, model: FileModel::default() }.instances(block)
}

struct Lowering<'e, 'a> {
    ev: &'e Evaluator<'a>,
    model: FileModel,
}

/// A value as a string field: strings, and numbers and bools converted as Terraform does.
fn text_val(v: &Value) -> Val<String> {
    match &v.kind {
        ValueKind::Null => Val::Null,
        _ => v.to_text().map_or(Val::Unknown, Val::Known),
    }
}

/// A value as a bool field; Terraform converts the strings "true" and "false".
fn flag_val(v: &Value) -> Val<bool> {
    match &v.kind {
        ValueKind::Bool(b) => Val::Known(*b),
        ValueKind::Str(s) if s == "true" => Val::Known(true),
        ValueKind::Str(s) if s == "false" => Val::Known(false),
        ValueKind::Null => Val::Null,
        _ => Val::Unknown,
    }
}

/// What a value names: a resource address, a data source (managed elsewhere), a Kestra
/// id, or a name to look up.
fn target(v: &Value) -> Target {
    match &v.kind {
        ValueKind::Ref { address, .. } if address.starts_with("data.") => Target::External(address.clone()),
        ValueKind::Ref { address, .. } => Target::Address(address.clone()),
        ValueKind::Str(s) if looks_like_kestra_id(s) => Target::External(s.clone()),
        ValueKind::Str(s) => Target::Name(s.clone()),
        _ => Target::Unknown,
    }
}

/// The first of a field's spellings that the body writes.
fn attr_of<'b>(body: BodyRef<'b>, spellings: &[&str]) -> Option<AttrRef<'b>> {
    spellings.iter().find_map(|k| body.attr(k))
}

/// The name a `dynamic` block's iterator goes by: its `iterator` argument, else its label.
fn iterator_name<'b>(block: &BlockRef<'b>, label: &'b str) -> String {
    match block.body.attr("iterator").map(|a| a.value) {
        Some(ExprRef::Hcl { expr: Expression::Variable(v), .. }) => v.as_str().to_string(),
        Some(ExprRef::Json { node, .. }) => node.as_str().unwrap_or(label).to_string(),
        _ => label.to_string(),
    }
}

impl<'a> Lowering<'_, 'a> {
    fn eval(&self, attr: &AttrRef<'_>, scope: &Scope) -> Value {
        self.ev.eval(attr.value, scope)
    }

    fn field<T>(&mut self, v: &Value, key: Span, val: Val<T>) -> Field<T> {
        if v.computed && !v.is_opaque() {
            self.model.computed.push(v.span);
        }
        Field { val, span: v.span, key }
    }

    fn text(&mut self, body: BodyRef<'_>, spellings: &[&str], scope: &Scope) -> Option<Text> {
        let attr = attr_of(body, spellings)?;
        let v = self.eval(&attr, scope);
        Some(self.field(&v, attr.key_span, text_val(&v)))
    }

    fn flag(&mut self, body: BodyRef<'_>, spellings: &[&str], scope: &Scope) -> Option<Field<bool>> {
        let attr = attr_of(body, spellings)?;
        let v = self.eval(&attr, scope);
        Some(self.field(&v, attr.key_span, flag_val(&v)))
    }

    fn reference(&mut self, v: &Value) -> Reference {
        if v.computed && !v.is_opaque() {
            self.model.computed.push(v.span);
        }
        Reference::new(target(v), v.span)
    }

    fn attr_reference(&mut self, body: BodyRef<'_>, spellings: &[&str], fallback: Span, scope: &Scope) -> Reference {
        match attr_of(body, spellings) {
            Some(attr) => {
                let v = self.eval(&attr, scope);
                self.reference(&v)
            }
            None => Reference::new(Target::Unknown, fallback),
        }
    }

    /// One (address suffix, scope) per instance: `["key"]` with `each` for `for_each`,
    /// `[i]` with `count` for `count`, or the block itself when it has neither or when
    /// iamlint cannot evaluate them (then `each` and `count` stay unknown).
    fn instances(&self, block: &BlockRef<'_>) -> Vec<Instance> {
        let scope = Scope::default();
        let single = || vec![Instance { key: InstanceKey::None, scope: Scope::default() }];
        if let Some(attr) = block.body.attr("for_each") {
            let v = self.eval(&attr, &scope);
            let pairs: Vec<(Value, Value)> = match &v.kind {
                ValueKind::Map(m) => m.iter().map(|(k, e)| (e.key_value(k), e.value.clone())).collect(),
                ValueKind::Set(items) if items.iter().all(|i| matches!(i.kind, ValueKind::Str(_))) => {
                    items.iter().map(|i| (i.clone(), i.clone())).collect()
                }
                _ => return single(),
            };
            if !self.ev.allow_instances(pairs.len()) {
                return single();
            }
            return pairs
                .into_iter()
                .map(|(k, value)| {
                    let key = InstanceKey::Key(k.as_str().unwrap_or_default().to_string());
                    Instance { key, scope: scope.bind("each", key_value(k, value, attr.span)) }
                })
                .collect();
        }
        if let Some(attr) = block.body.attr("count") {
            let v = self.eval(&attr, &scope);
            return match v.kind {
                ValueKind::Number(n) if n.fract() == 0.0 && n >= 0.0 && self.ev.allow_instances(n as usize) => (0..n
                    as usize)
                    .map(|i| {
                        let index = Value::computed(ValueKind::Number(i as f64), v.span);
                        let mut m = std::collections::BTreeMap::new();
                        m.insert("index".to_string(), super::value::Entry::new(v.span, index));
                        let scope = scope.bind("count", Value::computed(ValueKind::Map(Rc::new(m)), v.span));
                        Instance { key: InstanceKey::Index(i), scope }
                    })
                    .collect(),
                _ => single(),
            };
        }
        single()
    }

    /// Nested blocks named `name`, static and `dynamic` alike: each content body with the
    /// scope it is evaluated in, and the span of the block that holds it. `known` turns
    /// false when a dynamic block's collection cannot be evaluated.
    fn nested<'b>(
        &self,
        body: BodyRef<'b>,
        name: &'b str,
        scope: &Scope,
        known: &mut bool,
    ) -> Vec<(BodyRef<'b>, Span, Scope)> {
        let mut out: Vec<(BodyRef<'b>, Span, Scope)> =
            body.blocks(name).into_iter().map(|b| (b.body, b.span, scope.clone())).collect();
        for d in body.dynamic_blocks(name) {
            let iterator = iterator_name(&d, name);
            let (Some(content), Some(for_each)) =
                (d.body.blocks("content").into_iter().next(), d.body.attr("for_each"))
            else {
                *known = false;
                continue;
            };
            let collection = self.eval(&for_each, scope);
            let pairs: Vec<(Value, Value)> = match &collection.kind {
                ValueKind::Map(m) => m.iter().map(|(k, e)| (e.key_value(k), e.value.clone())).collect(),
                ValueKind::List(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Value::computed(ValueKind::Number(i as f64), collection.span), v.clone()))
                    .collect(),
                ValueKind::Set(items) => items.iter().map(|v| (v.clone(), v.clone())).collect(),
                _ => {
                    *known = false;
                    continue;
                }
            };
            if !self.ev.allow_instances(pairs.len()) {
                *known = false;
                continue;
            }
            for (k, v) in pairs {
                let inner = scope.bind(&iterator, key_value(k, v, for_each.span));
                out.push((content.body, content.span, inner));
            }
        }
        out
    }

    fn origin(&mut self, block: &BlockRef<'_>, address: &str, scope: &Scope) -> Origin {
        let body = block.body;
        // The provider as the root module names it: a child module's comes from its call.
        let ev = self.ev;
        let root_provider = |name: Option<String>| match ev.provider(&name) {
            Some(root) => TenantSource::Provider(root),
            None => TenantSource::Unknown,
        };
        let provider = || match body.attr("provider").map(|a| a.value) {
            None => root_provider(None),
            Some(value) => match provider_alias(value) {
                Some(alias) => root_provider(alias),
                None => TenantSource::Unknown,
            },
        };
        let tenant_source = match attr_of(body, schema::TENANT.terraform) {
            Some(attr) => match self.eval(&attr, scope).kind {
                ValueKind::Str(t) => TenantSource::Literal(t),
                ValueKind::Null => provider(),
                _ => TenantSource::Unknown,
            },
            None => provider(),
        };
        Origin {
            span: block.header,
            extent: block.span,
            address: address.to_string(),
            format: Format::Terraform,
            tenant_source,
            tenant: String::new(),
            deployment: None,
            root: None,
            call: None,
        }
    }

    fn resource(&mut self, block: &BlockRef<'_>, kind: &str, address: &str, scope: &Scope) {
        let body = block.body;
        if kind.starts_with("kestra_") {
            self.credential_arguments(block, address, scope);
        }
        match schema::kind_of_resource(kind) {
            Some(Kind::ServiceAccount) => {
                let spec = &schema::SERVICE_ACCOUNT;
                let origin = self.origin(block, address, scope);
                let (groups, groups_known) = self.group_references(body, spec.tf(FieldId::Groups), scope);
                let personal_info = spec
                    .personal_keys(Format::Terraform)
                    .filter_map(|k| body.attr(k))
                    .map(|a| PersonalField { key: a.key.to_string(), entry: a.span, key_span: a.key_span })
                    .collect();
                let sa = ServiceAccount {
                    id: None,
                    name: self.text(body, spec.tf(FieldId::Name), scope),
                    description: self.text(body, spec.tf(FieldId::Description), scope),
                    super_admin: self.flag(body, spec.tf(FieldId::SuperAdmin), scope),
                    groups,
                    groups_known,
                    personal_info,
                    origin,
                };
                self.model.service_accounts.push(sa);
            }
            Some(Kind::User) => {
                let spec = &schema::USER;
                let origin = self.origin(block, address, scope);
                let (groups, groups_known) = self.group_references(body, spec.tf(FieldId::Groups), scope);
                let user = User {
                    id: None,
                    name: self.text(body, spec.tf(FieldId::Name), scope),
                    email: self.text(body, spec.tf(FieldId::Email), scope),
                    description: self.text(body, spec.tf(FieldId::Description), scope),
                    super_admin: self.flag(body, spec.tf(FieldId::SuperAdmin), scope),
                    groups,
                    groups_known,
                    origin,
                };
                self.model.users.push(user);
            }
            Some(Kind::Token) => {
                let spec = &schema::TOKEN;
                let Some(made_by) = schema::token_resource(kind) else { return };
                let origin = self.origin(block, address, scope);
                let owner = self.attr_reference(body, &[made_by.owner], origin.span, scope);
                let token = ApiToken {
                    owner_kind: made_by.owner_kind,
                    owner,
                    name: self.text(body, spec.tf(FieldId::Name), scope),
                    description: self.text(body, spec.tf(FieldId::Description), scope),
                    max_age: self.text(body, spec.tf(FieldId::MaxAge), scope),
                    extended: self.flag(body, spec.tf(FieldId::Extended), scope),
                    origin,
                };
                self.model.tokens.push(token);
            }
            Some(Kind::Group) => {
                let spec = &schema::GROUP;
                let origin = self.origin(block, address, scope);
                let group = Group {
                    id: None,
                    name: self.text(body, spec.tf(FieldId::Name), scope),
                    description: self.text(body, spec.tf(FieldId::Description), scope),
                    namespace: self.text(body, spec.tf(FieldId::Namespace), scope),
                    origin,
                };
                self.model.groups.push(group);
            }
            Some(Kind::Membership) => {
                let spec = &schema::MEMBERSHIP;
                let origin = self.origin(block, address, scope);
                let user = self.attr_reference(body, spec.tf(FieldId::Member), origin.span, scope);
                let group = self.attr_reference(body, spec.tf(FieldId::Group), origin.span, scope);
                self.model.memberships.push(Membership { origin, user, group });
            }
            Some(Kind::Role) => {
                let spec = &schema::ROLE;
                let origin = self.origin(block, address, scope);
                let (grants, grants_known) = self.grants(body, scope);
                let role = Role {
                    id: None,
                    name: self.text(body, spec.tf(FieldId::Name), scope),
                    description: self.text(body, spec.tf(FieldId::Description), scope),
                    namespace: self.text(body, spec.tf(FieldId::Namespace), scope),
                    grants,
                    grants_known,
                    origin,
                };
                self.model.roles.push(role);
            }
            Some(Kind::Binding) => {
                let spec = &schema::BINDING;
                let origin = self.origin(block, address, scope);
                let principal = self.attr_reference(body, spec.tf(FieldId::ExternalId), origin.span, scope);
                let role = self.attr_reference(body, spec.tf(FieldId::RoleId), origin.span, scope);
                let binding = Binding {
                    principal_type: self.text(body, spec.tf(FieldId::PrincipalType), scope),
                    principal,
                    role,
                    namespace: self.text(body, spec.tf(FieldId::Namespace), scope),
                    origin,
                };
                self.model.bindings.push(binding);
            }
            None => {}
        }
    }

    /// Group references from `groups {id}` / `group {group_id}` blocks (static or
    /// dynamic) or a `groups` list. The second value is false when some membership cannot
    /// be evaluated, so that "in no group" is never claimed on a guess.
    fn group_references(
        &mut self,
        body: BodyRef<'_>,
        spellings: &[&'static str],
        scope: &Scope,
    ) -> (Vec<Reference>, bool) {
        let mut refs = Vec::new();
        let mut known = true;
        let mut blocks = Vec::new();
        for name in spellings {
            blocks.extend(self.nested(body, name, scope, &mut known));
        }
        for (content, _, inner) in blocks {
            match attr_of(content, schema::GROUP_REF.tf(FieldId::Id)) {
                Some(attr) => {
                    let v = self.eval(&attr, &inner);
                    refs.push(self.reference(&v));
                }
                None => known = false,
            }
        }
        // Only the current spelling is also written as a list of ids.
        if let Some(attr) = spellings.first().and_then(|k| body.attr(k)) {
            let v = self.eval(&attr, scope);
            match v.items() {
                // In Terraform JSON, objects in this list are the `groups {}` blocks above.
                Some(items) => {
                    for item in items.iter().filter(|i| !matches!(i.kind, ValueKind::Map(_))) {
                        refs.push(self.reference(item));
                    }
                }
                None => known = false,
            }
        }
        (refs, known)
    }

    fn grants(&mut self, body: BodyRef<'_>, scope: &Scope) -> (Vec<Grant>, bool) {
        let mut grants = Vec::new();
        let mut known = true;
        for spelling in &schema::GRANT_BLOCKS {
            for (content, span, inner) in self.nested(body, spelling.block, scope, &mut known) {
                let Some(type_attr) = attr_of(content, schema::GRANT.tf(FieldId::ResourceType)) else { continue };
                let t = self.eval(&type_attr, &inner);
                let resource_type = self.field(&t, type_attr.key_span, text_val(&t));
                let actions_attr = content.attr(spelling.actions);
                let actions_key = actions_attr.as_ref().map(|a| a.key_span);
                let actions = match actions_attr {
                    Some(attr) => {
                        let list = self.eval(&attr, &inner);
                        match list.items() {
                            Some(items) => items
                                .iter()
                                .map(|a| {
                                    let val = text_val(a);
                                    self.field(a, a.span, val)
                                })
                                .collect(),
                            None => {
                                known = false;
                                Vec::new()
                            }
                        }
                    }
                    None => Vec::new(),
                };
                grants.push(Grant { resource_type, actions, actions_key, span, style: spelling.style });
            }
        }
        grants.sort_by_key(|g| (g.span, g.resource_type.span));
        (grants, known)
    }

    fn provider(&mut self, block: &BlockRef<'_>) {
        let scope = Scope::default();
        let alias = block.body.attr("alias").and_then(|a| self.eval(&a, &scope).as_str().map(str::to_string));
        let tenant = self.text(block.body, schema::TENANT.terraform, &scope);
        let label = match &alias {
            Some(a) => format!("kestra.{a}"),
            None => "kestra".to_string(),
        };
        let origin = Origin {
            span: block.header,
            extent: block.span,
            address: format!("provider.{label}"),
            format: Format::Terraform,
            tenant_source: TenantSource::Unknown,
            tenant: String::new(),
            deployment: None,
            root: None,
            call: None,
        };
        for (key, kind) in [
            ("api_token", CredentialKind::ApiToken),
            ("password", CredentialKind::Password),
            ("jwt", CredentialKind::Jwt),
        ] {
            self.credential(block.body, key, kind, &origin, &scope);
        }
        self.extra_headers(block.body, &origin, &scope);
        self.model.providers.push(Provider { alias, tenant, span: block.header, root: None });
    }

    /// A literal `Authorization: Bearer ...` or `Basic ...` among a provider's
    /// `extra_headers`: the provider sends it with every call, as good as `api_token`.
    fn extra_headers(&mut self, body: BodyRef<'_>, origin: &Origin, scope: &Scope) {
        let Some(attr) = body.attr("extra_headers") else { return };
        let headers = self.eval(&attr, scope);
        let ValueKind::Map(entries) = &headers.kind else { return };
        for (name, entry) in entries.iter() {
            let v = &entry.value;
            let (false, Some(value)) = (v.computed, v.as_str()) else { continue };
            if !name.eq_ignore_ascii_case("authorization") {
                continue;
            }
            let Some((scheme, credential)) = value.split_once(' ') else { continue };
            let kind = match scheme.to_ascii_lowercase().as_str() {
                "bearer" => CredentialKind::ApiToken,
                "basic" => CredentialKind::Password,
                _ => continue,
            };
            let credential = credential.trim();
            if credential.is_empty() || credentials::is_reference(credential) {
                continue;
            }
            // The literal as written, quotes and scheme left out, where the text is the value
            // byte for byte; a literal with escapes or a heredoc is starred whole.
            let Some(offset) = value.rfind(credential) else { continue };
            let span = if v.span.len() == value.len() + 2 {
                let start = v.span.start + 1 + offset;
                Span::new(v.span.file, start, start + credential.len())
            } else {
                v.span
            };
            let place = local_address(&origin.address).split('[').next().unwrap_or_default().to_string();
            let context = format!("the `{name}` header of `extra_headers` of `{place}`");
            credentials::record(&mut self.model, span, kind, credential, context, None);
        }
    }

    /// Every argument of a Kestra resource named like a credential (`kestra_user`'s and
    /// `kestra_user_password`'s `password`, a `password` a service account does not take):
    /// a literal there is committed, whatever the provider makes of it.
    fn credential_arguments(&mut self, block: &BlockRef<'_>, address: &str, scope: &Scope) {
        let keys: Vec<(&str, CredentialKind)> = block
            .body
            .attrs()
            .into_iter()
            .filter_map(|a| match credentials::credential_key(a.key) {
                Some(credentials::KeyClass::Credential(kind)) => Some((a.key, kind)),
                _ => None,
            })
            .collect();
        if keys.is_empty() {
            return;
        }
        let origin = self.origin(block, address, scope);
        for (key, kind) in keys {
            self.credential(block.body, key, kind, &origin, scope);
        }
    }

    /// A literal credential in `key`, wherever its value is written (a variable default
    /// or a tfvars value counts: it is committed too).
    fn credential(&mut self, body: BodyRef<'_>, key: &str, kind: CredentialKind, origin: &Origin, scope: &Scope) {
        let Some(attr) = body.attr(key) else { return };
        let v = self.eval(&attr, scope);
        let Some(value) = v.as_str() else { return };
        // As the file writes it: the same for every instance of a child module.
        let address = local_address(&origin.address);
        let place = address.split('[').next().unwrap_or(address);
        let context = format!("`{key}` of `{place}`");
        let used_by = (!origin.extent.contains(v.span)).then(|| (origin.span, origin.address.clone()));
        // A plain quoted literal: star out the value, keep the quotes.
        let span = if !v.computed && v.span.len() == value.len() + 2 {
            Span::new(v.span.file, v.span.start + 1, v.span.end - 1)
        } else {
            v.span
        };
        credentials::record(&mut self.model, span, kind, value, context, used_by);
        // Built from parts (`"${local.p}_SUFFIX"`): the parts are starred where they are
        // written too.
        if v.computed && !credentials::is_reference(value) {
            secrets::mark_sources(self.ev, attr.value, &mut self.model);
        }
    }

    /// `kestra = { source = "kestra-io/kestra", version = "~> 0.24" }`: the schema the files
    /// must be written for (`resources {}` exists from provider 2.0 on).
    fn required_providers(&mut self, block: &BlockRef<'_>) {
        let scope = Scope::default();
        for required in block.body.blocks("required_providers") {
            let Some(attr) = required.body.attr("kestra") else { continue };
            let value = self.eval(&attr, &scope);
            let Some(version) = value.map().and_then(|m| m.get("version")) else { continue };
            if let Some(constraint) = version.value.as_str() {
                let span = if version.value.span.is_empty() { attr.span } else { version.value.span };
                self.model.provider_pins.push(ProviderPin { constraint: constraint.to_string(), span });
            }
        }
    }

    fn output(&mut self, block: &BlockRef<'_>, name: &str) {
        let scope = Scope::default();
        let value = block.body.attr("value");
        let tokens = value.as_ref().map(|v| exposure::tokens(v.value, self.ev)).unwrap_or_default();
        let sensitive = self.flag(block.body, &["sensitive"], &scope);
        let origin = Origin {
            span: block.header,
            extent: block.span,
            address: format!("output.{name}"),
            format: Format::Terraform,
            tenant_source: TenantSource::Unknown,
            tenant: String::new(),
            deployment: None,
            root: None,
            call: None,
        };
        self.model.outputs.push(Output { origin, sensitive, value: value.map(|v| v.span), tokens });
    }
}

/// `provider = kestra.eu` (HCL) or `"provider": "kestra.eu"` (JSON): Some(alias), or
/// Some(None) for the default `kestra`; None when it is neither.
pub(super) fn provider_alias(value: ExprRef<'_>) -> Option<Option<String>> {
    match value {
        ExprRef::Hcl { expr: Expression::Traversal(t), .. } => {
            match (&t.expr, t.operators.first().map(|o| o.value())) {
                (Expression::Variable(v), Some(TraversalOperator::GetAttr(alias))) if v.as_str() == "kestra" => {
                    Some(Some(alias.as_str().to_string()))
                }
                _ => None,
            }
        }
        ExprRef::Hcl { expr: Expression::Variable(v), .. } if v.as_str() == "kestra" => Some(None),
        ExprRef::Json { node, .. } => match node.as_str()?.split_once('.') {
            Some(("kestra", alias)) => Some(Some(alias.to_string())),
            None if node.as_str() == Some("kestra") => Some(None),
            _ => None,
        },
        _ => None,
    }
}
