//! Stage 3: typed, span-carrying models of everything that was parsed.

pub mod cloudinit;
pub mod gitops;
pub mod helm;
pub mod kubernetes;
pub mod kustomize;
pub mod retry;
pub mod secrets;
pub mod shell;
pub mod terraform;
pub mod terragrunt;

use crate::discover::FileKind;
use crate::parse::yaml::{YNode, YamlStream};
use crate::parse::Parsed;
use crate::source::{FileId, SourceFile, Span};
use cloudinit::CloudInit;
use helm::{embedded_values, fleet, values_file_chart, HelmValues, ValuesSource};
use kubernetes::K8sObject;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;
use terraform::{BlockKind, TfEntity, TfFile, TfModule};

/// A `templatefile()`/`file()` call resolved to a file of the project.
#[derive(Clone, Debug)]
pub struct TemplateLink {
    /// The Terraform file holding the call, and the call's index in its block list order.
    pub from: FileId,
    pub call: Span,
    pub target: FileId,
}

/// What a file turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Terraform,
    Tfvars,
    Terragrunt,
    CloudInit,
    Kubernetes,
    Kustomization,
    Fleet,
    HelmValues,
    /// YAML that is none of the above (Chart.yaml, a tool's config).
    Yaml,
    /// A `templatefile()` target that is none of the above.
    Template,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Terraform => "terraform",
            Role::Tfvars => "tfvars",
            Role::Terragrunt => "terragrunt",
            Role::CloudInit => "cloud-init",
            Role::Kubernetes => "kubernetes",
            Role::Kustomization => "kustomization",
            Role::Fleet => "fleet",
            Role::HelmValues => "helm-values",
            Role::Yaml => "yaml",
            Role::Template => "template",
        }
    }
}

/// A static `templatefile()`/`file()` path that names no file.
#[derive(Clone, Debug)]
pub struct MissingFile {
    pub from: FileId,
    pub span: Span,
    pub path: String,
    pub func: &'static str,
    /// The path leads outside the linted directory, so it was not read.
    pub outside: bool,
}

/// A local module `source` whose directory does not exist or holds no `.tf` files.
#[derive(Clone, Debug)]
pub struct MissingSource {
    pub file: FileId,
    /// The `source` attribute.
    pub span: Span,
    pub path: String,
    pub exists: bool,
}

#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub files: Vec<SourceFile>,
    pub kinds: Vec<FileKind>,
    pub roles: Vec<Role>,
    pub parsed: Vec<Parsed>,
    /// Sorted by directory.
    pub modules: Vec<TfModule>,
    pub k8s: Vec<K8sObject>,
    pub cloud_init: Vec<CloudInit>,
    pub values: Vec<HelmValues>,
    pub templates: Vec<TemplateLink>,
    pub missing_files: Vec<MissingFile>,
    /// For each `templatefile()` target: the template variables it reads (`None`: not a valid
    /// template). Found by the parse stage, which reads the template syntax.
    pub template_uses: HashMap<FileId, Option<Vec<(String, Span)>>>,
    pub missing_sources: Vec<MissingSource>,
    pub terragrunt: Vec<terragrunt::TgUnit>,
    pub kustomizations: Vec<kustomize::Kustomization>,
    pub flux: Vec<gitops::FluxObject>,
    pub git_repos: Vec<gitops::GitRepo>,
    pub bundles: Vec<gitops::Bundle>,
    /// For each file, the Flux Kustomizations, Fleet bundles and top-level kustomizations that
    /// apply it.
    pub owners: Vec<Vec<gitops::Owner>>,
    /// Path → file, so lookups stay constant-time on a monorepo.
    pub by_rel: foldhash::HashMap<String, FileId>,
    /// Directory → its kustomization.
    pub kustomization_by_dir: HashMap<String, usize>,
    /// Kind → name → the Kubernetes objects (indexes into `k8s`) of that kind and name.
    pub k8s_by_name: ByName,
    /// Kind → the Kubernetes objects of that kind.
    pub k8s_by_kind: ByKind,
    /// Directories Terragrunt deploys a module into (their own `.tf` files are an overlay).
    pub overlay_dirs: HashSet<String>,
    /// File ids in path order, and bundle indexes in directory order, for subtree queries.
    pub files_in_order: Vec<FileId>,
    pub bundles_in_order: Vec<usize>,
    /// What several rules derive from the models: see [`Project::patch_only`],
    /// [`Project::kustomized_namespace`] and [`Project::regions`]. Filled at the end of the model
    /// stage; computed on first use where a project is built otherwise.
    pub derived: Derived,
}

