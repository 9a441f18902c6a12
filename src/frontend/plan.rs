//! Terraform plans (`terraform show -json plan.out`): every resource Terraform will manage,
//! in `planned_values.root_module` and its `child_modules`, with evaluated `values`.
//!
//! A plan is recognised by its content (`format_version` and `planned_values`), whatever
//! the file is called. Values a plan does not know yet (computed at apply) are simply
//! absent from `values`, so an absent attribute is unknown here, never "not set". A plan
//! is generated, so no fix ever edits it. A plan is the evaluated form of a configuration:
//! `join` matches it to its root module and merges each planned object into the
//! configuration's, once the workspace is whole.

mod committed;
pub mod join;
mod references;
mod sensitive;

/// What a plan file is read as (`--show-files`); plans are found by it to be joined.
pub const READING: &str = "Terraform plan";

use crate::frontend::credentials::{self, KeyClass};
use crate::frontend::manifest::looks_like_kestra_id;
use crate::model::*;
use crate::schema::{self, FieldId};
use crate::source::{FileId, Span};
use crate::syntax::yaml::{self, Limits, Node};

const MAX_MODULE_DEPTH: usize = 64;

/// Whether a JSON text names a plan's keys: it is read as a plan, or reported as one that
/// does not parse.
pub fn looks_like_plan(text: &str) -> bool {
    text.contains("\"planned_values\"") && text.contains("\"format_version\"")
}

/// A plan's model, or None when the text is not a plan. A text that names a plan's keys but
/// does not parse is a plan that cannot be read: IAM001, never silence (a run that skips
/// it would say "All checks passed" on a plan it never saw).
pub fn parse(file: FileId, text: &str, limits: Limits) -> Option<FileModel> {
    if !looks_like_plan(text) {
        return None;
    }
    let unreadable = |offset, e: &dyn std::fmt::Display| {
        Some(crate::frontend::unreadable(file, offset, format!("cannot parse Terraform plan: {e}")))
    };
    if let Err((offset, e)) = yaml::check_strict_json(text) {
        return unreadable(offset, &e);
    }
    let docs = match yaml::parse(text, plan_limits(text, limits)) {
        Ok(docs) => docs,
        Err(e) => return unreadable(e.offset, &e.message),
    };
    let root = docs.first()?;
    // A manifest with a plan's keys added is still a manifest: linted, never taken for a
    // plan (which no rule reads as Kestra objects of its own).
    if crate::frontend::manifest::is_manifest(root) {
        return None;
    }
    root.get("format_version")?;
    let planned = root.get("planned_values")?;
    let mut lowering = Lowering { file, model: FileModel::default() };
    lowering.model.computed.push(Span::new(file, 0, text.len()));
    if let Some(module) = planned.get("root_module") {
        lowering.module(module, 0);
    }
    if let Some(Node::Map { entries, .. }) = root.get("configuration").and_then(|c| c.get("provider_config")) {
        for (_, provider) in entries {
            lowering.provider(provider);
        }
    }
    references::fill(root, &mut lowering.model);
    committed::report(root, file, &mut lowering.model);
    sensitive::mark(root, file, &mut lowering.model);
    Some(lowering.model)
}

/// Strict JSON has no aliases, so its node count is bounded by its length (every node
/// takes at least one byte), which --max-file-size bounds: the node limit, meant for YAML
/// alias expansion, must not stop a large plan (8,000 accounts make 11 MB and more than a
/// million nodes).
fn plan_limits(text: &str, limits: Limits) -> Limits {
    Limits { max_nodes: limits.max_nodes.max(text.len()), ..limits }
}

struct Lowering {
    file: FileId,
    model: FileModel,
}

fn items(node: Option<&Node>) -> &[Node] {
    match node {
        Some(Node::Seq { items, .. }) => items,
        _ => &[],
    }
}

impl Lowering {
    fn span(&self, node: &Node) -> Span {
        Span::new(self.file, node.start(), node.end())
    }

    fn module(&mut self, module: &Node, depth: usize) {
        if depth > MAX_MODULE_DEPTH {
            return;
        }
        for resource in items(module.get("resources")) {
            self.resource(resource);
        }
        for child in items(module.get("child_modules")) {
            self.module(child, depth + 1);
        }
    }

    /// A value written in the plan; absent means "known after apply".
    fn text(&self, values: &Node, spellings: &[&str], origin: &Origin) -> Option<Text> {
        let Some((k, v)) = spellings.iter().find_map(|key| values.entry(key)) else {
            return Some(Field { val: Val::Unknown, span: origin.span, key: origin.span });
        };
        let val = match v {
            _ if v.is_null() => Val::Null,
            Node::Scalar(s) => Val::Known(s.text.clone()),
            _ => Val::Unknown,
        };
        Some(Field { val, span: self.span(v), key: self.span(k) })
    }

