//! Kestra's IAM schema, written once. For each kind of object: the Terraform resources
//! and the manifest section it comes from; for each of its fields: the model field, what
//! it holds, its Terraform spellings (current first, then legacy), its manifest keys (the
//! Kestra API's field names, which exports and manifests write) and its policy path.
//!
//! The Terraform, plan and manifest front ends read attributes and keys by these
//! spellings, IAM002 knows a manifest key exactly when it is here, and policies test the
//! paths listed here: a new field is one line in this table (and the code that gives it
//! a meaning).
//!
//! What stays code is how a spelling is read, not the spelling: a user named by `email`
//! when a manifest has no `username`, and the two places where one spelling depends on
//! another, each a small table of its own (`TOKEN_RESOURCES`, `GRANT_BLOCKS`).

#[cfg(test)]
pub(crate) mod tests;

use crate::model::{Format, Kind, PermissionStyle};
use FieldId::*;
use Type::*;

/// The model field a spelling stands for (or, for a derived policy path, the value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldId {
    Id,
    Name,
    Email,
    FirstName,
    LastName,
    Password,
    Description,
    Namespace,
    Tenant,
    SuperAdmin,
    Groups,
    Tokens,
    MaxAge,
    Extended,
    Owner,
    OwnerKind,
    PrincipalType,
    ExternalId,
    RoleId,
    Permissions,
    /// A membership's user (or service account).
    Member,
    /// A membership's group.
    Group,
    ResourceType,
    Actions,
    /// Fields the API returns that no rule reads (timestamps, token prefixes, flags of its
    /// own): known, so never IAM002.
    Other,
}

/// What a field holds, which decides how the front ends read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Text,
    Flag,
    /// Text that Kestra reads as an ISO 8601 duration.
    Duration,
    /// A list of text (a grant's actions).
    List,
    /// Names one object (a binding's role).
    Reference,
    /// Names objects: a list of names, or items shaped as `nested` (an account's groups).
    References,
    /// Objects written inside this one, shaped as `nested` (a role's grants).
    Nested,
    /// A person's detail, which a service account must not carry (IAM402).
    Personal,
    /// A secret: never a model value; IAM601 finds it by its key.
    Credential,
    /// Known to Kestra and read by no rule: never IAM002, and nothing more.
    Unread,
    /// Written nowhere: a policy path derived from how the object is written.
    Derived,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Field {
    pub id: FieldId,
    pub ty: Type,
    /// Terraform attribute or block names, the current one first.
    pub terraform: &'static [&'static str],
    /// Manifest keys, the current one first.
    pub manifest: &'static [&'static str],
    /// The path a policy tests it by.
    pub policy: Option<&'static str>,
    /// The shape of each item of a `References` or `Nested` field.
    pub nested: Option<&'static Object>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Object {
    /// The Terraform resource types lowered into this kind.
    pub resources: &'static [&'static str],
    /// The top-level manifest key listing objects of this kind, if they have their own.
    pub section: Option<&'static str>,
    pub fields: &'static [Field],
}

const fn field(id: FieldId, ty: Type) -> Field {
    Field { id, ty, terraform: &[], manifest: &[], policy: None, nested: None }
}

impl Field {
    const fn tf(mut self, spellings: &'static [&'static str]) -> Field {
        self.terraform = spellings;
        self
    }

    const fn api(mut self, keys: &'static [&'static str]) -> Field {
        self.manifest = keys;
        self
    }

    const fn path(mut self, path: &'static str) -> Field {
        self.policy = Some(path);
        self
    }

    const fn of(mut self, shape: &'static Object) -> Field {
        self.nested = Some(shape);
        self
    }

    pub fn spellings(&self, format: Format) -> &'static [&'static str] {
        match format {
            Format::Terraform => self.terraform,
            Format::Manifest => self.manifest,
        }
    }

    /// The spelling to write, in a fix: the current one.
    pub fn current(&self, format: Format) -> &'static str {
        self.spellings(format)[0]
    }
}