#[derive(Debug, Default)]
pub struct Derived {
    patch_only: OnceLock<HashSet<FileId>>,
    kustomized: OnceLock<HashMap<FileId, usize>>,
    regions: OnceLock<retry::Regions>,
    entities: OnceLock<Vec<Vec<Declared>>>,
}

/// An entity of a module, by where it is declared.
#[derive(Debug)]
struct Declared {
    addr: terraform::Address,
    file: FileId,
    /// Index into the file's blocks.
    block: usize,
    /// For a local, the index of its attribute in the `locals` block.
    attr: Option<usize>,
}

/// The items of `sorted` (ordered by `key`) at `dir` or below it; everything for the root.
fn under<'s, 'k>(
    sorted: &'s [usize],
    key: impl Fn(usize) -> &'k str,
    dir: &str,
) -> impl Iterator<Item = usize> + 's {
    let dir = dir.trim_end_matches('/');
    let (exact, below) = if dir.is_empty() {
        (0..0, 0..sorted.len())
    } else {
        let from = |bound: &str| sorted.partition_point(|&i| key(i) < bound);
        // "dir/…" sorts in [dir/, dir0): '0' follows '/'.
        (
            from(dir)..sorted.partition_point(|&i| key(i) <= dir),
            from(&format!("{dir}/"))..from(&format!("{dir}0")),
        )
    };
    sorted[exact].iter().chain(&sorted[below]).copied()
}

impl Project {
    /// Files kustomizations list only as patches: partial objects, merged into a base elsewhere.
    pub fn patch_only(&self) -> &HashSet<FileId> {
        self.derived.patch_only.get_or_init(|| {
            let mut patches = HashSet::new();
            let mut resources = HashSet::new();
            for k in &self.kustomizations {
                for e in &k.entries {
                    let Some(f) = e.target.as_deref().and_then(|t| self.file_by_rel(t)) else {
                        continue;
                    };
                    match e.kind {
                        kustomize::EntryKind::Patch => patches.insert(f),
                        _ => resources.insert(f),
                    };
                }
            }
            patches.retain(|f| !resources.contains(f));
            patches
        })
    }

    /// Every boot script region, analysed once for all the rules that read them.
    pub fn regions(&self) -> &retry::Regions {
        self.derived
            .regions
            .get_or_init(|| retry::Regions::new(&self.cloud_init))
    }

    /// The `namespace:` of the outermost kustomization that applies `file`, if one sets it.
    pub fn kustomized_namespace(&self, file: FileId) -> Option<&str> {
        self.kustomized()
            .get(&file)
            .and_then(|&k| self.kustomizations[k].namespace.as_deref())
    }

    /// File → the outermost kustomization with a `namespace:` that applies it.
    fn kustomized(&self) -> &HashMap<FileId, usize> {
        self.derived.kustomized.get_or_init(|| {
            let ks = &self.kustomizations;
            // Which kustomizations each one includes (through listed directories).
            let nested = |k: usize| {
                let mut seen = HashSet::from([k]);
                let mut stack = vec![k];
                while let Some(k) = stack.pop() {
                    for e in &ks[k].entries {
                        if let Some(sub) =
                            e.target.as_deref().and_then(|t| self.kustomization_in(t))
                        {
                            if seen.insert(sub) {
                                stack.push(sub);
                            }
                        }
                    }
                }
                seen
            };
            let namespaced: Vec<usize> = (0..ks.len())
                .filter(|&k| ks[k].namespace.is_some())
                .collect();
            let inner: HashSet<usize> = namespaced
                .iter()
                .flat_map(|&k| nested(k).into_iter().filter(move |&n| n != k))
                .collect();
            let mut out = HashMap::new();
            // Outermost first, so that an inner kustomization never overrides the outer one.
            for &k in namespaced
                .iter()
                .filter(|k| !inner.contains(k))
                .chain(namespaced.iter().filter(|k| inner.contains(k)))
            {
                for f in gitops::reachable(self, k) {
                    out.entry(f).or_insert(k);
                }
            }
            out
        })
    }

