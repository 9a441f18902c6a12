//! The field paths a policy can test, per kind of object, and their values on the model.
//!
//! Paths are the model's snake_case names, the same whether an object was written in
//! Terraform or in a manifest (`max_age` for `maxAge`, `external_id` for `externalId`);
//! each kind's vocabulary is the fields with a policy path in `crate::schema`. Each path
//! is checked against it when the policy is loaded, so a typo is an error with a
//! suggestion, never a rule that silently never fires.
//!
//! Extension point: paths that need derived data rather than written fields (the access
//! graph's `effective.permissions`) become new `Derived` fields of their kinds in the
//! schema (`lookup` then stops refusing them) and are resolved in `value` from data
//! computed once per policy run in `Env`, as the groups of each account are.

use crate::model::*;
use crate::rules::Context;
// What a path names: a field of the schema.
use crate::schema::{self, FieldId as Attr};
use crate::source::Span;
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

/// The kinds of object a policy can apply to (`applies-to`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    ServiceAccount,
    Token,
    User,
    Group,
    Role,
    Binding,
}

impl Subject {
    pub const ALL: [Subject; 6] =
        [Subject::ServiceAccount, Subject::Token, Subject::User, Subject::Group, Subject::Role, Subject::Binding];

    pub fn keyword(self) -> &'static str {
        match self {
            Subject::ServiceAccount => "service-account",
            Subject::Token => "token",
            Subject::User => "user",
            Subject::Group => "group",
            Subject::Role => "role",
            Subject::Binding => "binding",
        }
    }

    pub fn parse(s: &str) -> Option<Subject> {
        Subject::ALL.into_iter().find(|k| k.keyword() == s)
    }

    pub fn plural(self) -> &'static str {
        match self {
            Subject::ServiceAccount => "service accounts",
            Subject::Token => "API tokens",
            Subject::User => "users",
            Subject::Group => "groups",
            Subject::Role => "roles",
            Subject::Binding => "bindings",
        }
    }

    fn object(self) -> &'static schema::Object {
        schema::object(match self {
            Subject::ServiceAccount => Kind::ServiceAccount,
            Subject::Token => Kind::Token,
            Subject::User => Kind::User,
            Subject::Group => Kind::Group,
            Subject::Role => Kind::Role,
            Subject::Binding => Kind::Binding,
        })
    }

    /// The fields a policy can test, by path, in the schema's order.
    fn vocabulary(self) -> impl Iterator<Item = (&'static str, &'static schema::Field)> {
        self.object().fields.iter().filter_map(|f| Some((f.policy?, f)))
    }

    /// Every path this kind offers, for suggestions and documentation.
    pub fn paths(self) -> Vec<String> {
        let mut out: Vec<String> = self.vocabulary().map(|(p, _)| p.to_string()).collect();
        if self == Subject::Role {
            out.push("permissions.TYPE".into());
        }
        out
    }
}

/// What a field holds, which decides the operators it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Text,
    /// Text read as an ISO 8601 duration by `max-duration`.
    Duration,
    /// A flag; absent means Kestra's default, false.
    Bool,
    List,
}

