//! Terraform (`*.tf`) for the `kestra` provider, read with hcl-edit, which keeps the byte
//! span of every block, attribute and expression. Current and legacy attribute spellings
//! are both understood (`name`/`username`, `groups {id}`/`group {group_id}`,
//! `resources {}`/`permissions {}`).
//!
//! Only literal values are known here; anything else is `Unknown` and never reported on.

use crate::frontend::manifest::looks_like_kestra_id;
use crate::model::*;
use crate::source::{FileId, Span};
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Attribute, Block, BlockLabel, Body};
use hcl_edit::template::Element;
use hcl_edit::Span as _;

pub fn parse(file: FileId, text: &str) -> FileModel {
    let mut model = FileModel::default();
    if let Err(p) = nesting_guard(file, text) {
        model.problems.push(p);
        return model;
    }
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => Lowering { file, model: &mut model }.body(&body),
        Err(e) => model.problems.push(syntax_error(file, text, &e)),
    }
    model
}

pub fn parse_vars(file: FileId, text: &str) -> FileModel {
    let mut model = FileModel::default();
    if let Err(p) = nesting_guard(file, text) {
        model.problems.push(p);
        return model;
    }
    if let Err(e) = hcl_edit::parser::parse_body(text) {
        model.problems.push(syntax_error(file, text, &e));
    }
    model
}

/// Nesting hcl-edit could take exponential time over is reported, not parsed.
fn nesting_guard(file: FileId, text: &str) -> Result<(), Problem> {
    crate::syntax::hcl::check_nesting(text).map_err(|e| Problem {
        code: "IAM001",
        span: Span::new(file, e.offset, e.offset),
        message: e.message(),
        help: None,
    })
}

fn syntax_error(file: FileId, text: &str, e: &hcl_edit::parser::Error) -> Problem {
    let offset = e.location().offset().min(text.len());
    Problem {
        code: "IAM001",
        span: Span::new(file, offset, offset),
        message: format!("cannot parse Terraform: {}", e.message()),
        help: None,
    }
}

struct Lowering<'a> {
    file: FileId,
    model: &'a mut FileModel,
}

fn label(l: &BlockLabel) -> &str {
    match l {
        BlockLabel::Ident(i) => i.as_str(),
        BlockLabel::String(s) => s.as_str(),
    }
}