    pub fn tf(&self, file: FileId) -> Option<&TfFile> {
        match &self.parsed[file] {
            Parsed::Terraform(tf) => Some(tf),
            _ => None,
        }
    }

    pub fn yaml(&self, file: FileId) -> Option<&YamlStream> {
        match &self.parsed[file] {
            Parsed::Yaml(y) => Some(y),
            _ => None,
        }
    }

    pub fn doc(&self, obj: &K8sObject) -> &YNode {
        &self
            .yaml(obj.file)
            .expect("objects come from YAML files")
            .docs[obj.doc]
            .root
    }

    pub fn module_of(&self, dir: &str) -> Option<usize> {
        // `build` makes the modules in directory order.
        self.modules
            .binary_search_by(|m| m.dir.as_str().cmp(dir))
            .ok()
    }

    /// Everything a module declares: blocks, and each local separately.
    /// Override files come last, so the base declaration of an address comes first.
    pub fn entities(&self, module: usize) -> Vec<TfEntity<'_>> {
        self.entities_init()[module]
            .iter()
            .map(|d| {
                let block = &self.tf(d.file).expect("declared from a parsed file").blocks[d.block];
                let (header, refs) = match d.attr {
                    Some(a) => (block.attrs[a].key_span, block.attrs[a].refs.as_slice()),
                    None => (block.header, block.refs.as_slice()),
                };
                TfEntity {
                    addr: &d.addr,
                    file: d.file,
                    header,
                    refs,
                    block,
                }
            })
            .collect()
    }

    fn entities_init(&self) -> &[Vec<Declared>] {
        self.derived.entities.get_or_init(|| {
            (0..self.modules.len())
                .into_par_iter()
                .map(|m| self.declared(m))
                .collect()
        })
    }

    /// What [`Project::entities`] lists for `module`, worked out once.
    fn declared(&self, module: usize) -> Vec<Declared> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut files = self.modules[module].files.clone();
        files.sort_by_key(|&f| terraform::is_override(&self.files[f].rel));
        for file in files {
            let blocks = self
                .tf(file)
                .map(|f| f.blocks.as_slice())
                .unwrap_or_default();
            for (b, block) in blocks.iter().enumerate() {
                let mut declare = |addr, attr| {
                    out.push(Declared {
                        addr,
                        file,
                        block: b,
                        attr,
                    })
                };
                if block.kind == BlockKind::Locals {
                    for (a, attr) in block.attrs.iter().enumerate() {
                        declare(terraform::Address::Local(attr.name.clone()), Some(a));
                    }
                } else if let Some(addr) = block.address() {
                    declare(addr, None);
                } else {
                    let mut name = std::iter::once(block.ident.as_str())
                        .chain(block.labels.iter().map(String::as_str))
                        .collect::<Vec<_>>()
                        .join(".");
                    if let Some(alias) = block.attr("alias").and_then(|a| a.literal.as_deref()) {
                        name = format!("{name}.{alias}");
                    }
                    // Repeated blocks (several `terraform {}`) stay distinct entities.
                    let base = name.clone();
                    let mut n = 1;
                    while !seen.insert(name.clone()) {
                        n += 1;
                        name = format!("{base}#{n}");
                    }
                    declare(terraform::Address::Block(name), None);
                }
            }
        }
        out
    }

    /// Every directory holding a discovered file (for "did you mean" hints).
    pub fn dirs(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .files
            .iter()
            .filter_map(|f| f.rel.rsplit_once('/').map(|(d, _)| d))
            .collect();
        out.dedup();
        out
    }

    /// Whether `rel` exists, and is a directory: from what was discovered, else from the disk
    /// (the walk skips ignored and non-YAML files).
    pub fn exists(&self, rel: &str) -> (bool, bool) {
        let rel = rel.trim_end_matches('/');
        if self.file_by_rel(rel).is_some() {
            return (true, false);
        }
        if rel.is_empty() || self.files_under(rel).next().is_some() {
            return (true, true);
        }
        if self.root.is_file() {
            return (true, false);
        }
        let abs = self.root.join(rel);
        (abs.exists(), abs.is_dir())
    }

    /// The module a local `source` of module call `block` in module `m` points at, if parsed.
    pub fn local_child(&self, m: usize, block: &terraform::TfBlock) -> Option<usize> {
        let source = block.attr("source")?.literal.as_deref()?;
        if !(source.starts_with("./") || source.starts_with("../")) {
            return None;
        }
        let child = self.module_of(&join(&self.modules[m].dir, source)?)?;
        self.module_parsed(child).then_some(child)
    }

    /// The outputs a module declares.
    pub fn outputs(&self, m: usize) -> Vec<String> {
        self.entities(m)
            .into_iter()
            .filter_map(|e| {
                if let terraform::Address::Output(o) = e.addr {
                    Some(o.clone())
                } else {
                    None
                }
            })
            .collect()
    }

    /// Whether every file of the module parsed (a missing file may hold the references).
    pub fn module_parsed(&self, module: usize) -> bool {
        // Terragrunt copies a unit directory's own `.tf` files into the module it deploys:
        // such a directory is half a module.
        let overlay = self.overlay_dirs.contains(&self.modules[module].dir);
        !overlay
            && self.modules[module]
                .files
                .iter()
                .all(|&f| self.tf(f).is_some())
    }

    pub fn dir_of(&self, file: FileId) -> &str {
        self.files[file].rel.rsplit_once('/').map_or("", |(d, _)| d)
    }

    pub fn file_by_rel(&self, rel: &str) -> Option<FileId> {
        self.by_rel.get(rel).copied()
    }

    /// Files at `dir` or below it.
    pub fn files_under(&self, dir: &str) -> impl Iterator<Item = FileId> + '_ {
        under(&self.files_in_order, |f| self.files[f].rel.as_str(), dir)
    }

    /// Fleet bundles whose directory is `dir` or below it.
    pub fn bundles_under(&self, dir: &str) -> impl Iterator<Item = usize> + '_ {
        under(
            &self.bundles_in_order,
            |b| self.bundles[b].dir.as_str(),
            dir,
        )
    }

    /// The objects of `kind`.
    pub fn objects_of_kind(&self, kind: &str) -> impl Iterator<Item = &K8sObject> {
        self.k8s_by_kind
            .get(kind)
            .into_iter()
            .flatten()
            .map(|&i| &self.k8s[i])
    }

    /// The objects of `kind` named `name` (indexes into `k8s`).
    pub fn objects_named(&self, kind: &str, name: &str) -> &[usize] {
        self.k8s_by_name
            .get(kind)
            .and_then(|names| names.get(name))
            .map_or(&[], Vec::as_slice)
    }

    /// The kustomization in `dir`, if it has one.
    pub fn kustomization_in(&self, dir: &str) -> Option<usize> {
        self.kustomization_by_dir.get(dir).copied()
    }
}

