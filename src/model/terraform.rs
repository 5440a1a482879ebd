//! Terraform: blocks, attributes, references and file-reading calls, all with byte spans.

use crate::source::{FileId, Span};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Address {
    Var(String),
    Local(String),
    Output(String),
    Module(String),
    Data(String, String),
    Resource(String, String),
    /// Any other block that can hold references: `provider.aws`, `terraform`, `check.health`.
    Block(String),
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Var(n) => write!(f, "var.{n}"),
            Address::Local(n) => write!(f, "local.{n}"),
            Address::Output(n) => write!(f, "output.{n}"),
            Address::Module(n) => write!(f, "module.{n}"),
            Address::Data(t, n) => write!(f, "data.{t}.{n}"),
            Address::Resource(t, n) => write!(f, "{t}.{n}"),
            Address::Block(name) => f.write_str(name),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TfRef {
    pub addr: Address,
    /// The traversal up to the part that names the address (`module.m.out`, `data.t.n`).
    pub span: Span,
    /// For `module.m.out` and `module.m[k].out`: the output read (`None`: the whole module).
    pub output: Option<String>,
}

/// A `templatefile()` or `file()` call.
#[derive(Clone, Debug)]
pub struct FileCall {
    pub func: &'static str,
    pub span: Span,
    pub path_span: Span,
    /// The path relative to the module directory, when it is static.
    pub path: Option<String>,
    /// The path starts with `${path.module}`. Other relative paths are resolved against the
    /// directory Terraform runs in, which is the module's only for a root module.
    pub module_relative: bool,
    /// The top-level attribute the call sits in (`custom_data`, `user_data`, a local's name...).
    pub attr: String,
    /// The `templatefile()` variables map.
    pub vars: VarsMap,
}

/// A `templatefile()` variables map, as far as it is statically known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VarsMap {
    /// An object literal: its keys, and the span of the whole map.
    Literal(Vec<(String, Span)>, Span),
    /// `local.x`: known when that local is an object literal.
    Local(String, Span),
    /// Anything else (`var.x`, `merge(…)`): not checked.
    Unknown,
}

#[derive(Clone, Debug)]
pub struct TfAttr {
    pub name: String,
    pub span: Span,
    pub key_span: Span,
    /// The value expression.
    pub value_span: Span,
    /// The value when it is a plain string literal.
    pub literal: Option<String>,
    /// The value when it is another literal (number, bool, bare name, list of those).
    pub value: Option<Lit>,
    /// The keys when the value is an object literal.
    pub object_keys: Option<Vec<(String, Span)>>,
    pub refs: Vec<TfRef>,
}

/// A literal value other than a plain string (which is `TfAttr::literal`).
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Num(f64),
    Bool(bool),
    /// A bare name: `all` in `ignore_changes = all`; also `null`.
    Ident(String),
    /// A list's string, number and name elements (`custom_data`, `os_profile.custom_data` with
    /// index steps left out), each with its span; other elements are left out.
    List(Vec<(String, Span)>),
}

impl TfAttr {
    /// The value as text when it is a string or number literal (`22` and `"22"` alike).
    pub fn scalar(&self) -> Option<String> {
        match (&self.literal, &self.value) {
            (Some(s), _) => Some(s.clone()),
            (None, Some(Lit::Num(n))) => Some(n.to_string()),
            _ => None,
        }
    }

    pub fn list(&self) -> Option<&[(String, Span)]> {
        match &self.value {
            Some(Lit::List(items)) => Some(items),
            _ => None,
        }
    }

    pub fn bool(&self) -> Option<bool> {
        match (&self.value, self.literal.as_deref()) {
            (Some(Lit::Bool(b)), _) => Some(*b),
            (None, Some("true")) => Some(true),
            (None, Some("false")) => Some(false),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    Resource,
    Data,
    Module,
    Variable,
    Output,
    Locals,
    Other,
}

#[derive(Clone, Debug)]
pub struct TfBlock {
    pub kind: BlockKind,
    pub ident: String,
    pub labels: Vec<String>,
    pub span: Span,
    /// Identifier and labels: where block-level findings point.
    pub header: Span,
    pub attrs: Vec<TfAttr>,
    /// Every reference anywhere in the block, nested blocks included.
    pub refs: Vec<TfRef>,
    pub calls: Vec<FileCall>,
    /// Nested blocks (`required_providers`, `ingress`, `lifecycle`…), lowered the same way.
    pub blocks: Vec<TfBlock>,
}

impl TfBlock {
    pub fn attr(&self, name: &str) -> Option<&TfAttr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    pub fn blocks_named<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a TfBlock> + 'a {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }

    /// The address this block declares, if it declares one (locals blocks declare several).
    pub fn address(&self) -> Option<Address> {
        let label = |i: usize| self.labels.get(i).cloned();
        match self.kind {
            BlockKind::Resource => Some(Address::Resource(label(0)?, label(1)?)),
            BlockKind::Data => Some(Address::Data(label(0)?, label(1)?)),
            BlockKind::Module => Some(Address::Module(label(0)?)),
            BlockKind::Variable => Some(Address::Var(label(0)?)),
            BlockKind::Output => Some(Address::Output(label(0)?)),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct TfFile {
    pub blocks: Vec<TfBlock>,
}

impl TfFile {
    /// `terraform { required_providers { name = … } }` entries: local name and the attribute.
    pub fn required_providers(&self) -> impl Iterator<Item = &TfAttr> {
        self.blocks
            .iter()
            .filter(|b| b.ident == "terraform")
            .flat_map(|b| b.blocks_named("required_providers"))
            .flat_map(|b| &b.attrs)
    }
}

/// A Terraform module: one directory's `.tf` files.
#[derive(Clone, Debug)]
pub struct TfModule {
    /// Directory relative to the root, forward slashes, "" for the root itself.
    pub dir: String,
    pub files: Vec<FileId>,
}

/// One declared thing in a module: a block or a single local.
#[derive(Clone, Debug)]
pub struct TfEntity<'a> {
    pub addr: &'a Address,
    pub file: FileId,
    pub header: Span,
    pub refs: &'a [TfRef],
    pub block: &'a TfBlock,
}

/// Terraform override files (`override.tf`, `*_override.tf`) merge into the blocks they repeat.
pub fn is_override(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = name
        .strip_suffix(".tf")
        .or_else(|| name.strip_suffix(".tofu"))
        .unwrap_or(name);
    stem == "override" || stem.ends_with("_override")
}