impl FieldType {
    pub fn noun(self) -> &'static str {
        match self {
            FieldType::Text => "a text field",
            FieldType::Duration => "a duration field",
            FieldType::Bool => "a true/false field",
            FieldType::List => "a list field",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Key {
    Field(&'static schema::Field),
    /// `permissions.SECRET`: the actions a role grants on one resource type.
    PermissionsOf(String),
}

/// A checked field path: valid for its subject by construction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldPath {
    pub text: String,
    key: Key,
}

impl FieldPath {
    pub fn ty(&self) -> FieldType {
        match &self.key {
            Key::PermissionsOf(_) => FieldType::List,
            Key::Field(f) => match f.ty {
                schema::Type::Flag => FieldType::Bool,
                schema::Type::Duration => FieldType::Duration,
                schema::Type::List | schema::Type::References | schema::Type::Nested => FieldType::List,
                _ => FieldType::Text,
            },
        }
    }

    /// Whether a fix may set this field: a scalar written on the object itself, not a
    /// reference or a value derived from elsewhere.
    pub fn settable(&self) -> bool {
        matches!(
            self.key,
            Key::Field(f) if matches!(
                f.id,
                Attr::Name
                    | Attr::Description
                    | Attr::Namespace
                    | Attr::SuperAdmin
                    | Attr::MaxAge
                    | Attr::Extended
                    | Attr::PrincipalType
            )
        )
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct UnknownPath {
    pub message: String,
    pub help: Option<String>,
}

/// Checks `path` against the vocabulary of `subject`.
pub fn lookup(subject: Subject, path: &str) -> Result<FieldPath, UnknownPath> {
    if let Some((_, field)) = subject.vocabulary().find(|(p, _)| *p == path) {
        return Ok(FieldPath { text: path.to_string(), key: Key::Field(field) });
    }
    if subject == Subject::Role {
        if let Some(ty) = path.strip_prefix("permissions.") {
            let valid = !ty.is_empty() && ty.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if valid {
                let ty = ty.to_ascii_uppercase();
                return Ok(FieldPath { text: format!("permissions.{ty}"), key: Key::PermissionsOf(ty) });
            }
            return Err(UnknownPath {
                message: format!("`{path}` is not a resource type path"),
                help: Some("write `permissions.TYPE` with a resource type such as `permissions.SECRET`".into()),
            });
        }
    }
    if path == "effective" || path.starts_with("effective.") {
        return Err(UnknownPath {
            message: format!(
                "`{path}` needs the access graph (effective permissions), which this version does not build"
            ),
            help: Some("test a role's own `permissions.TYPE` instead".into()),
        });
    }
    let paths = subject.paths();
    let help = crate::suggest::closest(path, paths.iter().map(String::as_str))
        .map(|s| format!("did you mean `{s}`?"))
        .or_else(|| Some(format!("{} have: {}", subject.plural(), paths.join(", "))));
    Err(UnknownPath { message: format!("unknown field `{path}` for {}", subject.plural()), help })
}

/// One object a policy applies to.
#[derive(Clone, Copy, Debug)]
pub enum Object<'a> {
    ServiceAccount(usize, &'a ServiceAccount),
    User(usize, &'a User),
    Token(&'a ApiToken),
    Group(&'a Group),
    Role(&'a Role),
    Binding(&'a Binding),
}

impl<'a> Object<'a> {
    pub fn all(ws: &'a Workspace, subject: Subject) -> Vec<Object<'a>> {
        match subject {
            Subject::ServiceAccount => {
                ws.service_accounts.iter().enumerate().map(|(i, x)| Object::ServiceAccount(i, x)).collect()
            }
            Subject::User => ws.users.iter().enumerate().map(|(i, x)| Object::User(i, x)).collect(),
            Subject::Token => ws.tokens.iter().map(Object::Token).collect(),
            Subject::Group => ws.groups.iter().map(Object::Group).collect(),
            Subject::Role => ws.roles.iter().map(Object::Role).collect(),
            Subject::Binding => ws.bindings.iter().map(Object::Binding).collect(),
        }
    }

    pub fn origin(&self) -> &'a Origin {
        match *self {
            Object::ServiceAccount(_, x) => &x.origin,
            Object::User(_, x) => &x.origin,
            Object::Token(x) => &x.origin,
            Object::Group(x) => &x.origin,
            Object::Role(x) => &x.origin,
            Object::Binding(x) => &x.origin,
        }
    }

    fn text_field(&self, attr: Attr) -> Option<&'a Option<Text>> {
        Some(match (*self, attr) {
            (Object::ServiceAccount(_, x), Attr::Name) => &x.name,
            (Object::ServiceAccount(_, x), Attr::Description) => &x.description,
            (Object::User(_, x), Attr::Name) => &x.name,
            (Object::User(_, x), Attr::Email) => &x.email,
            (Object::User(_, x), Attr::Description) => &x.description,
            (Object::Token(x), Attr::Name) => &x.name,
            (Object::Token(x), Attr::Description) => &x.description,
            (Object::Token(x), Attr::MaxAge) => &x.max_age,
            (Object::Group(x), Attr::Name) => &x.name,
            (Object::Group(x), Attr::Description) => &x.description,
            (Object::Group(x), Attr::Namespace) => &x.namespace,
            (Object::Role(x), Attr::Name) => &x.name,
            (Object::Role(x), Attr::Description) => &x.description,
            (Object::Role(x), Attr::Namespace) => &x.namespace,
            (Object::Binding(x), Attr::PrincipalType) => &x.principal_type,
            (Object::Binding(x), Attr::Namespace) => &x.namespace,
            _ => return None,
        })
    }

    fn flag_field(&self, attr: Attr) -> Option<&'a Option<Field<bool>>> {
        Some(match (*self, attr) {
            (Object::ServiceAccount(_, x), Attr::SuperAdmin) => &x.super_admin,
            (Object::User(_, x), Attr::SuperAdmin) => &x.super_admin,
            (Object::Token(x), Attr::Extended) => &x.extended,
            _ => return None,
        })
    }
}

/// A field's value on one object.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Not written, or written as null (a list is then an empty list, never `Absent`).
    Absent,
    /// An expression iamlint cannot evaluate: no test on it is true or false.
    Unknown,
    Text {
        text: String,
        span: Span,
    },
    /// `written` is false when the value is Kestra's default for an absent field.
    Bool {
        value: bool,
        span: Span,
        written: bool,
    },
    /// `complete` is false when more items may hide in expressions iamlint cannot evaluate;
    /// `span` is where the list is written as a whole, when the model knows it.
    List {
        items: Vec<Item>,
        complete: bool,
        span: Option<Span>,
    },
}

/// A list item; `text` is `None` when the item is an expression iamlint cannot evaluate.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub text: Option<String>,
    pub span: Span,
}

/// Where a written field is, and whether its value may be replaced (known or null), for fixes.
pub struct Written {
    pub span: Span,
    pub current: Option<String>,
}

pub fn written(obj: Object, path: &FieldPath) -> Option<Written> {
    let Key::Field(field) = path.key else { return None };
    let attr = field.id;
    if let Some(field) = obj.text_field(attr) {
        let f = field.as_ref()?;
        return match &f.val {
            Val::Known(s) => Some(Written { span: f.span, current: Some(s.clone()) }),
            Val::Null => Some(Written { span: f.span, current: None }),
            Val::Unknown => None,
        };
    }
    let f = obj.flag_field(attr)?.as_ref()?;
    match f.val {
        Val::Known(b) => Some(Written { span: f.span, current: Some(b.to_string()) }),
        Val::Null => Some(Written { span: f.span, current: None }),
        Val::Unknown => None,
    }
}

/// What values are read from: the model, and what is derived from it once per policy
/// run rather than once per object (the groups each account is in through membership
/// resources). Derived paths such as `effective.permissions` put their data here.
pub struct Env<'a> {
    pub cx: &'a Context<'a>,
    members: OnceCell<Members>,
}

/// Membership resources by account, and the tenants where a membership's account is an
/// expression (and might be any account).
#[derive(Default)]
struct Members {
    groups: HashMap<ObjectRef, Vec<usize>>,
    opaque_tenants: HashSet<String>,
}

impl<'a> Env<'a> {
    pub fn new(cx: &'a Context<'a>) -> Self {
        Env { cx, members: OnceCell::new() }
    }

    pub fn ws(&self) -> &'a Workspace {
        self.cx.ws
    }

    fn members(&self) -> &Members {
        self.members.get_or_init(|| {
            let mut m = Members::default();
            for (i, membership) in self.ws().memberships.iter().enumerate() {
                match membership.user.resolved {
                    Some(user) => m.groups.entry(user).or_default().push(i),
                    None if membership.user.target == Target::Unknown => {
                        m.opaque_tenants.insert(membership.origin.tenant.clone());
                    }
                    None => {}
                }
            }
            m
        })
    }
}

pub fn value(env: &Env, obj: Object, path: &FieldPath) -> Value {
    let ws = env.ws();
    let attr = match &path.key {
        Key::PermissionsOf(ty) => {
            return match obj {
                Object::Role(role) => actions_of(role, ty),
                _ => Value::Unknown,
            }
        }
        Key::Field(f) => f.id,
    };
    if let Some(field) = obj.text_field(attr) {
        return match field {
            None => Value::Absent,
            Some(f) => match &f.val {
                Val::Known(s) => Value::Text { text: s.clone(), span: f.span },
                Val::Null => Value::Absent,
                Val::Unknown => Value::Unknown,
            },
        };
    }
    if let Some(field) = obj.flag_field(attr) {
        let default = Value::Bool { value: false, span: obj.origin().span, written: false };
        return match field {
            None => default,
            Some(f) => match f.val {
                Val::Known(b) => Value::Bool { value: b, span: f.span, written: true },
                Val::Null => default,
                Val::Unknown => Value::Unknown,
            },
        };
    }
    match (obj, attr) {
        (_, Attr::Tenant) => {
            let origin = obj.origin();
            match origin.tenant_source {
                TenantSource::Unknown => Value::Unknown,
                _ => Value::Text { text: origin.tenant.clone(), span: origin.span },
            }
        }
        (Object::ServiceAccount(i, sa), Attr::Groups) => {
            groups(env, ObjectRef::ServiceAccount(i), &sa.groups, sa.groups_known, &sa.origin)
        }
        (Object::User(i, user), Attr::Groups) => {
            groups(env, ObjectRef::User(i), &user.groups, user.groups_known, &user.origin)
        }
        (Object::Token(t), Attr::Owner) => reference(ws, &t.owner),
        (Object::Token(t), Attr::OwnerKind) => Value::Text {
            text: match t.owner_kind {
                OwnerKind::ServiceAccount => "service-account".into(),
                OwnerKind::User => "user".into(),
            },
            span: t.origin.span,
        },
        (Object::Binding(b), Attr::ExternalId) => reference(ws, &b.principal),
        (Object::Binding(b), Attr::RoleId) => reference(ws, &b.role),
        (Object::Role(r), Attr::Permissions) => Value::List {
            items: r.grants.iter().map(|g| Item { text: g.resource_type.known().cloned(), span: g.span }).collect(),
            complete: r.grants_known,
            span: None,
        },
        // `lookup` only hands out paths of the object's own vocabulary.
        _ => Value::Unknown,
    }
}

/// A reference as the name it designates: the resolved object's name, or the literal
/// name or id as written. An unresolved address or an expression is unknown.
fn reference(ws: &Workspace, r: &Reference) -> Value {
    match text_of_reference(ws, r) {
        Some(text) => Value::Text { text, span: r.span },
        None => Value::Unknown,
    }
}

fn text_of_reference(ws: &Workspace, r: &Reference) -> Option<String> {
    if let Some(o) = r.resolved {
        let name = match o {
            ObjectRef::ServiceAccount(i) => known_str(&ws.service_accounts[i].name),
            ObjectRef::User(i) => known_str(&ws.users[i].name),
            ObjectRef::Group(i) => known_str(&ws.groups[i].name),
            ObjectRef::Role(i) => known_str(&ws.roles[i].name),
        };
        return name.map(str::to_string);
    }
    match &r.target {
        Target::Name(n) | Target::External(n) => Some(n.clone()),
        Target::Address(_) | Target::Unknown | Target::Direct(_) => None,
    }
}

/// The groups of an account: its own `groups` and every membership resource naming it.
fn groups(env: &Env, me: ObjectRef, own: &[Reference], own_known: bool, origin: &Origin) -> Value {
    let ws = env.ws();
    let members = env.members();
    let mut items: Vec<Item> = own.iter().map(|r| Item { text: text_of_reference(ws, r), span: r.span }).collect();
    for &i in members.groups.get(&me).into_iter().flatten() {
        let group = &ws.memberships[i].group;
        items.push(Item { text: text_of_reference(ws, group), span: group.span });
    }
    // A membership whose account is an expression might name this account.
    let complete = own_known && !members.opaque_tenants.contains(&origin.tenant);
    Value::List { items, complete, span: None }
}

/// The actions a role grants on one resource type, over every grant of that type.
fn actions_of(role: &Role, ty: &str) -> Value {
    let mut items = Vec::new();
    // The type as written (`SECRET:` in a manifest, `type = "SECRET"` in Terraform).
    let mut found = None;
    let mut complete = role.grants_known;
    for g in &role.grants {
        match g.resource_type.known() {
            Some(t) if t.eq_ignore_ascii_case(ty) => {
                found = found.or(Some(g.resource_type.span));
                items.extend(g.actions.iter().map(|a| Item { text: a.known().cloned(), span: a.span }));
            }
            Some(_) => {}
            // A grant whose type is an expression might be this type.
            None => complete = false,
        }
    }
    match (found, complete) {
        (Some(span), _) => Value::List { items, complete, span: Some(span) },
        // No grant on the type: an empty list, so `absent` holds and so does `in` (for
        // every one of no actions).
        (None, true) => Value::List { items, complete, span: None },
        (None, false) => Value::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_checks_the_vocabulary() {
        assert_eq!(lookup(Subject::Token, "max_age").unwrap().ty(), FieldType::Duration);
        assert_eq!(lookup(Subject::Role, "permissions.secret").unwrap().text, "permissions.SECRET");
        let e = lookup(Subject::Token, "maxAge").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `max_age`?"));
        let e = lookup(Subject::Group, "max_age").unwrap_err();
        assert_eq!(e.message, "unknown field `max_age` for groups");
        assert!(e.help.unwrap().contains("name, description, namespace, tenant"));
        assert!(lookup(Subject::ServiceAccount, "permissions.SECRET").is_err());
        assert!(lookup(Subject::Role, "permissions.").is_err());
        let e = lookup(Subject::ServiceAccount, "effective.permissions").unwrap_err();
        assert!(e.message.contains("access graph"), "{}", e.message);
    }

    #[test]
    fn the_vocabulary_covers_every_field_the_model_carries() {
        use schema::Type::*;
        for subject in Subject::ALL {
            for f in subject.object().fields {
                // Ids are only written in exports; tokens are objects of their own.
                let carried =
                    !matches!(f.ty, Personal | Unread | Credential) && !matches!(f.id, Attr::Id | Attr::Tokens);
                assert_eq!(f.policy.is_some(), carried, "{:?} of {}", f.id, subject.keyword());
            }
        }
    }

    /// Each path of every object's kind, and its value on that object.
    fn values(ws: &Workspace) -> Vec<(Subject, &'static str, Value)> {
        let settings = crate::rules::Settings::default();
        let cx = Context::new(ws, &settings);
        let env = Env::new(&cx);
        let mut out = Vec::new();
        for subject in Subject::ALL {
            for o in Object::all(ws, subject) {
                for (path, _) in subject.vocabulary() {
                    out.push((subject, path, value(&env, o, &lookup(subject, path).unwrap())));
                }
            }
        }
        out
    }

    #[test]
    fn every_path_is_a_value_of_an_object_written_in_a_manifest() {
        let ws = crate::lint::load_texts(&[("iam.json", &schema::tests::every_key_manifest())]);
        let values = values(&ws);
        assert!(Subject::ALL.iter().all(|s| values.iter().any(|(v, _, _)| v == s)));
        for (subject, path, v) in values {
            assert!(!matches!(v, Value::Unknown | Value::Absent), "{path} of {}: {v:?}", subject.keyword());
        }
    }

    #[test]
    fn every_terraform_spelling_of_a_path_is_read() {
        use schema::Type::*;
        for subject in Subject::ALL {
            let fields = subject.vocabulary().filter(|(_, f)| matches!(f.ty, Text | Flag | Duration));
            for (path, f) in fields {
                for (resource, spelling) in
                    subject.object().resources.iter().flat_map(|r| f.terraform.iter().map(move |s| (r, s)))
                {
                    let literal = if f.ty == Flag { "true" } else { "\"P1D\"" };
                    let tf = format!("resource \"{resource}\" \"x\" {{\n  {spelling} = {literal}\n}}\n");
                    let ws = crate::lint::load_texts(&[("main.tf", &tf)]);
                    let v = values(&ws).into_iter().find(|(s, p, _)| *s == subject && *p == path).map(|(.., v)| v);
                    let read = matches!(v, Some(Value::Text { .. } | Value::Bool { written: true, .. }));
                    assert!(read, "{resource}.{spelling}: {v:?}");
                }
            }
        }
    }
}