/// Joins a relative path onto a directory, resolving `.` and `..`; `None` if it leaves the root.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') {
        return None;
    }
    // Built in place: every kustomization entry and module source is joined.
    let mut out = String::with_capacity(dir.len() + rel.len() + 1);
    let parts = dir.split('/').map(|p| (p, true));
    for (part, in_dir) in parts.chain(rel.split('/').map(|p| (p, false))) {
        match part {
            "" => {}
            "." | ".." if in_dir => push_part(&mut out, part),
            "." => {}
            ".." => {
                if out.is_empty() {
                    return None;
                }
                out.truncate(out.rfind('/').unwrap_or(0));
            }
            p => push_part(&mut out, p),
        }
    }
    Some(out)
}

fn push_part(out: &mut String, part: &str) {
    if !out.is_empty() {
        out.push('/');
    }
    out.push_str(part);
}

/// Whether a `templatefile()`/`file()` call feeds user-data, judged by the attribute it is in.
pub fn feeds_user_data(attr: &str) -> bool {
    let a = attr.to_ascii_lowercase();
    [
        "user_data",
        "custom_data",
        "userdata",
        "cloud_init",
        "cloudinit",
        "cloud_config",
    ]
    .iter()
    .any(|k| a.contains(k))
        || a == "part"
}

