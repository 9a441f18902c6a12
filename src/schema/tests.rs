use super::*;
use crate::frontend::manifest;
use crate::source::FileId;
use serde_json::{json, Map, Value};
use std::collections::HashSet;

/// Every object shape of the table: the kinds, and the shapes nested in them.
fn shapes() -> Vec<&'static Object> {
    let mut out: Vec<&'static Object> = Vec::new();
    let mut todo: Vec<&'static Object> = KINDS.into_iter().map(object).collect();
    while let Some(o) = todo.pop() {
        if !out.contains(&o) {
            out.push(o);
            todo.extend(o.fields.iter().filter_map(|f| f.nested));
        }
    }
    out
}

fn assert_distinct(what: &str, items: impl IntoIterator<Item = String>) {
    let mut seen = HashSet::new();
    for item in items {
        assert!(seen.insert(item.clone()), "{what}: `{item}` twice");
    }
}

#[test]
fn every_shapes_fields_have_distinct_ids_and_spellings() {
    assert_eq!(shapes().len(), 9);
    for o in shapes() {
        let what = format!("{:?}", o.resources.first().or(o.section.as_ref()));
        assert_distinct(&what, o.fields.iter().map(|f| format!("{:?}", f.id)));
        for format in [Format::Terraform, Format::Manifest] {
            assert_distinct(&what, o.fields.iter().flat_map(|f| f.spellings(format)).map(|s| s.to_string()));
        }
        assert_distinct(&what, o.fields.iter().filter_map(|f| f.policy).map(str::to_string));
        for f in o.fields {
            assert_eq!(f.nested.is_some(), matches!(f.ty, References | Nested), "{what} {:?}", f.id);
        }
    }
    assert_distinct("resources", KINDS.iter().flat_map(|&k| object(k).resources).map(|s| s.to_string()));
    assert_distinct("sections", sections().chain([MANIFEST_TENANT]).map(str::to_string));
}

#[test]
fn resources_and_sections_name_their_kind() {
    for kind in KINDS {
        for resource in object(kind).resources {
            assert_eq!(kind_of_resource(resource), Some(kind));
        }
    }
    for t in &TOKEN_RESOURCES {
        assert_eq!(kind_of_resource(t.resource), Some(Kind::Token));
    }
    assert_eq!(kind_of_resource("kestra_user_password"), None);
    assert_eq!(sections().collect::<Vec<_>>(), ["serviceAccounts", "users", "groups", "roles", "bindings"]);
}

/// A value for every manifest key of `shape`, nested shapes included.
fn every_key(shape: &Object) -> Value {
    let mut map = Map::new();
    for f in shape.fields {
        let value = match (f.ty, f.nested) {
            (Flag, _) => json!(false),
            (Duration, _) => json!("P1D"),
            (List, _) => json!(["VIEW"]),
            (_, Some(nested)) => json!([every_key(nested)]),
            _ => json!("x"),
        };
        for key in f.manifest {
            map.insert(key.to_string(), value.clone());
        }
    }
    Value::Object(map)
}

/// A manifest that writes every key of the table once.
pub(crate) fn every_key_manifest() -> String {
    let mut doc = Map::new();
    doc.insert(MANIFEST_TENANT.into(), json!("main"));
    for kind in KINDS {
        if let Some(section) = object(kind).section {
            doc.insert(section.into(), json!([every_key(object(kind))]));
        }
    }
    serde_json::to_string_pretty(&Value::Object(doc)).unwrap()
}

#[test]
fn every_manifest_key_of_the_table_is_known() {
    let m = manifest::parse(FileId(0), &every_key_manifest(), true);
    let problems: Vec<&str> = m.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(problems.is_empty(), "{problems:?}");
    let counts = [m.service_accounts.len(), m.users.len(), m.groups.len(), m.roles.len(), m.bindings.len()];
    assert_eq!(counts, [1; 5]);
    assert_eq!(m.tokens.len(), 2);
    let personal: Vec<&str> = m.service_accounts[0].personal_info.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(personal, SERVICE_ACCOUNT.personal_keys(Format::Manifest).collect::<Vec<_>>());
}

#[test]
fn a_manifest_key_outside_the_table_is_unknown() {
    for (i, shape) in shapes().into_iter().enumerate().filter(|(_, s)| s.manifest_keys().next().is_some()) {
        let mut one = every_key(shape);
        one.as_object_mut().unwrap().insert("notAField".into(), json!("x"));
        // Put the shape where a manifest has it: each kind in its section, the rest inside
        // the object that nests them.
        let place = KINDS.into_iter().find_map(|k| {
            let host = object(k);
            if std::ptr::eq(host, shape) {
                return host.section.map(|s| json!({ s: [one.clone()] }));
            }
            let field = host.fields.iter().find(|f| f.nested.is_some_and(|n| std::ptr::eq(n, shape)))?;
            let mut item = every_key(host);
            item.as_object_mut()?.insert(field.manifest[0].into(), json!([one.clone()]));
            host.section.map(|s| json!({ s: [item] }))
        });
        let text = serde_json::to_string_pretty(&place.unwrap()).unwrap();
        let m = manifest::parse(FileId(0), &text, true);
        let problems: Vec<&str> = m.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(problems.len(), 1, "shape {i}: {problems:?}");
        assert!(problems[0].starts_with("unknown key `notAField`"), "{problems:?}");
    }
}
