//! A policy's fix: set a field that is written on the object to a value, as one span edit
//! that keeps the value's quoting and escapes what the quoting needs (`rules::edits`). A
//! field that is not written is left alone (inserting keys is a layout decision a policy
//! cannot make).

use super::fields::{self, Object};
use super::{FixSpec, Scalar};
use crate::finding::Fix;
use crate::model::Workspace;
use crate::rules::edits::{self, Value};

pub fn describe(spec: &FixSpec) -> String {
    format!("set `{}` to `{}`", spec.field.text, spec.value)
}

pub fn fix(ws: &Workspace, obj: Object, spec: &FixSpec) -> Option<Fix> {
    let written = fields::written(obj, &spec.field)?;
    let new = spec.value.to_string();
    if written.current.as_deref() == Some(new.as_str()) {
        return None;
    }
    let old = written.current.as_deref().map_or(Value::Null, Value::Str);
    let value = match &spec.value {
        Scalar::Bool(b) => Value::Bool(*b),
        Scalar::Text(t) => Value::Str(t),
    };
    let edit = edits::replace(ws, written.span, old, value)?;
    Some(Fix { description: describe(spec), edits: vec![edit] })
}
