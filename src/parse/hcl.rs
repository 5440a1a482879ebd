//! HCL (hcl-edit, which keeps spans) lowered into the Terraform model.

use crate::model::terraform::{
    Address, BlockKind, FileCall, Lit, TfAttr, TfBlock, TfFile, TfRef, VarsMap,
};
use crate::model::terragrunt::{TgDep, TgFile, TgPath, TgRead, ROOT, ROOT_PREFIX};
use crate::source::Span;
use hcl_edit::expr::{Expression, ForExpr, FuncCall, ObjectKey, Traversal, TraversalOperator};
use hcl_edit::structure::{Attribute, Block, BlockLabel, Body, Structure};
use hcl_edit::template::Element;
use hcl_edit::visit::{self, Visit};

/// A syntax error: byte offset and message.
pub struct HclError {
    pub offset: usize,
    pub message: String,
}

pub fn parse_body(text: &str) -> Result<Body, HclError> {
    hcl_edit::parser::parse_body(text).map_err(|e| HclError {
        offset: e.location().offset(),
        message: e.message().to_string(),
    })
}

fn span_of(node: &impl hcl_edit::Span) -> Span {
    node.span()
        .map(|r| Span::new(r.start, r.end))
        .unwrap_or_default()
}

pub fn lower(body: &Body) -> TfFile {
    TfFile {
        blocks: body
            .iter()
            .filter_map(Structure::as_block)
            .map(lower_block)
            .collect(),
    }
}

fn lower_block(block: &Block) -> TfBlock {
    let ident = block.ident.as_str().to_string();
    let kind = match ident.as_str() {
        "resource" => BlockKind::Resource,
        "data" => BlockKind::Data,
        "module" => BlockKind::Module,
        "variable" => BlockKind::Variable,
        "output" => BlockKind::Output,
        "locals" => BlockKind::Locals,
        _ => BlockKind::Other,
    };
    let labels: Vec<String> = block
        .labels
        .iter()
        .map(|l| match l {
            BlockLabel::Ident(i) => i.as_str().to_string(),
            BlockLabel::String(s) => s.as_str().to_string(),
        })
        .collect();
    let header_end = block
        .labels
        .last()
        .map(span_of)
        .unwrap_or_else(|| span_of(&block.ident))
        .end;
    let mut out = TfBlock {
        kind,
        ident,
        labels,
        span: span_of(block),
        header: Span::new(span_of(&block.ident).start, header_end),
        attrs: Vec::new(),
        refs: Vec::new(),
        calls: Vec::new(),
        blocks: Vec::new(),
    };
    for structure in block.body.iter() {
        match structure {
            Structure::Attribute(attr) => {
                let (a, refs, calls) = lower_attr(&out.ident, attr);
                out.refs.extend(refs);
                out.calls.extend(calls);
                out.attrs.push(a);
            }
            Structure::Block(nested) => {
                // Calls in a nested block are named after the block (`part` of cloudinit_config).
                let mut c = Collector::new(nested.ident.as_str());
                c.visit_block(nested);
                out.refs.extend(c.refs);
                out.calls.extend(c.calls);
                out.blocks.push(lower_block(nested));
            }
        }
    }
    out
}

/// Top-level attributes of a `.tfvars` file.
pub fn lower_tfvars(body: &Body) -> Vec<TfAttr> {
    body.iter()
        .filter_map(Structure::as_attribute)
        .map(|a| lower_attr("", a).0)
        .collect()
}

/// One attribute of a block named `block`, with the references and calls in its value.
fn lower_attr(block: &str, attr: &Attribute) -> (TfAttr, Vec<TfRef>, Vec<FileCall>) {
    let mut c = Collector::new(attr.key.as_str());
    // `moved`, `removed` and `import` name addresses (old, new, or inside modules),
    // not values to read.
    let old_address = matches!(block, "moved" | "removed" | "import")
        && matches!(attr.key.as_str(), "from" | "to");
    if !old_address {
        c.visit_expr(&attr.value);
    }
    let literal = match &attr.value {
        Expression::String(s) => Some(s.as_str().to_string()),
        _ => None,
    };
    let object_keys = match &attr.value {
        Expression::Object(obj) => Some(object_keys(obj)),
        _ => None,
    };
    let a = TfAttr {
        name: attr.key.as_str().to_string(),
        span: span_of(attr),
        key_span: span_of(&attr.key),
        value_span: span_of(&attr.value),
        literal,
        value: lit(&attr.value),
        object_keys,
        refs: c.refs.clone(),
    };
    (a, c.refs, c.calls)
}

