//! End to end: GitOps objects (Flux, cert-manager, external-secrets, Fleet) validated through a
//! user's schema catalog, with precise messages and positions.
//!
//! The catalog is the developers' shared CRD catalog (`../shared/schemas/crds`, kubeconform
//! layout), read exactly as a user's `--schema-dir` would be. It is not part of this repository:
//! when it is absent the catalog test says so and checks nothing. Custom resources are also
//! covered without it, through CRDs in the linted repository (`fixtures/k8s/schema`) and by
//! `schema_dir_in_kubeconform_layout_is_read` below, which builds its own catalog.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(dir: &Path, extra: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_infralint"))
        .arg("check")
        .arg(dir)
        .args(["--format", "json", "--select", "k8s/schema"])
        .args(extra)
        .output()
        .expect("the binary runs");
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// `path:line:column message` for every finding.
fn found(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {}",
                d["path"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const GITOPS: &str = r#"apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: apps
spec:
  interval: 10 minutes
  chart:
    spec:
      chart: podinfo
      sourceRef: {kind: HelmRepository, name: podinfo}
  values:
    anything: [goes, here]
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: maybe
  sourceRef: {kind: GitRepository, name: flux-system}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
  namespace: apps
spec:
  secretName: web-tls
  dnsNamess: [web.example.com]
  privateKey: {algorithm: DSA}
  issuerRef: {kind: ClusterIssuer}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: db
  namespace: apps
spec:
  refreshInterval: 1h
  secretStoreRef: {kind: ClusterSecretStore, name: vault}
  target: {name: db, creationPolicy: Sometimes}
  data:
    - secretKey: password
      remoteRef: {key: apps/db, property: password}
---
apiVersion: fleet.cattle.io/v1alpha1
kind: GitRepo
metadata:
  name: platform
  namespace: fleet-local
spec:
  repo: https://git.example.com/platform.git
  branch: main
  pathz: [apps]
"#;

fn shared_catalog() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/crds");
    dir.join("cert-manager.io").is_dir().then_some(dir)
}

#[test]
fn gitops_objects_through_the_shared_catalog() {
    let Some(catalog) = shared_catalog() else {
        eprintln!("skipped: ../shared/schemas/crds (the developers' catalog) is not present");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "gitops.yaml", GITOPS);
    let v = run(tmp.path(), &["--schema-dir", catalog.to_str().unwrap()]);
    assert_eq!(
        found(&v),
        [
            "gitops.yaml:7:13 HelmRelease `podinfo`: `spec.interval`: \"10 minutes\" does not match the pattern `^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$`",
            "gitops.yaml:23:10 Kustomization `apps`: `spec.prune`: \"maybe\" is not a boolean",
            "gitops.yaml:33:3 Certificate `web`: unknown field `spec.dnsNamess` (did you mean `dnsNames`?)",
            "gitops.yaml:34:27 Certificate `web`: `spec.privateKey.algorithm`: \"DSA\" is not one of \"RSA\", \"ECDSA\", \"Ed25519\"",
            "gitops.yaml:35:3 Certificate `web`: `spec.issuerRef`: missing required field `name`",
            "gitops.yaml:45:38 ExternalSecret `db`: `spec.target.creationPolicy`: \"Sometimes\" is not one of \"Owner\", \"Orphan\", \"Merge\", \"None\", \"CreateOrMerge\"",
            "gitops.yaml:58:3 GitRepo `platform`: unknown field `spec.pathz` (did you mean `paths`?)",
        ]
    );
}

#[test]
fn schema_dir_in_kubeconform_layout_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = tmp.path().join("catalog");
    write(
        &catalog,
        "example.com/gadget_v1.json",
        r#"{"type": "object", "properties": {"spec": {"type": "object", "additionalProperties": false,
            "properties": {"size": {"type": "integer"}}}}}"#,
    );
    let repo = tmp.path().join("repo");
    write(
        &repo,
        "gadget.yaml",
        "apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\nspec:\n  size: big\n  colour: red\n",
    );
    let v = run(&repo, &["--schema-dir", catalog.to_str().unwrap()]);
    assert_eq!(
        found(&v),
        [
            "gadget.yaml:6:9 Gadget `g`: `spec.size`: \"big\" is not an integer",
            "gadget.yaml:7:3 Gadget `g`: unknown field `spec.colour`",
        ]
    );
    // Not strict: the unknown field is allowed, the type error stays.
    let v = run(
        &repo,
        &["--schema-dir", catalog.to_str().unwrap(), "--no-strict"],
    );
    assert_eq!(
        found(&v),
        ["gadget.yaml:6:9 Gadget `g`: `spec.size`: \"big\" is not an integer"]
    );
    // Without the catalog the kind is unknown: one info note.
    let v = run(&repo, &[]);
    assert_eq!(v["diagnostics"][0]["severity"], "info");
}

#[test]
fn kubernetes_version_selects_the_schema() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: placeholder\n",
    );
    let on = |v: &str| found(&run(tmp.path(), &["--kubernetes-version", v])).len();
    assert_eq!(on("1.36"), 0, "1.36 does not require a Deployment's spec");
    assert_eq!(on("1.37"), 1, "1.37 does");
    let out = Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args(["check", ".", "--kubernetes-version", "1.20"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1.35, 1.36, 1.37"));
}

#[test]
fn an_api_version_cannot_steer_the_catalog_lookup_outside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = tmp.path().join("catalog");
    std::fs::create_dir_all(&catalog).unwrap();
    // A JSON file outside the catalog that a `..` group would reach.
    write(
        tmp.path(),
        "outside/gadget_v1.json",
        r#"{"type": "string"}"#,
    );
    let repo = tmp.path().join("repo");
    write(
        &repo,
        "gadget.yaml",
        "apiVersion: ../outside/v1\nkind: Gadget\nmetadata:\n  name: g\n",
    );
    let v = run(&repo, &["--schema-dir", catalog.to_str().unwrap()]);
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "info", "{v}");
    assert!(d["message"].as_str().unwrap().starts_with("no schema"));
}