impl Lowering<'_> {
    fn span(&self, range: Option<std::ops::Range<usize>>) -> Span {
        let r = range.unwrap_or(0..0);
        Span::new(self.file, r.start, r.end)
    }

    fn body(&mut self, body: &Body) {
        for block in body.blocks() {
            match (block.ident.as_str(), block.labels.as_slice()) {
                ("resource", [kind, name]) => self.resource(block, label(kind), label(name)),
                ("provider", [name]) if label(name) == "kestra" => self.provider(block),
                _ => {}
            }
        }
    }

    fn provider(&mut self, block: &Block) {
        let alias = block.body.get_attribute("alias").and_then(|a| literal_str(&a.value)).map(str::to_string);
        let tenant = self.text(&block.body, "tenant_id");
        self.model.providers.push(Provider { alias, tenant, span: self.header(block) });
    }

    /// The `resource "x" "y" {` line: where an object "starts".
    fn header(&self, block: &Block) -> Span {
        let start = block.span().map_or(0, |r| r.start);
        let end = block.body.span().map_or(start, |r| r.start);
        Span::new(self.file, start, end)
    }

    fn origin(&self, block: &Block, kind: &str, name: &str) -> Origin {
        let tenant_source = match block.body.get_attribute("tenant_id") {
            Some(a) => match literal_str(&a.value) {
                Some(t) => TenantSource::Literal(t.to_string()),
                None => TenantSource::Unknown,
            },
            None => match block.body.get_attribute("provider").map(|a| &a.value) {
                Some(Expression::Traversal(t)) => match t.operators.first().map(|o| o.value()) {
                    Some(TraversalOperator::GetAttr(alias)) => TenantSource::Provider(Some(alias.as_str().to_string())),
                    _ => TenantSource::Unknown,
                },
                Some(_) => TenantSource::Unknown,
                None => TenantSource::Provider(None),
            },
        };
        let header = self.header(block);
        Origin {
            span: header,
            extent: self.span(block.span()),
            address: format!("{kind}.{name}"),
            format: Format::Terraform,
            tenant_source,
            tenant: String::new(),
        }
    }

    fn field<T>(&self, attr: &Attribute, val: Val<T>) -> Field<T> {
        Field { val, span: self.span(attr.value.span()), key: self.span(attr.key.span()) }
    }

    fn text(&self, body: &Body, key: &str) -> Option<Text> {
        let attr = body.get_attribute(key)?;
        Some(self.field(attr, string_val(&attr.value)))
    }

    fn text_any(&self, body: &Body, keys: &[&str]) -> Option<Text> {
        keys.iter().find_map(|k| self.text(body, k))
    }

    fn flag(&self, body: &Body, key: &str) -> Option<Field<bool>> {
        let attr = body.get_attribute(key)?;
        let val = match &attr.value {
            Expression::Bool(b) => Val::Known(*b.value()),
            Expression::Null(_) => Val::Null,
            _ => Val::Unknown,
        };
        Some(self.field(attr, val))
    }

    fn reference(&self, expr: &Expression) -> Reference {
        Reference::new(target_of(expr), self.span(expr.span()))
    }

    fn attr_reference(&self, body: &Body, key: &str, fallback: Span) -> Reference {
        body.get_attribute(key).map_or(Reference::new(Target::Unknown, fallback), |a| self.reference(&a.value))
    }

    fn resource(&mut self, block: &Block, kind: &str, name: &str) {
        let body = &block.body;
        match kind {
            "kestra_service_account" => {
                let origin = self.origin(block, kind, name);
                let (groups, groups_known) = self.group_references(body);
                let personal_info = ["email", "first_name", "last_name", "password"]
                    .iter()
                    .filter_map(|k| body.get_attribute(k))
                    .map(|a| PersonalField {
                        key: a.key.as_str().to_string(),
                        entry: self.span(a.span()),
                        key_span: self.span(a.key.span()),
                    })
                    .collect();
                self.model.service_accounts.push(ServiceAccount {
                    origin,
                    id: None,
                    name: self.text_any(body, &["name", "username"]),
                    description: self.text(body, "description"),
                    super_admin: self.flag(body, "super_admin"),
                    groups,
                    groups_known,
                    personal_info,
                });
            }
            "kestra_user" => {
                let origin = self.origin(block, kind, name);
                let (groups, groups_known) = self.group_references(body);
                self.model.users.push(User {
                    origin,
                    id: None,
                    name: self.text(body, "username"),
                    email: self.text(body, "email"),
                    description: self.text(body, "description"),
                    super_admin: self.flag(body, "super_admin"),
                    groups,
                    groups_known,
                });
            }
            "kestra_service_account_api_token" | "kestra_user_api_token" => {
                let origin = self.origin(block, kind, name);
                let (owner_kind, owner_key) = if kind == "kestra_user_api_token" {
                    (OwnerKind::User, "user_id")
                } else {
                    (OwnerKind::ServiceAccount, "service_account_id")
                };
                let owner = self.attr_reference(body, owner_key, origin.span);
                self.model.tokens.push(ApiToken {
                    origin,
                    owner_kind,
                    owner,
                    name: self.text(body, "name"),
                    description: self.text(body, "description"),
                    max_age: self.text(body, "max_age"),
                    extended: self.flag(body, "extended"),
                });
            }
            "kestra_group" => {
                let origin = self.origin(block, kind, name);
                self.model.groups.push(Group {
                    origin,
                    id: None,
                    name: self.text(body, "name"),
                    description: self.text(body, "description"),
                    namespace: self.text(body, "namespace"),
                });
            }
            "kestra_user_group_membership" => {
                let origin = self.origin(block, kind, name);
                let user = self.attr_reference(body, "user_id", origin.span);
                let group = self.attr_reference(body, "group_id", origin.span);
                self.model.memberships.push(Membership { origin, user, group });
            }
            "kestra_role" => {
                let origin = self.origin(block, kind, name);
                let (grants, grants_known) = self.grants(body);
                self.model.roles.push(Role {
                    origin,
                    id: None,
                    name: self.text(body, "name"),
                    description: self.text(body, "description"),
                    namespace: self.text(body, "namespace"),
                    grants,
                    grants_known,
                });
            }
            "kestra_binding" => {
                let origin = self.origin(block, kind, name);
                let principal = self.attr_reference(body, "external_id", origin.span);
                let role = self.attr_reference(body, "role_id", origin.span);
                self.model.bindings.push(Binding {
                    origin,
                    principal_type: self.text(body, "type"),
                    principal,
                    role,
                    namespace: self.text(body, "namespace"),
                });
            }
            _ => {}
        }
    }

    /// Group references from `groups {id}` / `group {group_id}` blocks or a `groups` list.
    /// The second value is false when some membership is hidden in an expression or a
    /// `dynamic` block, so that "in no group" is never claimed on a guess.
    fn group_references(&self, body: &Body) -> (Vec<Reference>, bool) {
        let mut refs = Vec::new();
        let mut known = true;
        for block in body.blocks() {
            match block.ident.as_str() {
                "groups" | "group" => {
                    match block.body.get_attribute("id").or_else(|| block.body.get_attribute("group_id")) {
                        Some(a) => refs.push(self.reference(&a.value)),
                        None => known = false,
                    }
                }
                "dynamic" if block.labels.first().is_some_and(|l| matches!(label(l), "groups" | "group")) => {
                    known = false
                }
                _ => {}
            }
        }
        if let Some(attr) = body.get_attribute("groups") {
            match &attr.value {
                Expression::Array(items) => refs.extend(items.iter().map(|e| self.reference(e))),
                _ => known = false,
            }
        }
        (refs, known)
    }

    fn grants(&self, body: &Body) -> (Vec<Grant>, bool) {
        let mut grants = Vec::new();
        let mut known = true;
        for block in body.blocks() {
            let (style, actions_key) = match block.ident.as_str() {
                "permissions" => (PermissionStyle::LegacyBlocks, "permissions"),
                "resources" => (PermissionStyle::ResourceBlocks, "actions"),
                "dynamic" if block.labels.first().is_some_and(|l| matches!(label(l), "permissions" | "resources")) => {
                    known = false;
                    continue;
                }
                _ => continue,
            };
            let Some(type_attr) = block.body.get_attribute("type") else { continue };
            let resource_type = self.field(type_attr, string_val(&type_attr.value));
            let actions_attr = block.body.get_attribute(actions_key);
            let actions = match actions_attr.map(|a| &a.value) {
                Some(Expression::Array(items)) => items
                    .iter()
                    .map(|e| Field { val: string_val(e), span: self.span(e.span()), key: self.span(e.span()) })
                    .collect(),
                Some(_) => {
                    known = false;
                    Vec::new()
                }
                None => Vec::new(),
            };
            let actions_key = actions_attr.map(|a| self.span(a.key.span()));
            grants.push(Grant { resource_type, actions, actions_key, span: self.span(block.span()), style });
        }
        (grants, known)
    }
}