pub fn is_cloud_config(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("## template:"))
        .is_some_and(|l| l.starts_with("#cloud-config"))
}

/// One file's share of the models.
enum Piece {
    Nothing,
    CloudInit(Vec<CloudInit>),
    /// Fleet bundle options; merged in file order, as they also name values files.
    Fleet(helm::FleetValues),
    ValuesFile(Option<String>),
    /// Kubernetes objects and the Helm values inside them, with the role they give the file.
    Objects(Option<Role>, Vec<K8sObject>, Vec<HelmValues>),
}

fn piece(project: &Project, id: FileId, user_data: &HashSet<FileId>) -> Piece {
    let src = &project.files[id];
    if matches!(project.parsed[id], Parsed::Script) {
        return Piece::CloudInit(vec![CloudInit::from_script(id, src)]);
    }
    let Some(stream) = project.yaml(id) else {
        return Piece::Nothing;
    };
    let name = src.rel.rsplit('/').next().unwrap_or("");
    if user_data.contains(&id) || is_cloud_config(&src.text) {
        return Piece::CloudInit(
            stream
                .docs
                .iter()
                .map(|doc| CloudInit::from_config(id, src, &doc.root))
                .collect(),
        );
    }
    // A file named fleet.yaml that holds Kubernetes objects is a manifest, not bundle options.
    let objects = stream
        .docs
        .iter()
        .any(|d| d.root.get("apiVersion").is_some() && d.root.get("kind").is_some());
    if (name == "fleet.yaml" || name == "fleet.yml") && !objects {
        return Piece::Fleet(
            stream
                .docs
                .first()
                .map(|doc| fleet(project, id, &doc.root))
                .unwrap_or_default(),
        );
    }
    if let Some(chart) = values_file_chart(project, id, name) {
        return Piece::ValuesFile(chart);
    }
    let mut role = None;
    let mut found = Vec::new();
    let mut values = Vec::new();
    for (i, doc) in stream.docs.iter().enumerate() {
        if let Some(obj) = K8sObject::from_doc(id, i, &doc.root, doc.span) {
            embedded_values(src, &obj, &doc.root, &mut values);
            role = Some(
                if obj.is("kustomize.config.k8s.io", &["Kustomization", "Component"]) {
                    Role::Kustomization
                } else {
                    Role::Kubernetes
                },
            );
            found.push(obj);
        }
    }
    // `apiVersion`/`kind` are optional in a kustomization file.
    if matches!(
        name,
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    ) {
        role = Some(Role::Kustomization);
    }
    Piece::Objects(role, found, values)
}

