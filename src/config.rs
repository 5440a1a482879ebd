//! `.infralint.toml`: rule levels, per-rule options, path overrides. serde/toml are fine here:
//! configuration is not linted input.

use crate::diagnostic::Severity;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The names a configuration file may have, in the order they are looked for.
pub const FILE_NAMES: &[&str] = &[".infralint.toml", "infralint.toml"];

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Rule id or domain → level. The most specific key wins.
    #[serde(default)]
    pub rules: BTreeMap<String, Level>,
    /// Findings in files matching these globs (relative to this file's directory) are dropped;
    /// the files are still read for cross-file context. `.infralintignore` skips files entirely.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Levels for files matching globs; later overrides win.
    #[serde(default)]
    pub overrides: Vec<Override>,
    #[serde(default)]
    pub k8s: K8sConfig,
    #[serde(default)]
    pub files: FilesConfig,
    #[serde(default)]
    pub options: RuleOptions,
    #[serde(skip)]
    compiled: Compiled,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub files: Vec<String>,
    #[serde(default)]
    pub rules: BTreeMap<String, Level>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesConfig {
    /// Larger files are reported (`parse/unreadable-file`) instead of read: bytes, or a string
    /// such as `"64MB"` or `"512KB"` (powers of 1024). 32 MB by default.
    #[serde(default)]
    pub max_size: Option<toml::Value>,
    /// Read `templatefile()` targets outside the linted directory (`../shared/x.tftpl`, or a
    /// symlink leading out); off by default, so a repository cannot make infralint read
    /// `/etc/passwd`.
    #[serde(default)]
    pub read_outside_root: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct K8sConfig {
    /// Namespaces created outside the repository (by hand, by another tool).
    #[serde(default)]
    pub known_namespaces: Vec<String>,
    /// The Kubernetes version schemas are checked against (`1.37`); the newest by default.
    #[serde(default)]
    pub version: Option<String>,
    /// Unknown fields are errors (like `kubeconform -strict`); true by default.
    #[serde(default)]
    pub strict: Option<bool>,
    /// Schema catalogs in the kubeconform layout, `<group>/<kind>_<version>.json`.
    #[serde(default)]
    pub schema_dirs: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOptions {
    #[serde(rename = "cloud-init/pipe-to-shell", default)]
    pub pipe_to_shell: PipeToShellOptions,
    #[serde(rename = "cloud-init/secret-fetch-retry", default)]
    pub secret_fetch_retry: SecretFetchOptions,
    #[serde(rename = "cloud-init/unguarded-mkfs", default)]
    pub unguarded_mkfs: UnguardedMkfsOptions,
    #[serde(rename = "helm/values-drift", default)]
    pub values_drift: ValuesDriftOptions,
    #[serde(rename = "k8s/host-path", default)]
    pub host_path: HostPathOptions,
    #[serde(rename = "k8s/privileged-container", default)]
    pub privileged_container: PrivilegedOptions,
    #[serde(rename = "k8s/resource-limits", default)]
    pub resource_limits: ResourceLimitsOptions,
    #[serde(rename = "k8s/run-as-root", default)]
    pub run_as_root: RunAsRootOptions,
    #[serde(rename = "terraform/hardcoded-secret", default)]
    pub hardcoded_secret: HardcodedSecretOptions,
    #[serde(rename = "terraform/open-ingress", default)]
    pub open_ingress: OpenIngressOptions,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostPathOptions {
    /// Namespaces whose pods may mount hostPath volumes; replaces the default list (the ten
    /// infrastructure namespaces of Kyverno's `disallow-host-path` in the canarie seed).
    #[serde(default)]
    pub allowed_namespaces: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivilegedOptions {
    /// Namespaces whose containers may run privileged; none by default.
    #[serde(default)]
    pub allowed_namespaces: Vec<String>,
}

/// A resource a container's `resources.limits` must set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LimitedResource {
    Cpu,
    Memory,
}

impl LimitedResource {
    pub fn as_str(self) -> &'static str {
        match self {
            LimitedResource::Cpu => "cpu",
            LimitedResource::Memory => "memory",
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceLimitsOptions {
    /// The limits every container must set: `["cpu", "memory"]` by default.
    #[serde(default)]
    pub require: Option<Vec<LimitedResource>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunAsRootOptions {
    /// Report only explicit root (`runAsUser: 0`, `runAsNonRoot: false`), not containers that
    /// leave the user to the image.
    #[serde(default)]
    pub explicit_only: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HardcodedSecretOptions {
    /// More attribute, variable and tfvars names that hold secrets (whole names, any case).
    #[serde(default)]
    pub extra_names: Vec<String>,
    /// Names that look secret but are not (whole names, any case).
    #[serde(default)]
    pub allow_names: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenIngressOptions {
    /// Ports that must not be open to the internet; 22, 3389, 6443, 9345 and 2379 when empty.
    #[serde(default)]
    pub ports: Vec<u16>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValuesDriftOptions {
    /// Chart (or HelmChartConfig name) → its canonical values file, relative to the
    /// configuration file's directory; replaces the `<chart>.values.yaml` search for that chart.
    #[serde(default)]
    pub pairs: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipeToShellOptions {
    /// More environment variables that pin what an install script installs, besides any
    /// `*_VERSION` (`INSTALL_K3S_COMMIT`, `CHANNEL_PIN`).
    #[serde(default)]
    pub version_variables: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnguardedMkfsOptions {
    /// Devices that hold nothing worth keeping (instance-store or resource disks), formatted
    /// on every boot on purpose: exact paths, or prefixes ending in `*`.
    #[serde(default)]
    pub ephemeral_devices: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretFetchOptions {
    /// More commands that fetch secrets, as words: `"op read"`, `"sops -d"`.
    #[serde(default)]
    pub commands: Vec<String>,
}

#[derive(Clone, Debug, Default)]
struct Compiled {
    /// The configuration file's directory: paths in the file are relative to it, so it means
    /// the same whichever subdirectory is linted.
    base: Option<PathBuf>,
    exclude: Option<GlobSet>,
    overrides: Vec<GlobSet>,
}

fn globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| format!("invalid glob `{p}`: {e}"))?);
    }
    b.build().map_err(|e| e.to_string())
}

fn check_ids(path: &Path, keys: impl Iterator<Item = String>) -> Result<(), String> {
    for key in keys {
        if !crate::rules::ALL
            .iter()
            .any(|r| crate::rules::matches(&key, r.meta().id))
        {
            let hint =
                crate::rules::did_you_mean(&key, crate::rules::ALL.iter().map(|r| r.meta().id));
            return Err(format!(
                "{}: unknown rule `{key}`{hint} (see `infralint rules`)",
                path.display()
            ));
        }
    }
    Ok(())
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut config: Config =
            toml::from_str(&text).map_err(|e| format!("invalid {}: {e}", path.display()))?;
        check_ids(
            path,
            config.rules.keys().cloned().chain(
                config
                    .overrides
                    .iter()
                    .flat_map(|o| o.rules.keys().cloned()),
            ),
        )?;
        if let Some(v) = &config.k8s.version {
            if crate::schema::k8s::normalise(v).is_none() {
                return Err(format!(
                    "{}: k8s.version `{v}` is not supported; use one of {}",
                    path.display(),
                    crate::schema::k8s::VERSIONS.join(", ")
                ));
            }
        }
        if let Some(v) = &config.files.max_size {
            size(v).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        let err = |e: String| format!("{}: {e}", path.display());
        config.compiled.base = path
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        config.compiled.exclude = Some(globs(&config.exclude).map_err(err)?);
        config.compiled.overrides = config
            .overrides
            .iter()
            .map(|o| globs(&o.files))
            .collect::<Result<_, _>>()
            .map_err(err)?;
        Ok(config)
    }

    /// The nearest configuration file at or above `start`.
    pub fn find(start: &Path) -> Option<PathBuf> {
        let start = start.canonicalize().ok()?;
        let dir = if start.is_file() {
            start.parent()?.to_path_buf()
        } else {
            start
        };
        for d in dir.ancestors() {
            if let Some(found) = FILE_NAMES.iter().map(|n| d.join(n)).find(|p| p.is_file()) {
                return Some(found);
            }
            // Stop at the repository's top: a file above it belongs to someone else.
            if d.join(".git").exists() {
                return None;
            }
        }
        None
    }

    /// What to put before a path relative to the linted `root` to make it relative to the
    /// configuration file: `infra/` when linting `infra/` under it. Empty when the root is not
    /// under the configuration's directory (`--config` from elsewhere): then paths in the file
    /// are relative to the root.
    pub fn prefix(&self, root: &Path) -> String {
        let Some(base) = &self.compiled.base else {
            return String::new();
        };
        let Ok(root) = root.canonicalize() else {
            return String::new();
        };
        let dir = if root.is_file() {
            root.parent().map(Path::to_path_buf).unwrap_or(root)
        } else {
            root
        };
        match dir.strip_prefix(base) {
            Ok(rel) if !rel.as_os_str().is_empty() => {
                format!("{}/", crate::discover::relative(Path::new(""), rel))
            }
            _ => String::new(),
        }
    }

    /// The Kubernetes version schemas and deprecations are judged against.
    pub fn k8s_version(&self) -> &'static str {
        self.k8s
            .version
            .as_deref()
            .and_then(crate::schema::k8s::normalise)
            .unwrap_or_else(crate::schema::k8s::default_version)
    }

    /// The largest file read, in bytes.
    pub fn max_file_size(&self) -> u64 {
        self.files
            .max_size
            .as_ref()
            .and_then(|v| size(v).ok())
            .unwrap_or(crate::parse::MAX_FILE_BYTES)
    }

    pub fn k8s_strict(&self) -> bool {
        self.k8s.strict.unwrap_or(true)
    }

    /// A path written in the configuration file, relative to that file's directory.
    pub fn path(&self, written: &str) -> PathBuf {
        match &self.compiled.base {
            Some(base) => base.join(written),
            None => PathBuf::from(written),
        }
    }

    pub fn level(&self, id: &str) -> Option<Level> {
        self.rules
            .get(id)
            .or_else(|| {
                self.rules
                    .iter()
                    .find(|(k, _)| crate::rules::matches(k, id))
                    .map(|(_, v)| v)
            })
            .copied()
    }

    /// The level for `rule` in the file at `rel`, when an override or the rule table sets one.
    pub fn level_for(&self, id: &str, rel: &str) -> Option<Level> {
        let from_override = self
            .overrides
            .iter()
            .zip(&self.compiled.overrides)
            .rev()
            .filter(|(_, g)| g.is_match(rel))
            .find_map(|(o, _)| {
                o.rules
                    .get(id)
                    .or_else(|| {
                        o.rules
                            .iter()
                            .find(|(k, _)| crate::rules::matches(k, id))
                            .map(|(_, v)| v)
                    })
                    .copied()
            });
        from_override.or_else(|| self.level(id))
    }

    pub fn excluded(&self, rel: &str) -> bool {
        self.compiled
            .exclude
            .as_ref()
            .is_some_and(|g| g.is_match(rel))
    }
}

/// The commented default configuration `infralint init` writes.
pub fn template() -> String {
    let width = crate::rules::ALL
        .iter()
        .map(|r| r.meta().id.len())
        .max()
        .unwrap_or(0)
        + 2;
    let rules: String = crate::rules::ALL
        .iter()
        .map(|r| {
            let m = r.meta();
            format!(
                "# {:width$} = \"{}\"   # {}\n",
                format!("\"{}\"", m.id),
                m.severity.as_str(),
                m.summary
            )
        })
        .collect();
    format!(
        r#"# infralint configuration: every key is optional. `infralint rules` lists the rules,
# `infralint explain <rule>` documents one. Found by walking up from the linted directory.
# Globs and paths below are relative to this file's directory.

# Findings in files matching these globs are not reported (the files are still read for
# cross-file context). To skip files entirely, list them in .infralintignore.
exclude = []

# Level per rule id or domain ("terraform"): "off", "info", "warning" or "error".
# The defaults are shown; uncomment a line to change it.
[rules]
{rules}
# Levels for some paths; later entries win.
# [[overrides]]
# files = ["legacy/**", "**/tests/fixtures/**"]
# rules = {{ "terraform/unused-declaration" = "off" }}

[k8s]
# Namespaces created outside this repository (by hand, by another tool).
known_namespaces = []
# Kubernetes version for schema validation and deprecated APIs: "1.35", "1.36" or "1.37".
# version = "1.37"
# Unknown fields in objects are errors, like kubeconform -strict.
# strict = true
# Schema catalogs for custom resources, laid out as <group>/<kind>_<version>.json.
schema_dirs = []

[files]
# Larger files are reported instead of read: bytes, or "64MB", "512KB".
# max_size = "32MB"
# Read templatefile() targets outside the linted directory (or behind a symlink leading out).
read_outside_root = false

[options."cloud-init/pipe-to-shell"]
# Variables that pin an install script's version, besides any *_VERSION ("INSTALL_K3S_COMMIT").
version_variables = []

[options."cloud-init/secret-fetch-retry"]
# More commands that fetch secrets at boot, as words ("op read", "sops -d").
commands = []

[options."cloud-init/unguarded-mkfs"]
# Ephemeral disks formatted on every boot on purpose: paths, or prefixes ending in "*".
ephemeral_devices = []

[options."helm/values-drift"]
# Chart → canonical values file, when it is not named <chart>.values.yaml.
# pairs = {{ "rke2-cilium" = "kube/helm/cilium.values.yaml" }}

[options."k8s/host-path"]
# Namespaces whose pods may mount hostPath volumes; replaces the default list:
# allowed_namespaces = ["kube-system", "falco", "longhorn-system", "monitoring", "ingress-nginx",
#   "cert-manager", "external-dns", "trivy-system", "cattle-fleet-system", "kyverno"]

[options."k8s/privileged-container"]
# Namespaces whose containers may run privileged.
allowed_namespaces = []

[options."k8s/resource-limits"]
# The limits every container must set; ["memory"] for teams that leave CPU unlimited.
require = ["cpu", "memory"]

[options."k8s/run-as-root"]
# Report only explicit root (runAsUser: 0, runAsNonRoot: false).
explicit_only = false

[options."terraform/hardcoded-secret"]
# More names that hold secrets, and names that look secret but are not (whole names, any case).
extra_names = []
allow_names = []

[options."terraform/open-ingress"]
# Ports that must not be open to 0.0.0.0/0, ::/0 or Internet (SSH, RDP, kube-apiserver,
# RKE2 supervisor, etcd by default).
# ports = [22, 3389, 6443, 9345, 2379]
"#
    )
}

/// `1048576`, `"1MB"`, `"512 KB"`, `"2GB"` (powers of 1024) in bytes.
fn size(v: &toml::Value) -> Result<u64, String> {
    let bad =
        || format!("`[files] max_size` must be a number of bytes or a size like \"32MB\", not {v}");
    match v {
        toml::Value::Integer(n) if *n > 0 => Ok(*n as u64),
        toml::Value::String(s) => {
            let s = s.trim().to_ascii_uppercase();
            let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic()).trim();
            let unit = s[digits.len()..].trim();
            let n: u64 = digits.trim().parse().map_err(|_| bad())?;
            let scale: u64 = match unit {
                "" | "B" => 1,
                "KB" | "K" | "KIB" => 1 << 10,
                "MB" | "M" | "MIB" => 1 << 20,
                "GB" | "G" | "GIB" => 1 << 30,
                _ => return Err(bad()),
            };
            n.checked_mul(scale).filter(|&b| b > 0).ok_or_else(bad)
        }
        _ => Err(bad()),
    }
}