/// Numbers, bools, bare names and lists of those (and of strings).
fn lit(expr: &Expression) -> Option<Lit> {
    match expr {
        Expression::Number(n) => n.value().as_f64().map(Lit::Num),
        Expression::Bool(b) => Some(Lit::Bool(*b.value())),
        Expression::Variable(v) => Some(Lit::Ident(v.as_str().to_string())),
        Expression::Null(_) => Some(Lit::Ident("null".to_string())),
        Expression::Array(items) => Some(Lit::List(
            items
                .iter()
                .filter_map(|e| {
                    let text = match e {
                        Expression::String(s) => s.as_str().to_string(),
                        Expression::Number(n) => n.value().as_f64()?.to_string(),
                        Expression::Variable(v) => v.as_str().to_string(),
                        Expression::Traversal(t) => match &t.expr {
                            Expression::Variable(root) => {
                                let mut out = root.as_str().to_string();
                                for op in t.operators.iter() {
                                    match op.value() {
                                        TraversalOperator::GetAttr(id) => {
                                            out.push('.');
                                            out.push_str(id.as_str());
                                        }
                                        TraversalOperator::Index(_)
                                        | TraversalOperator::LegacyIndex(_) => {}
                                        _ => return None,
                                    }
                                }
                                out
                            }
                            _ => return None,
                        },
                        _ => return None,
                    };
                    Some((text, span_of(e)))
                })
                .collect(),
        )),
        _ => None,
    }
}

/// Walks expressions, collecting references and file-reading calls.
struct Collector {
    attr: String,
    refs: Vec<TfRef>,
    calls: Vec<FileCall>,
    /// Names bound by enclosing `for` expressions and `dynamic` blocks.
    bound: Vec<String>,
    /// Identifiers of the nested blocks being walked.
    blocks: Vec<String>,
}

impl Collector {
    fn new(attr: &str) -> Self {
        Collector {
            attr: attr.to_string(),
            refs: Vec::new(),
            calls: Vec::new(),
            bound: Vec::new(),
            blocks: Vec::new(),
        }
    }
}

const NOT_RESOURCES: &[&str] = &[
    "var",
    "local",
    "module",
    "data",
    "path",
    "terraform",
    "count",
    "each",
    "self",
];

impl Visit for Collector {
    fn visit_block(&mut self, node: &Block) {
        let before = self.bound.len();
        if node.ident.as_str() == "dynamic" {
            // `ingress.value` inside `dynamic "ingress"`, or the name given by `iterator = x`.
            let iterator = node
                .body
                .get_attribute("iterator")
                .and_then(|a| match &a.value {
                    Expression::Variable(v) => Some(v.as_str().to_string()),
                    _ => None,
                });
            let label = node.labels.first().map(|l| match l {
                BlockLabel::Ident(i) => i.as_str().to_string(),
                BlockLabel::String(s) => s.as_str().to_string(),
            });
            self.bound.extend(iterator.or(label));
        }
        self.blocks.push(node.ident.as_str().to_string());
        visit::visit_block(self, node);
        self.blocks.pop();
        self.bound.truncate(before);
    }

    fn visit_attr(&mut self, node: &hcl_edit::structure::Attribute) {
        // `ignore_changes = [tags, spec.template]` names attributes, not other blocks.
        if self.blocks.last().is_some_and(|b| b == "lifecycle")
            && node.key.as_str() == "ignore_changes"
        {
            return;
        }
        visit::visit_attr(self, node);
    }

    fn visit_traversal(&mut self, node: &Traversal) {
        if let Some(r) = reference(node, &self.bound) {
            self.refs.push(r);
        }
        visit::visit_traversal(self, node);
    }

    fn visit_for_expr(&mut self, node: &ForExpr) {
        walk_for_expr(self, node);
    }

    fn visit_for_template_expr(&mut self, node: &hcl_edit::template::ForTemplateExpr) {
        walk_for_template(self, node);
    }