/// Builds the typed models once every file is parsed.
pub fn build(project: &mut Project, cloud_init_files: &[FileId]) {
    // Most repositories have no `.tofu` file: they are spared a lookup per Terraform file.
    let any_tofu = project.files.iter().any(|f| f.rel.ends_with(".tofu"));
    let mut modules: BTreeMap<&str, Vec<FileId>> = BTreeMap::new();
    for (id, kind) in project.kinds.iter().enumerate() {
        // OpenTofu reads `x.tofu` instead of `x.tf` when both exist.
        let rel = &project.files[id].rel;
        let shadowed = any_tofu
            && rel
                .strip_suffix(".tf")
                .is_some_and(|stem| project.file_by_rel(&format!("{stem}.tofu")).is_some());
        if matches!(kind, FileKind::Terraform | FileKind::TerraformJson) && !shadowed {
            modules.entry(project.dir_of(id)).or_default().push(id);
        }
    }
    let modules = modules
        .into_iter()
        .map(|(dir, files)| TfModule {
            dir: dir.to_string(),
            files,
        })
        .collect();
    project.modules = modules;

    let mut roles: Vec<Role> = project
        .kinds
        .iter()
        .map(|k| match k {
            FileKind::Terraform | FileKind::TerraformJson => Role::Terraform,
            FileKind::Tfvars => Role::Tfvars,
            FileKind::Terragrunt => Role::Terragrunt,
            FileKind::Yaml => Role::Yaml,
            FileKind::Template | FileKind::Text => Role::Template,
        })
        .collect();
    let mut values_files: HashMap<FileId, Option<String>> = HashMap::new();
    let mut layered = HashSet::new();
    let user_data: HashSet<FileId> = cloud_init_files.iter().copied().collect();
    // What each file is, worked out in parallel; merged below in file order, so the result
    // does not depend on the thread count.
    let mut pieces: Vec<Piece> = (0..project.files.len())
        .into_par_iter()
        .map(|id| piece(project, id, &user_data))
        .collect();
    for (id, piece) in pieces.iter_mut().enumerate() {
        match piece {
            Piece::Nothing => {}
            Piece::CloudInit(_) => roles[id] = Role::CloudInit,
            Piece::Fleet(found) => {
                for (target, chart) in std::mem::take(&mut found.files) {
                    values_files.insert(target, chart);
                    layered.insert(target);
                }
                roles[id] = Role::Fleet;
            }
            Piece::ValuesFile(chart) => {
                values_files.entry(id).or_insert(chart.take());
            }
            Piece::Objects(role, ..) => {
                if let Some(role) = role {
                    roles[id] = *role;
                }
            }
        }
    }
    // The models themselves are moved out side by side: a monorepo has a piece per file.
    let k8s: Vec<K8sObject> = pieces
        .par_iter_mut()
        .flat_map_iter(|p| match p {
            Piece::Objects(_, objects, _) => std::mem::take(objects),
            _ => Vec::new(),
        })
        .collect();
    let cloud_init: Vec<CloudInit> = pieces
        .par_iter_mut()
        .flat_map_iter(|p| match p {
            Piece::CloudInit(scripts) => std::mem::take(scripts),
            _ => Vec::new(),
        })
        .collect();
    let mut values: Vec<HelmValues> = pieces
        .into_par_iter()
        .flat_map_iter(|p| match p {
            Piece::Fleet(found) => found.values.into_iter().collect(),
            Piece::Objects(_, _, embedded) => embedded,
            _ => Vec::new(),
        })
        .collect();
    let values_files: Vec<(FileId, Option<String>)> = values_files.into_iter().collect();
    for (id, _) in &values_files {
        roles[*id] = Role::HelmValues;
    }
    // Each values file's tree is copied into its model: side by side, as that is the cost.
    values.par_extend(values_files.into_par_iter().filter_map(|(id, chart)| {
        let doc = project.yaml(id).and_then(|s| s.docs.first())?;
        let v = HelmValues::new(id, ValuesSource::File, chart, doc.root.clone(), doc.span);
        Some(HelmValues {
            layered: layered.contains(&id),
            ..v
        })
    }));
    values.sort_by_key(|v| (v.file, v.span.start));
    project.roles = roles;
    project.k8s = k8s;
    project.cloud_init = cloud_init;
    project.values = values;
    // Models built on the ones above; those that read only the above are built side by side.
    let p = &*project;
    // Before anything runs beside it: a rayon task waiting on the cell while its own thread
    // fills it would deadlock.
    p.entities_init();
    let ((missing, (by_kind, by_name)), (units, kustomizations)) = rayon::join(
        || rayon::join(|| missing_sources(p), || k8s_indexes(&p.k8s)),
        || rayon::join(|| terragrunt::units(p), || kustomize::kustomizations(p)),
    );
    project.k8s_by_kind = by_kind;
    project.k8s_by_name = by_name;
    project.missing_sources = missing;
    project.terragrunt = units;
    project.kustomizations = kustomizations;
    project.overlay_dirs = project
        .terragrunt
        .iter()
        .filter(|u| u.has_source)
        .map(|u| u.dir.clone())
        .collect();
    project.kustomization_by_dir = project
        .kustomizations
        .iter()
        .enumerate()
        .map(|(i, k)| (k.dir.clone(), i))
        .collect();
    let p = &*project;
    let ((flux, (git_repos, bundles)), ()) = rayon::join(
        || {
            rayon::join(
                || gitops::flux(p),
                || rayon::join(|| gitops::git_repos(p), || gitops::bundles(p)),
            )
        },
        // What several rules derive from the models above, done now rather than by the first
        // rule to ask while the others wait for it.
        || {
            rayon::join(
                || p.regions(),
                || rayon::join(|| p.patch_only(), || p.kustomized()),
            );
        },
    );
    project.flux = flux;
    project.git_repos = git_repos;
    project.bundles = bundles;
    let mut order: Vec<usize> = (0..project.bundles.len()).collect();
    order.sort_by(|&a, &b| project.bundles[a].dir.cmp(&project.bundles[b].dir));
    project.bundles_in_order = order;
    project.owners = gitops::owners(project);
}