    fn flag(&self, values: &Node, spellings: &[&str], origin: &Origin) -> Option<Field<bool>> {
        let Some((k, v)) = spellings.iter().find_map(|key| values.entry(key)) else {
            return Some(Field { val: Val::Unknown, span: origin.span, key: origin.span });
        };
        let val = match v.as_bool() {
            Some(b) => Val::Known(b),
            None if v.is_null() => Val::Null,
            None => Val::Unknown,
        };
        Some(Field { val, span: self.span(v), key: self.span(k) })
    }

    fn reference(&self, values: &Node, spellings: &[&str], origin: &Origin) -> Reference {
        match spellings.iter().find_map(|key| values.get(key)) {
            Some(v) => self.name_reference(v),
            None => Reference::new(Target::Unknown, origin.span),
        }
    }

    fn name_reference(&self, v: &Node) -> Reference {
        let target = match v {
            Node::Scalar(s) if !v.is_null() && looks_like_kestra_id(&s.text) => Target::External(s.text.clone()),
            Node::Scalar(s) if !v.is_null() => Target::Name(s.text.clone()),
            _ => Target::Unknown,
        };
        Reference::new(target, self.span(v))
    }

    fn resource(&mut self, r: &Node) {
        if r.get("mode").and_then(Node::as_str).is_some_and(|m| m != "managed") {
            return;
        }
        let (Some(kind), Some(address), Some(values)) =
            (r.get("type").and_then(Node::as_str), r.get("address").and_then(Node::as_str), r.get("values"))
        else {
            return;
        };
        let tenant_source = match schema::TENANT.terraform.iter().find_map(|key| values.get(key)) {
            Some(v @ Node::Scalar(s)) if !v.is_null() => TenantSource::Literal(s.text.clone()),
            _ => TenantSource::Provider(None),
        };
        let origin = Origin {
            span: Span::new(self.file, r.start(), r.start() + 1),
            extent: self.span(r),
            address: address.to_string(),
            format: Format::Terraform,
            tenant_source,
            tenant: String::new(),
            deployment: None,
            root: None,
            call: None,
        };
        if kind.starts_with("kestra_") {
            self.credentials(values, &origin);
        }
        match schema::kind_of_resource(kind) {
            Some(Kind::ServiceAccount) => {
                let spec = &schema::SERVICE_ACCOUNT;
                let (groups, groups_known) = self.groups(values, spec.tf(FieldId::Groups));
                let personal_info = spec
                    .personal_keys(Format::Terraform)
                    .filter_map(|k| values.entry(k))
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| PersonalField {
                        key: k.as_str().unwrap_or_default().to_string(),
                        entry: Span::new(self.file, k.start(), v.end()),
                        key_span: self.span(k),
                    })
                    .collect();
                let sa = ServiceAccount {
                    id: None,
                    name: self.text(values, spec.tf(FieldId::Name), &origin),
                    description: self.text(values, spec.tf(FieldId::Description), &origin),
                    super_admin: self.flag(values, spec.tf(FieldId::SuperAdmin), &origin),
                    groups,
                    groups_known,
                    personal_info,
                    origin,
                };
                self.model.service_accounts.push(sa);
            }
            Some(Kind::User) => {
                let spec = &schema::USER;
                let (groups, groups_known) = self.groups(values, spec.tf(FieldId::Groups));
                let user = User {
                    id: None,
                    name: self.text(values, spec.tf(FieldId::Name), &origin),
                    email: self.text(values, spec.tf(FieldId::Email), &origin),
                    description: self.text(values, spec.tf(FieldId::Description), &origin),
                    super_admin: self.flag(values, spec.tf(FieldId::SuperAdmin), &origin),
                    groups,
                    groups_known,
                    origin,
                };
                self.model.users.push(user);
            }
            Some(Kind::Token) => {
                let spec = &schema::TOKEN;
                let Some(made_by) = schema::token_resource(kind) else { return };
                let token = ApiToken {
                    owner_kind: made_by.owner_kind,
                    owner: self.reference(values, &[made_by.owner], &origin),
                    name: self.text(values, spec.tf(FieldId::Name), &origin),
                    description: self.text(values, spec.tf(FieldId::Description), &origin),
                    max_age: self.text(values, spec.tf(FieldId::MaxAge), &origin),
                    extended: self.flag(values, spec.tf(FieldId::Extended), &origin),
                    origin,
                };
                self.model.tokens.push(token);
            }
            Some(Kind::Group) => {
                let spec = &schema::GROUP;
                let group = Group {
                    id: None,
                    name: self.text(values, spec.tf(FieldId::Name), &origin),
                    description: self.text(values, spec.tf(FieldId::Description), &origin),
                    namespace: self.text(values, spec.tf(FieldId::Namespace), &origin),
                    origin,
                };
                self.model.groups.push(group);
            }
            Some(Kind::Membership) => {
                let spec = &schema::MEMBERSHIP;
                let user = self.reference(values, spec.tf(FieldId::Member), &origin);
                let group = self.reference(values, spec.tf(FieldId::Group), &origin);
                self.model.memberships.push(Membership { origin, user, group });
            }
            Some(Kind::Role) => {
                let spec = &schema::ROLE;
                let (grants, grants_known) = self.grants(values);
                let role = Role {
                    id: None,
                    name: self.text(values, spec.tf(FieldId::Name), &origin),
                    description: self.text(values, spec.tf(FieldId::Description), &origin),
                    namespace: self.text(values, spec.tf(FieldId::Namespace), &origin),
                    grants,
                    grants_known,
                    origin,
                };
                self.model.roles.push(role);
            }
            Some(Kind::Binding) => {
                let spec = &schema::BINDING;
                let binding = Binding {
                    principal_type: self.text(values, spec.tf(FieldId::PrincipalType), &origin),
                    principal: self.reference(values, spec.tf(FieldId::ExternalId), &origin),
                    role: self.reference(values, spec.tf(FieldId::RoleId), &origin),
                    namespace: self.text(values, spec.tf(FieldId::Namespace), &origin),
                    origin,
                };
                self.model.bindings.push(binding);
            }
            None => {}
        }
    }

    /// `groups: [{"id": ...}]` (blocks), `group: [{"group_id": ...}]` (legacy blocks) or
    /// `groups: ["id", ...]` (a list attribute).
    fn groups(&self, values: &Node, spellings: &[&str]) -> (Vec<Reference>, bool) {
        let mut refs = Vec::new();
        let mut seen = false;
        for key in spellings {
            let Some(v) = values.get(key) else { continue };
            seen = true;
            for item in items(Some(v)) {
                match item {
                    Node::Map { .. } => {
                        // An id known only after apply (the group is created in the same
                        // run) is absent: a group still, one iamlint cannot name.
                        match schema::GROUP_REF.tf(FieldId::Id).iter().find_map(|k| item.get(k)) {
                            Some(id) => refs.push(self.name_reference(id)),
                            None => refs.push(Reference::new(Target::Unknown, self.span(item))),
                        }
                    }
                    _ => refs.push(self.name_reference(item)),
                }
            }
        }
        (refs, seen)
    }

    fn grants(&self, values: &Node) -> (Vec<Grant>, bool) {
        let mut grants = Vec::new();
        let mut seen = false;
        for spelling in &schema::GRANT_BLOCKS {
            let Some(list) = values.get(spelling.block) else { continue };
            seen = true;
            for block in items(Some(list)) {
                let type_spellings = schema::GRANT.tf(FieldId::ResourceType);
                let Some((tk, tv)) = type_spellings.iter().find_map(|k| block.entry(k)) else { continue };
                let text = |n: &Node| {
                    let val = match n.as_str() {
                        Some(s) if !n.is_null() => Val::Known(s.to_string()),
                        _ => Val::Unknown,
                    };
                    Field { val, span: self.span(n), key: self.span(n) }
                };
                let resource_type = Field { key: self.span(tk), ..text(tv) };
                let actions_entry = block.entry(spelling.actions);
                let actions = items(actions_entry.map(|(_, v)| v)).iter().map(text).collect();
                let actions_key = actions_entry.map(|(k, _)| self.span(k));
                let style = spelling.style;
                grants.push(Grant { resource_type, actions, actions_key, span: self.span(block), style });
            }
        }
        (grants, seen)
    }

    /// The literal credentials of a Kestra resource (IAM601): a user's `password`, a
    /// token's `full_token` (a plan of existing tokens holds them in clear text), any
    /// attribute whose name is a credential's. Every other copy the plan holds is starred by
    /// `sensitive::mark`.
    fn credentials(&mut self, values: &Node, origin: &Origin) {
        let Node::Map { entries, .. } = values else { return };
        for (k, v) in entries {
            let key = k.as_str().unwrap_or_default();
            let (Some(KeyClass::Credential(kind)), Node::Scalar(s)) = (credentials::credential_key(key), v) else {
                continue;
            };
            if v.is_null() {
                continue;
            }
            // Inside the quotes, so that only the value is starred out.
            let span = Span::new(self.file, v.start() + 1, v.end().saturating_sub(1).max(v.start() + 1));
            let context = format!("`{key}` of `{}` in a Terraform plan", origin.address);
            credentials::record(&mut self.model, span, kind, &s.text, context, None);
        }
    }

    /// `configuration.provider_config`: the `kestra` provider's literal arguments.
    fn provider(&mut self, provider: &Node) {
        if provider.get("name").and_then(Node::as_str) != Some("kestra") {
            return;
        }
        let alias = provider.get("alias").and_then(Node::as_str).map(str::to_string);
        let constant =
            |key: &str| provider.get("expressions").and_then(|e| e.get(key)).and_then(|e| e.get("constant_value"));
        let tenant = schema::TENANT.terraform.iter().find_map(|k| constant(k)).map(|v| {
            let val = v.as_str().filter(|_| !v.is_null()).map_or(Val::Unknown, |s| Val::Known(s.to_string()));
            Field { val, span: self.span(v), key: self.span(v) }
        });
        let expressions = match provider.get("expressions") {
            Some(Node::Map { entries, .. }) => entries.as_slice(),
            _ => &[],
        };
        for (k, e) in expressions {
            let key = k.as_str().unwrap_or_default();
            let Some(KeyClass::Credential(kind)) = credentials::credential_key(key) else { continue };
            let Some(v @ Node::Scalar(s)) = e.get("constant_value") else { continue };
            if v.is_null() {
                continue;
            }
            let span = Span::new(self.file, v.start() + 1, v.end().saturating_sub(1).max(v.start() + 1));
            let context = format!("`{key}` of provider \"kestra\" in a Terraform plan");
            credentials::record(&mut self.model, span, kind, &s.text, context, None);
        }
        self.model.providers.push(Provider { alias, tenant, span: self.span(provider), root: None });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"{
  "format_version": "1.2",
  "terraform_version": "1.9.0",
  "planned_values": {
    "root_module": {
      "resources": [
        {
          "address": "kestra_service_account.accounts[\"etl\"]",
          "mode": "managed",
          "type": "kestra_service_account",
          "name": "accounts",
          "index": "etl",
          "values": {"name": "ETL", "description": "etl", "super_admin": false, "groups": [{"id": "68xAawPfiJPkTkZJIPX6jQ"}]}
        }
      ],
      "child_modules": [
        {
          "address": "module.tokens",
          "resources": [
            {
              "address": "module.tokens.kestra_service_account_api_token.t",
              "mode": "managed",
              "type": "kestra_service_account_api_token",
              "name": "t",
              "values": {"name": "deploy", "description": "d", "extended": false}
            }
          ]
        }
      ]
    }
  }
}"#;

    #[test]
    fn plans_are_recognised_by_content() {
        assert!(parse(FileId(0), PLAN, Limits::default()).is_some());
        assert!(parse(FileId(0), "{\"serviceAccounts\": []}", Limits::default()).is_none());
        // A truncated plan is still a plan: one that cannot be read, IAM001.
        let broken = parse(FileId(0), "{\"format_version\": \"1\", \"planned_values\": ", Limits::default()).unwrap();
        assert_eq!(broken.problems[0].code, "IAM001");
    }

    #[test]
    fn resources_of_every_module_with_unknown_absent_values() {
        let m = parse(FileId(0), PLAN, Limits::default()).unwrap();
        assert_eq!(m.service_accounts[0].origin.address, "kestra_service_account.accounts[\"etl\"]");
        assert_eq!(known_str(&m.service_accounts[0].name), Some("ETL"));
        assert!(matches!(m.service_accounts[0].groups[0].target, Target::External(_)));
        let token = &m.tokens[0];
        assert_eq!(token.origin.address, "module.tokens.kestra_service_account_api_token.t");
        // max_age is absent: known only after apply, so unknown (not "never expires").
        assert!(token.max_age.as_ref().unwrap().is_unknown());
        assert!(token.owner.target == Target::Unknown);
        assert_eq!(m.computed, [Span::new(FileId(0), 0, PLAN.len())]);
    }

    #[test]
    fn module_prefixes_are_stripped() {
        assert_eq!(crate::model::local_address("module.a.module.b[\"x.y\"].kestra_group.g"), "kestra_group.g");
        assert_eq!(crate::model::local_address("kestra_group.g[\"a.b\"]"), "kestra_group.g[\"a.b\"]");
    }
}