    fn visit_func_call(&mut self, node: &FuncCall) {
        let name = node.name.name.as_str();
        if node.name.namespace.is_empty() && (name == "templatefile" || name == "file") {
            let mut args = node.args.iter();
            if let Some(path_expr) = args.next() {
                let vars = match args.next() {
                    Some(Expression::Object(obj)) => {
                        VarsMap::Literal(object_keys(obj), span_of(obj))
                    }
                    Some(Expression::Traversal(t)) => match reference(t, &self.bound) {
                        Some(TfRef {
                            addr: Address::Local(name),
                            span,
                            ..
                        }) if t.operators.len() == 1 => VarsMap::Local(name, span),
                        _ => VarsMap::Unknown,
                    },
                    _ => VarsMap::Unknown,
                };
                self.calls.push(FileCall {
                    func: if name == "file" {
                        "file"
                    } else {
                        "templatefile"
                    },
                    span: span_of(node),
                    path_span: span_of(path_expr),
                    path: static_path(path_expr),
                    module_relative: starts_with_path_module(path_expr),
                    attr: self.attr.clone(),
                    vars,
                });
            }
        }
        visit::visit_func_call(self, node);
    }
}

/// The leading `.name` steps of a traversal, each with its span; stops at the first index or splat.
fn attr_chain(t: &Traversal) -> Vec<(&str, Span)> {
    t.operators
        .iter()
        .map_while(|op| match op.value() {
            TraversalOperator::GetAttr(id) => Some((id.as_str(), span_of(op))),
            _ => None,
        })
        .collect()
}

fn reference(t: &Traversal, bound: &[String]) -> Option<TfRef> {
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let root_name = root.as_str();
    if bound.iter().any(|b| b == root_name) {
        return None;
    }
    let names = attr_chain(t);
    let start = span_of(root).start;
    let upto = |n: usize| names.get(n - 1).map(|(_, s)| Span::new(start, s.end));
    let name = |n: usize| names.get(n).map(|(s, _)| s.to_string());
    let (addr, span) = match root_name {
        "var" => (Address::Var(name(0)?), upto(1)?),
        "local" => (Address::Local(name(0)?), upto(1)?),
        "module" => {
            let (output, end) = module_output(t)?;
            return Some(TfRef {
                addr: Address::Module(first_attr(t)?),
                span: Span::new(start, end),
                output,
            });
        }
        "data" => (Address::Data(name(0)?, name(1)?), upto(2)?),
        r if NOT_RESOURCES.contains(&r) => return None,
        r => (Address::Resource(r.to_string(), name(0)?), upto(1)?),
    };
    Some(TfRef {
        addr,
        span,
        output: None,
    })
}

/// The output named after `module.m`, skipping instance keys (`module.m[k].out`), and where the
/// reference should end.
fn module_output(t: &Traversal) -> Option<(Option<String>, usize)> {
    let mut ops = t.operators.iter();
    let call = ops.next()?;
    let mut end = span_of(call).end;
    for op in ops {
        end = span_of(op).end;
        match op.value() {
            TraversalOperator::GetAttr(id) => return Some((Some(id.as_str().to_string()), end)),
            TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_) => {}
            _ => return Some((None, end)),
        }
    }
    Some((None, end))
}

fn object_keys(obj: &hcl_edit::expr::Object) -> Vec<(String, Span)> {
    obj.iter()
        .filter_map(|(k, _)| match k {
            ObjectKey::Ident(i) => Some((i.as_str().to_string(), span_of(i))),
            ObjectKey::Expression(Expression::String(s)) => {
                Some((s.as_str().to_string(), span_of(s)))
            }
            _ => None,
        })
        .collect()
}

fn first_attr(t: &Traversal) -> Option<String> {
    match t.operators.first()?.value() {
        TraversalOperator::GetAttr(id) => Some(id.as_str().to_string()),
        _ => None,
    }
}

fn is_path_module(expr: &Expression) -> bool {
    matches!(expr, Expression::Traversal(tr) if matches!(&tr.expr, Expression::Variable(v) if v.as_str() == "path") && first_attr(tr).as_deref() == Some("module"))
}

/// Whether a path starts with `${path.module}`: only then is it relative to the module's own
/// directory rather than to wherever Terraform runs.
fn starts_with_path_module(expr: &Expression) -> bool {
    let Expression::StringTemplate(t) = expr else {
        return false;
    };
    matches!(t.iter().next(), Some(Element::Interpolation(i)) if is_path_module(&i.expr))
}