fn literal_str(expr: &Expression) -> Option<&str> {
    match expr {
        Expression::String(s) => Some(s.as_str()),
        _ => None,
    }
}

/// A string the way Terraform would see it, when it is literal.
fn string_val(expr: &Expression) -> Val<String> {
    match expr {
        Expression::String(s) => Val::Known(s.value().clone()),
        Expression::Null(_) => Val::Null,
        Expression::StringTemplate(t) => {
            let mut out = String::new();
            for element in t.iter() {
                match element {
                    Element::Literal(l) => out.push_str(l.value()),
                    _ => return Val::Unknown,
                }
            }
            Val::Known(out)
        }
        Expression::Number(n) => Val::Known(n.value().to_string()),
        Expression::Bool(b) => Val::Known(b.value().to_string()),
        _ => Val::Unknown,
    }
}

/// What a reference expression names: `kestra_group.bots.id` is the group `bots`;
/// `data.*` is managed elsewhere; a literal is a name or a Kestra id.
fn target_of(expr: &Expression) -> Target {
    match expr {
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else { return Target::Unknown };
            let mut parts: Vec<String> = vec![root.as_str().to_string()];
            for op in &t.operators {
                match op.value() {
                    TraversalOperator::GetAttr(a) => parts.push(a.as_str().to_string()),
                    TraversalOperator::Index(Expression::String(s)) => {
                        let last = parts.pop().unwrap_or_default();
                        parts.push(format!("{last}[\"{}\"]", s.as_str()));
                    }
                    TraversalOperator::Index(Expression::Number(n)) => {
                        let last = parts.pop().unwrap_or_default();
                        parts.push(format!("{last}[{}]", n.value()));
                    }
                    _ => return Target::Unknown,
                }
            }
            if parts.first().is_some_and(|p| p == "resource") {
                parts.remove(0);
            }
            match parts.first().map(String::as_str) {
                Some("data") => Target::External(parts.join(".")),
                Some(kind) if kind.starts_with("kestra_") && parts.len() >= 2 => {
                    Target::Address(format!("{}.{}", parts[0], parts[1]))
                }
                _ => Target::Unknown,
            }
        }
        _ => match string_val(expr) {
            Val::Known(s) if looks_like_kestra_id(&s) => Target::External(s),
            Val::Known(s) => Target::Name(s),
            _ => Target::Unknown,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower(text: &str) -> FileModel {
        parse(FileId(0), text)
    }

    #[test]
    fn service_account_with_legacy_spellings() {
        let m = lower(
            r#"
resource "kestra_service_account" "ci" {
  username = "ci-bot"
  group {
    group_id = kestra_group.bots.id
  }
}
"#,
        );
        let sa = &m.service_accounts[0];
        assert_eq!(sa.origin.address, "kestra_service_account.ci");
        assert_eq!(sa.name.as_ref().unwrap().known().map(String::as_str), Some("ci-bot"));
        assert_eq!(sa.groups[0].target, Target::Address("kestra_group.bots".into()));
        assert!(sa.groups_known);
    }

    #[test]
    fn references_and_unknowns() {
        let m = lower(
            r#"
resource "kestra_service_account_api_token" "t" {
  service_account_id = resource.kestra_service_account.sa["x"].id
  name = "${var.prefix}-token"
  max_age = "P30D"
}
resource "kestra_binding" "b" {
  type = "GROUP"
  external_id = data.kestra_group.g.id
  role_id = "68xAawPfiJPkTkZJIPX6jQ"
}
"#,
        );
        let t = &m.tokens[0];
        assert_eq!(t.owner.target, Target::Address("kestra_service_account.sa[\"x\"]".into()));
        assert!(t.name.as_ref().unwrap().is_unknown());
        assert!(matches!(m.bindings[0].principal.target, Target::External(_)));
        assert!(matches!(m.bindings[0].role.target, Target::External(_)));
    }

    #[test]
    fn syntax_error_points_into_the_file() {
        let m = lower("resource \"kestra_group\" \"g\" {\n  name = \n}\n");
        assert_eq!(m.problems[0].code, "IAM001");
        assert!(m.problems[0].span.start > 0);
    }

    #[test]
    fn dynamic_groups_are_unknown() {
        let m = lower(
            "resource \"kestra_service_account\" \"a\" {\n  name = \"a\"\n  dynamic \"groups\" {\n    for_each = var.g\n    content { id = groups.value }\n  }\n}\n",
        );
        assert!(!m.service_accounts[0].groups_known);
    }
}
