//! What `schema::quick` reads of an instance: a JSON value, or a YAML node read as the JSON
//! that `json::instance` would make of it. Building that JSON for every Kubernetes object cost
//! as much as checking it, and nearly every object is valid, so the JSON is built only for
//! the objects the compiled validator must see.

use crate::parse::yaml::{Style, YNode, YValue};
use crate::schema::json::{plain_scalar, Plain};
use serde_json::{Number, Value};

/// The JSON type of an instance, with a scalar's value.
pub enum Kind {
    Null,
    Bool(bool),
    Number(Number),
    String,
    Array,
    Object,
}

pub trait Instance<'i>: Copy + 'i {
    fn kind(self) -> Kind;
    /// How many items an array has, or properties an object has; 0 for anything else.
    fn size(self) -> usize;
    /// Whether `property` is a search of a sorted map, rather than a scan.
    const INDEXED: bool;
    fn as_str(self) -> Option<&'i str>;
    /// An array's items; nothing for anything else.
    fn items(self) -> impl Iterator<Item = Self> + 'i;
    /// An object's properties; nothing for anything else.
    fn properties(self) -> impl Iterator<Item = (&'i str, Self)> + 'i;
    fn property(self, name: &str) -> Option<Self> {
        self.properties().find(|(k, _)| *k == name).map(|(_, v)| v)
    }
    /// Equal as JSON values are.
    fn equals(self, other: &Value) -> bool;
}

impl<'i> Instance<'i> for &'i Value {
    fn kind(self) -> Kind {
        match self {
            Value::Null => Kind::Null,
            Value::Bool(b) => Kind::Bool(*b),
            Value::Number(n) => Kind::Number(n.clone()),
            Value::String(_) => Kind::String,
            Value::Array(_) => Kind::Array,
            Value::Object(_) => Kind::Object,
        }
    }

    fn size(self) -> usize {
        match self {
            Value::Array(a) => a.len(),
            Value::Object(o) => o.len(),
            _ => 0,
        }
    }

    const INDEXED: bool = true;

    fn as_str(self) -> Option<&'i str> {
        Value::as_str(self)
    }

    fn items(self) -> impl Iterator<Item = Self> + 'i {
        self.as_array().into_iter().flatten()
    }

    fn properties(self) -> impl Iterator<Item = (&'i str, Self)> + 'i {
        self.as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v))
    }

    fn property(self, name: &str) -> Option<Self> {
        self.as_object()?.get(name)
    }

    fn equals(self, other: &Value) -> bool {
        self == other
    }
}

/// A YAML node whose JSON reading needs none of what `json::instance` resolves beyond plain
/// scalars: no tags, aliases, merge keys, complex or repeated keys.
#[derive(Clone, Copy)]
pub struct Yaml<'i>(&'i YNode);

/// As deep as `json::instance` converts.
const MAX_DEPTH: usize = 300;

impl<'i> Yaml<'i> {
    /// `root` read directly, if its JSON is that simple; `repeated_keys` says whether the
    /// parser met a key twice in the file.
    pub fn plain(root: &'i YNode, repeated_keys: bool) -> Option<Yaml<'i>> {
        (!repeated_keys && simple(root, 0)).then_some(Yaml(root))
    }

    fn scalar(self) -> Option<Plain<'i>> {
        match &self.0.value {
            YValue::Scalar(s, Style::Plain) => Some(plain_scalar(s)),
            YValue::Scalar(s, _) => Some(Plain::String(s)),
            _ => None,
        }
    }
}

fn simple(node: &YNode, depth: usize) -> bool {
    if depth > MAX_DEPTH || node.tag.is_some() {
        return false;
    }
    match &node.value {
        YValue::Alias => false,
        YValue::Scalar(..) => true,
        YValue::Seq(items) => items.iter().all(|i| simple(i, depth + 1)),
        YValue::Map(entries) => entries.iter().all(|(k, v)| {
            let merge = k.as_str() == Some("<<") && k.style() == Some(Style::Plain);
            matches!(k.value, YValue::Scalar(..))
                && k.tag.is_none()
                && !merge
                && simple(v, depth + 1)
        }),
    }
}

/// `json::instance` drops a property whose value is null.
fn kept(v: &YNode) -> bool {
    !(v.is_null() && v.tag.is_none())
}

impl<'i> Instance<'i> for Yaml<'i> {
    fn kind(self) -> Kind {
        match &self.0.value {
            YValue::Seq(_) => Kind::Array,
            YValue::Map(_) => Kind::Object,
            _ => match self.scalar() {
                Some(Plain::Null) | None => Kind::Null,
                Some(Plain::Bool(b)) => Kind::Bool(b),
                Some(Plain::Number(n)) => Kind::Number(n),
                Some(Plain::String(_)) => Kind::String,
            },
        }
    }

    fn size(self) -> usize {
        match &self.0.value {
            YValue::Seq(items) => items.len(),
            YValue::Map(entries) => entries.iter().filter(|(_, v)| kept(v)).count(),
            _ => 0,
        }
    }

    const INDEXED: bool = false;

    fn as_str(self) -> Option<&'i str> {
        match self.scalar()? {
            Plain::String(s) => Some(s),
            _ => None,
        }
    }

    fn items(self) -> impl Iterator<Item = Self> + 'i {
        self.0.items().iter().map(Yaml)
    }

    fn properties(self) -> impl Iterator<Item = (&'i str, Self)> + 'i {
        self.0
            .entries()
            .iter()
            .filter(|(_, v)| kept(v))
            .filter_map(|(k, v)| Some((k.as_str()?, Yaml(v))))
    }

    fn equals(self, other: &Value) -> bool {
        match (self.kind(), other) {
            (Kind::Null, Value::Null) => true,
            (Kind::Bool(a), Value::Bool(b)) => a == *b,
            (Kind::Number(a), Value::Number(b)) => a == *b,
            (Kind::String, Value::String(b)) => self.as_str() == Some(b.as_str()),
            (Kind::Array, Value::Array(b)) => {
                self.size() == b.len() && self.items().zip(b).all(|(x, y)| x.equals(y))
            }
            (Kind::Object, Value::Object(b)) => {
                self.size() == b.len()
                    && self
                        .properties()
                        .all(|(k, x)| b.get(k).is_some_and(|y| x.equals(y)))
            }
            _ => false,
        }
    }
}