/// A string known without evaluating anything but the interpolations `subst` knows (given the
/// interpolation and whether it comes first).
fn static_string(
    expr: &Expression,
    subst: impl Fn(&Expression, bool) -> Option<&'static str>,
) -> Option<String> {
    match expr {
        Expression::String(s) => Some(s.as_str().to_string()),
        Expression::StringTemplate(t) => {
            let mut out = String::new();
            for element in t.iter() {
                match element {
                    Element::Literal(s) => out.push_str(s.as_str()),
                    Element::Interpolation(i) => out.push_str(subst(&i.expr, out.is_empty())?),
                    Element::Directive(_) => return None,
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// `"x.yaml"`, `"${path.module}/x.yaml"` → a path relative to the module directory.
fn static_path(expr: &Expression) -> Option<String> {
    static_string(expr, |e, _| is_path_module(e).then_some("."))
}

/// The parts of a `terragrunt.hcl` that tie units together.
pub fn lower_terragrunt(body: &Body) -> TgFile {
    let mut out = TgFile::default();
    for block in body.iter().filter_map(Structure::as_block) {
        match block.ident.as_str() {
            "dependency" => {
                let name = block.labels.first().map(label_text);
                // `enabled = local.is_prod`: the target may legitimately be absent.
                let maybe_disabled = block
                    .body
                    .get_attribute("enabled")
                    .is_some_and(|e| !matches!(&e.value, Expression::Bool(b) if *b.value()));
                if let Some(a) = block.body.get_attribute("config_path") {
                    out.deps.push(TgDep {
                        name,
                        path: TgPath {
                            raw: tg_path(&a.value),
                            span: span_of(&a.value),
                        },
                        maybe_disabled,
                    });
                }
            }
            "dependencies" => {
                if let Some(Expression::Array(paths)) =
                    block.body.get_attribute("paths").map(|a| &a.value)
                {
                    out.deps.extend(paths.iter().map(|p| TgDep {
                        name: None,
                        path: TgPath {
                            raw: tg_path(p),
                            span: span_of(p),
                        },
                        maybe_disabled: false,
                    }));
                }
            }
            "generate" => {
                // Only generated outputs matter here; most `generate` blocks write providers.
                let mut v = LiteralSearch {
                    needle: "output ",
                    found: false,
                };
                v.visit_block(block);
                out.generates |= v.found;
            }
            "terraform" => {
                if let Some(a) = block.body.get_attribute("source") {
                    out.source = Some(TgPath {
                        raw: tg_path(&a.value).filter(|s| !is_remote(s)),
                        span: span_of(&a.value),
                    });
                }
            }
            _ => {}
        }
    }
    let mut reads = DependencyReads::default();
    reads.visit_body(body);
    out.reads = reads.0;
    out
}

fn label_text(l: &BlockLabel) -> String {
    match l {
        BlockLabel::Ident(i) => i.as_str().to_string(),
        BlockLabel::String(s) => s.as_str().to_string(),
    }
}

/// Registry, git, http and S3 sources are not directories of this repository.
fn is_remote(source: &str) -> bool {
    source.contains("::")
        || source.contains("://")
        || source.contains("?ref=")
        || !(source.starts_with('.') || source.starts_with(ROOT) || source.starts_with('/'))
}

/// A static path: a literal, or one built from `get_terragrunt_dir()` / `get_repo_root()`.
fn tg_path(expr: &Expression) -> Option<String> {
    static_string(expr, |e, first| match e {
        Expression::FuncCall(f) if f.args.iter().next().is_none() && first => {
            match f.name.name.as_str() {
                "get_terragrunt_dir" => Some("."),
                "get_repo_root" | "get_path_to_repo_root" => Some(ROOT_PREFIX),
                _ => None,
            }
        }
        _ => None,
    })
}

/// Whether any literal text (strings, heredocs) in a block contains `needle`.
struct LiteralSearch {
    needle: &'static str,
    found: bool,
}

impl Visit for LiteralSearch {
    fn visit_element(&mut self, node: &Element) {
        if let Element::Literal(s) = node {
            self.found |= s.as_str().contains(self.needle);
        }
        visit::visit_element(self, node);
    }

    fn visit_expr(&mut self, node: &Expression) {
        if let Expression::String(s) = node {
            self.found |= s.as_str().contains(self.needle);
        }
        visit::visit_expr(self, node);
    }
}

#[derive(Default)]
struct DependencyReads(Vec<TgRead>);

impl Visit for DependencyReads {
    fn visit_traversal(&mut self, node: &Traversal) {
        let names = attr_chain(node);
        if let (Expression::Variable(root), [(dep, _), ("outputs", _), (output, end), ..]) =
            (&node.expr, names.as_slice())
        {
            if root.as_str() == "dependency" {
                self.0.push(TgRead {
                    dep: dep.to_string(),
                    output: output.to_string(),
                    span: Span::new(span_of(root).start, end.end),
                });
            }
        }
        visit::visit_traversal(self, node);
    }
}

/// A visitor that knows which names enclosing loops bind.
trait Binds: Visit {
    fn bound(&mut self) -> &mut Vec<String>;
}

impl Binds for Collector {
    fn bound(&mut self) -> &mut Vec<String> {
        &mut self.bound
    }
}

impl Binds for TemplateUses {
    fn bound(&mut self) -> &mut Vec<String> {
        &mut self.bound
    }
}

/// `[for k, v in coll : …]`: `coll` is read outside the loop; `k` and `v` bind the rest.
fn walk_for_expr<V: Binds>(v: &mut V, node: &ForExpr) {
    v.visit_expr(&node.intro.collection_expr);
    let before = v.bound().len();
    let names = node
        .intro
        .key_var
        .iter()
        .map(|k| k.as_str().to_string())
        .chain([node.intro.value_var.as_str().to_string()]);
    v.bound().extend(names);
    if let Some(key) = &node.key_expr {
        v.visit_expr(key);
    }
    v.visit_expr(&node.value_expr);
    if let Some(cond) = &node.cond {
        v.visit_expr(&cond.expr);
    }
    v.bound().truncate(before);
}

/// `%{ for k, v in coll }` in a template, string or heredoc: the same (hcl-edit's own walk skips
/// `coll`).
fn walk_for_template<V: Binds>(v: &mut V, node: &hcl_edit::template::ForTemplateExpr) {
    v.visit_expr(&node.collection_expr);
    let before = v.bound().len();
    let names = node
        .key_var
        .iter()
        .map(|k| k.as_str().to_string())
        .chain([node.value_var.as_str().to_string()]);
    v.bound().extend(names);
    v.visit_template(&node.template);
    v.bound().truncate(before);
}

/// Root names a Terraform template reads (`${name}`, `${name.attr}`, `%{ for x in name }`),
/// loop variables excepted; `None` when the text is not a valid template.
pub fn template_uses(text: &str) -> Option<Vec<(String, Span)>> {
    let template = hcl_edit::parser::parse_template(text).ok()?;
    let mut v = TemplateUses::default();
    v.visit_template(&template);
    Some(v.uses)
}

#[derive(Default)]
struct TemplateUses {
    bound: Vec<String>,
    uses: Vec<(String, Span)>,
}

impl Visit for TemplateUses {
    fn visit_expr(&mut self, node: &Expression) {
        if let Expression::Variable(v) = node {
            if !self.bound.iter().any(|b| b == v.as_str()) {
                self.uses.push((v.as_str().to_string(), span_of(v)));
            }
        }
        visit::visit_expr(self, node);
    }

    fn visit_for_expr(&mut self, node: &ForExpr) {
        walk_for_expr(self, node);
    }

    fn visit_for_template_expr(&mut self, node: &hcl_edit::template::ForTemplateExpr) {
        walk_for_template(self, node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(src: &str) -> TfFile {
        lower(&parse_body(src).ok().unwrap())
    }

    #[test]
    fn collects_references_with_spans() {
        let src = "module \"a\" {\n  x = try(one(module.b[\"k\"].out).ip, null)\n  y = \"${data.t.n.id}-${var.v}\"\n  z = [for s in var.l : s.id]\n}\n";
        let f = file(src);
        let refs: Vec<String> = f.blocks[0]
            .refs
            .iter()
            .map(|r| format!("{} {}", r.addr, &src[r.span.start..r.span.end]))
            .collect();
        assert_eq!(
            refs,
            [
                "module.b module.b[\"k\"].out",
                "data.t.n data.t.n",
                "var.v var.v",
                "var.l var.l"
            ]
        );
        assert_eq!(f.blocks[0].refs[0].output.as_deref(), Some("out"));
    }

    #[test]
    fn finds_templatefile_paths_and_vars() {
        let src = "module \"n\" {\n  custom_data = base64encode(templatefile(\"${path.module}/ci.yaml\", { kv = var.k }))\n}\n";
        let f = file(src);
        let call = &f.blocks[0].calls[0];
        assert_eq!(call.path.as_deref(), Some("./ci.yaml"));
        assert_eq!(call.attr, "custom_data");
        assert!(matches!(&call.vars, VarsMap::Literal(keys, _) if keys[0].0 == "kv"));
    }

    #[test]
    fn template_uses_skip_loop_variables_and_escapes() {
        let t = "a: ${name.attr}\n%{ for k, v in items ~}\n- ${k}=${upper(v)} ${other}\n%{ endfor ~}\nb: $${HOME} %%{http_code} ${[for x in list : x]}\n";
        let uses: Vec<String> = template_uses(t)
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(uses, ["name", "items", "other", "list"]);
    }

    #[test]
    fn dynamic_iterators_ignore_changes_and_moved_are_not_references() {
        let src = "resource \"t\" \"n\" {\n  dynamic \"ingress_rule\" {\n    for_each = var.rules\n    content { port = ingress_rule.value.port }\n  }\n  dynamic \"x\" {\n    iterator = it\n    for_each = var.y\n    content { a = it.value }\n  }\n  lifecycle { ignore_changes = [spec.template] }\n}\nmoved {\n  from = aws_instance.old\n  to   = aws_instance.new\n}\n";
        let f = file(src);
        let refs: Vec<String> = f
            .blocks
            .iter()
            .flat_map(|b| &b.refs)
            .map(|r| r.addr.to_string())
            .collect();
        assert_eq!(refs, ["var.rules", "var.y"]);
    }

    #[test]
    fn nested_blocks_and_required_providers() {
        let f = file("terraform {\n  required_providers {\n    azurerm = { source = \"hashicorp/azurerm\" }\n  }\n}\n");
        let names: Vec<&str> = f.required_providers().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["azurerm"]);
    }

    #[test]
    fn heredoc_key_values_are_not_attributes() {
        let src = "resource \"t\" \"n\" {\n  user_data = <<EOT\n[settings]\nkey = \"${data.a.b.c}\"\nEOT\n}\n";
        let f = file(src);
        assert_eq!(f.blocks[0].attrs.len(), 1);
        assert_eq!(
            f.blocks[0].refs[0].addr,
            Address::Data("a".into(), "b".into())
        );
    }

    #[test]
    fn literal_values_lists_and_tfvars() {
        let src = "resource \"t\" \"n\" {\n  from_port = 22\n  sensitive = true\n  cidr_blocks = [\"0.0.0.0/0\", var.x]\n  lifecycle { ignore_changes = [custom_data, os_profile[0].custom_data] }\n  other = all\n  none = null\n}\n";
        let f = file(src);
        let b = &f.blocks[0];
        assert_eq!(b.attr("from_port").unwrap().value, Some(Lit::Num(22.0)));
        assert_eq!(b.attr("from_port").unwrap().scalar().as_deref(), Some("22"));
        assert_eq!(b.attr("sensitive").unwrap().bool(), Some(true));
        let cidrs = b.attr("cidr_blocks").unwrap();
        let items = cidrs.list().unwrap();
        // A traversal is kept as its dotted name (`ignore_changes` entries are traversals).
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].0, "var.x");
        assert_eq!(&src[items[0].1.start..items[0].1.end], "\"0.0.0.0/0\"");
        assert_eq!(
            &src[cidrs.value_span.start..cidrs.value_span.end],
            "[\"0.0.0.0/0\", var.x]"
        );
        let ignore = b.blocks[0].attr("ignore_changes").unwrap().list().unwrap();
        let names: Vec<&str> = ignore.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["custom_data", "os_profile.custom_data"]);
        assert_eq!(
            b.attr("other").unwrap().value,
            Some(Lit::Ident("all".into()))
        );
        assert_eq!(
            b.attr("none").unwrap().value,
            Some(Lit::Ident("null".into()))
        );

        let vars = lower_tfvars(&parse_body("a = \"x\"\nb = 3\nblock {}\n").ok().unwrap());
        let names: Vec<&str> = vars.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(vars[0].literal.as_deref(), Some("x"));
    }
}