impl Object {
    /// A field of this kind; asking for one it lacks is a bug in the caller.
    pub fn field(&'static self, id: FieldId) -> &'static Field {
        match self.fields.iter().find(|f| f.id == id) {
            Some(f) => f,
            None => panic!("the schema has no field {id:?} here"),
        }
    }

    pub fn tf(&'static self, id: FieldId) -> &'static [&'static str] {
        self.field(id).terraform
    }

    pub fn api(&'static self, id: FieldId) -> &'static [&'static str] {
        self.field(id).manifest
    }

    /// The manifest keys IAM002 knows on this object, in table order (the first of equal
    /// "did you mean" candidates wins). Personal fields are left to IAM402.
    pub fn manifest_keys(&'static self) -> impl Iterator<Item = &'static str> + Clone {
        self.fields.iter().filter(|f| f.ty != Personal).flat_map(|f| f.manifest.iter().copied())
    }

    /// The spellings of personal fields (IAM402) in `format`.
    pub fn personal_keys(&'static self, format: Format) -> impl Iterator<Item = &'static str> + Clone {
        self.fields.iter().filter(|f| f.ty == Personal).flat_map(move |f| f.spellings(format).iter().copied())
    }
}

/// Which resource makes which token: the kind of its owner and the attribute naming it.
pub struct TokenResource {
    pub resource: &'static str,
    pub owner_kind: crate::model::OwnerKind,
    pub owner: &'static str,
}

pub const TOKEN_RESOURCES: [TokenResource; 2] = [
    TokenResource {
        resource: "kestra_service_account_api_token",
        owner_kind: crate::model::OwnerKind::ServiceAccount,
        owner: "service_account_id",
    },
    TokenResource { resource: "kestra_user_api_token", owner_kind: crate::model::OwnerKind::User, owner: "user_id" },
];

/// The Terraform blocks a role writes its grants in, each with its own key for the action
/// list: the 1.x `permissions { type, permissions }`, the 2.0 `resources { type, actions }`.
pub struct GrantBlock {
    pub style: PermissionStyle,
    pub block: &'static str,
    pub actions: &'static str,
}

pub const GRANT_BLOCKS: [GrantBlock; 2] = [
    GrantBlock { style: PermissionStyle::LegacyBlocks, block: "permissions", actions: "permissions" },
    GrantBlock { style: PermissionStyle::ResourceBlocks, block: "resources", actions: "actions" },
];

/// The key a manifest document sets its objects' tenant with (each Terraform resource
/// sets its own, `TENANT`).
pub const MANIFEST_TENANT: &str = "tenant";

pub const TENANT: Field = field(Tenant, Text).tf(&["tenant_id"]).path("tenant");
const ID: Field = field(Id, Text).api(&["id"]);
const NAME: Field = field(Name, Text).tf(&["name"]).api(&["name"]).path("name");
const DESCRIPTION: Field = field(Description, Text).tf(&["description"]).api(&["description"]).path("description");
// The API writes a namespace as `namespaceId`; hand-written manifests say `namespace`.
const NAMESPACE: Field = field(Namespace, Text).tf(&["namespace"]).api(&["namespace", "namespaceId"]).path("namespace");
const SUPER_ADMIN: Field = field(SuperAdmin, Flag).tf(&["super_admin"]).api(&["superAdmin"]).path("super_admin");
const GROUPS: Field = field(Groups, References).tf(&["groups", "group"]).api(&["groups"]).path("groups").of(&GROUP_REF);
const TOKENS: Field = field(Tokens, Nested).api(&["apiTokens"]).of(&TOKEN);
/// What the API says of an account beyond the fields rules read.
const ACCOUNT_EXTRAS: Field = field(Other, Unread).api(&["tenants", "groupList", "tenantId"]);

pub static SERVICE_ACCOUNT: Object = Object {
    resources: &["kestra_service_account"],
    section: Some("serviceAccounts"),
    fields: &[
        ID,
        field(Name, Text).tf(&["name", "username"]).api(&["name"]).path("name"),
        DESCRIPTION,
        SUPER_ADMIN,
        GROUPS,
        TOKENS,
        field(Email, Personal).tf(&["email"]).api(&["email"]),
        field(FirstName, Personal).tf(&["first_name"]).api(&["firstName"]),
        field(LastName, Personal).tf(&["last_name"]).api(&["lastName"]),
        field(Password, Personal).tf(&["password"]).api(&["password"]),
        field(Namespace, Unread).api(&["namespaceId"]),
        ACCOUNT_EXTRAS,
        TENANT,
    ],
};

pub static USER: Object = Object {
    resources: &["kestra_user"],
    section: Some("users"),
    fields: &[
        ID,
        field(Name, Text).tf(&["username"]).api(&["username"]).path("name"),
        field(Email, Text).tf(&["email"]).api(&["email"]).path("email"),
        field(FirstName, Unread).api(&["firstName"]),
        field(LastName, Unread).api(&["lastName"]),
        DESCRIPTION,
        SUPER_ADMIN,
        GROUPS,
        TOKENS,
        field(Password, Credential).api(&["password"]),
        field(Namespace, Unread).api(&["namespace", "namespaceId"]),
        ACCOUNT_EXTRAS,
        TENANT,
    ],
};

pub static TOKEN: Object = Object {
    resources: &[TOKEN_RESOURCES[0].resource, TOKEN_RESOURCES[1].resource],
    section: None,
    fields: &[
        field(Id, Unread).api(&["id"]),
        NAME,
        DESCRIPTION,
        field(MaxAge, Duration).tf(&["max_age"]).api(&["maxAge"]).path("max_age"),
        field(Extended, Flag).tf(&["extended"]).api(&["extended"]).path("extended"),
        // What the API lists of a token: its prefix, issue and expiry times, last use.
        field(Other, Unread).api(&["prefix", "iat", "exp", "lastUsed", "expired"]),
        field(Owner, Reference).tf(&[TOKEN_RESOURCES[0].owner, TOKEN_RESOURCES[1].owner]).path("owner"),
        field(OwnerKind, Derived).path("owner_kind"),
        TENANT,
    ],
};

pub static GROUP: Object = Object {
    resources: &["kestra_group"],
    section: Some("groups"),
    fields: &[ID, NAME, DESCRIPTION, NAMESPACE, field(Other, Unread).api(&["namespaceRoles", "globalRoles"]), TENANT],
};

pub static MEMBERSHIP: Object = Object {
    resources: &["kestra_user_group_membership"],
    section: None,
    fields: &[field(Member, Reference).tf(&["user_id"]), field(Group, Reference).tf(&["group_id"]), TENANT],
};

pub static ROLE: Object = Object {
    resources: &["kestra_role"],
    section: Some("roles"),
    fields: &[
        ID,
        NAME,
        DESCRIPTION,
        NAMESPACE,
        field(Permissions, Nested)
            .tf(&[GRANT_BLOCKS[0].block, GRANT_BLOCKS[1].block])
            .api(&["permissions"])
            .path("permissions")
            .of(&GRANT),
        field(Other, Unread).api(&["isDefault"]),
        TENANT,
    ],
};

pub static BINDING: Object = Object {
    resources: &["kestra_binding"],
    section: Some("bindings"),
    fields: &[
        field(Id, Unread).api(&["id"]),
        field(PrincipalType, Text).tf(&["type"]).api(&["type"]).path("type"),
        field(ExternalId, Reference).tf(&["external_id"]).api(&["externalId"]).path("external_id"),
        field(RoleId, Reference).tf(&["role_id"]).api(&["roleId"]).path("role_id"),
        NAMESPACE,
        TENANT,
    ],
};

/// A group named by an account: a block in Terraform, a mapping in a manifest.
pub static GROUP_REF: Object = Object {
    resources: &[],
    section: None,
    fields: &[
        field(Id, Reference).tf(&["id", "group_id"]).api(&["id", "name", "groupId"]),
        field(Other, Unread).api(&["tenantId"]),
    ],
};

/// One grant of a role: a Terraform block (`GRANT_BLOCKS`), or an item of a manifest's
/// `permissions` list (a manifest's `TYPE: [actions]` map has no keys of its own).
pub static GRANT: Object = Object {
    resources: &[],
    section: None,
    fields: &[
        field(ResourceType, Text).tf(&["type"]).api(&["type"]),
        field(Actions, List).tf(&[GRANT_BLOCKS[0].actions, GRANT_BLOCKS[1].actions]).api(&["permissions", "actions"]),
        field(Namespace, Unread).api(&["namespace"]),
    ],
};

/// Every kind, in the order of `Kind` (which is also the order of the manifest sections).
pub const KINDS: [Kind; 7] =
    [Kind::ServiceAccount, Kind::User, Kind::Group, Kind::Role, Kind::Binding, Kind::Token, Kind::Membership];

pub fn object(kind: Kind) -> &'static Object {
    match kind {
        Kind::ServiceAccount => &SERVICE_ACCOUNT,
        Kind::User => &USER,
        Kind::Group => &GROUP,
        Kind::Role => &ROLE,
        Kind::Binding => &BINDING,
        Kind::Token => &TOKEN,
        Kind::Membership => &MEMBERSHIP,
    }
}

/// The kind a Terraform resource type is lowered into, if it is one iamlint models.
pub fn kind_of_resource(resource: &str) -> Option<Kind> {
    KINDS.into_iter().find(|&k| object(k).resources.contains(&resource))
}

/// The owner of a token made by `resource`.
pub fn token_resource(resource: &str) -> Option<&'static TokenResource> {
    TOKEN_RESOURCES.iter().find(|t| t.resource == resource)
}

/// The manifest's section keys, in the order of `Kind`.
pub fn sections() -> impl Iterator<Item = &'static str> + Clone {
    KINDS.into_iter().filter_map(|k| object(k).section)
}