pub type ByKind = foldhash::HashMap<String, Vec<usize>>;
/// Nested, so that a lookup by borrowed kind and name builds no key.
pub type ByName = foldhash::HashMap<String, foldhash::HashMap<String, Vec<usize>>>;

/// Kubernetes objects by kind, and by kind and name.
fn k8s_indexes(k8s: &[K8sObject]) -> (ByKind, ByName) {
    let (mut by_kind, mut by_name) = (ByKind::default(), ByName::default());
    for (i, o) in k8s.iter().enumerate() {
        slot(&mut by_kind, &o.kind).push(i);
        if let Some(name) = &o.name {
            slot(slot(&mut by_name, &o.kind), name).push(i);
        }
    }
    (by_kind, by_name)
}

/// The value at `key`, made if missing; the key is copied only then (most objects share a
/// kind).
fn slot<'m, V: Default>(map: &'m mut foldhash::HashMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).expect("inserted above")
}

/// Local module sources that resolve to no module infralint found: checked on disk, since the
/// directory may be ignored rather than missing.
fn missing_sources(project: &Project) -> Vec<MissingSource> {
    let mut out = Vec::new();
    for (m, module) in project.modules.iter().enumerate() {
        for e in project.entities(m) {
            let terraform::Address::Module(_) = &e.addr else {
                continue;
            };
            let Some(source) = e.block.attr("source") else {
                continue;
            };
            let Some(path) = source
                .literal
                .as_deref()
                .filter(|s| s.starts_with("./") || s.starts_with("../"))
            else {
                continue;
            };
            let Some(dir) = join(&module.dir, path) else {
                continue;
            };
            if project.module_of(&dir).is_some() || project.root.is_file() {
                continue;
            }
            let abs = project.root.join(&dir);
            let has_tf = std::fs::read_dir(&abs)
                .map(|rd| {
                    rd.filter_map(Result::ok).any(|e| {
                        e.file_name().to_string_lossy().ends_with(".tf")
                            || e.file_name().to_string_lossy().ends_with(".tofu")
                    })
                })
                .unwrap_or(false);
            if !has_tf {
                out.push(MissingSource {
                    file: e.file,
                    span: source.span,
                    path: dir,
                    exists: abs.is_dir(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod join_tests {
    use super::join;

    /// The plain reading: a list of parts, `..` popping one.
    fn by_parts(dir: &str, rel: &str) -> Option<String> {
        if rel.starts_with('/') {
            return None;
        }
        let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
        for part in rel.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                p => parts.push(p),
            }
        }
        Some(parts.join("/"))
    }

    #[test]
    fn join_resolves_dots_as_a_list_of_parts_would() {
        let dirs = ["", "a", "a/b", "a/b/c", "a//b", "a/b/", "a/./b", "a/../b"];
        let rels = [
            "",
            ".",
            "..",
            "x",
            "./x",
            "../x",
            "../../x",
            "../../../x",
            "x/..",
            "x/../..",
            "x//y",
            "x/./y/",
            "/x",
            "..x",
            ".x/..",
            "a/../../b",
        ];
        for dir in dirs {
            for rel in rels {
                assert_eq!(join(dir, rel), by_parts(dir, rel), "{dir:?} + {rel:?}");
            }
        }
    }
}
