//! Deprecated and removed apiVersions: Kubernetes built-ins (Kubernetes 1.16 to 1.37) and the
//! GitOps CRDs a platform repository uses (Flux, cert-manager, External Secrets Operator).
//!
//! Every entry names the page that states the removal (or, where nothing is removed yet, the
//! deprecation). How the columns were filled:
//!
//! - Kubernetes `removed_in` and `replacement` come from the official Deprecated API Migration
//!   Guide. The guide does not name the release that *deprecated* an API; `deprecated_in` is the
//!   release the API server itself names in its warning (`<group/version> <Kind> is deprecated in
//!   v1.X+, unavailable in v1.Y+`), which is generated from the `k8s:prerelease-lifecycle-gen`
//!   tags in `k8s.io/api`. "Removed" means "no longer served".
//! - Flux versions are Flux distribution releases (`2.7`, not controller versions). "Removed"
//!   means the version was dropped from the CRDs. Where no Flux document says in which release
//!   an old version became deprecated, `deprecated_in` is None; for the `v1beta1` APIs that were
//!   deprecated during Flux 0.x, `deprecated_in` is the first 2.x release whose notes list them as
//!   deprecated.
//! - cert-manager and External Secrets Operator versions are their own releases; "removed"
//!   means no longer served.
//!
//! Kinds are listed explicitly wherever a project reused (or may reuse) a group/version for
//! newer kinds: e.g. `admissionregistration.k8s.io/v1beta1` came back for
//! ValidatingAdmissionPolicy, `external-secrets.io/v1alpha1` still serves PushSecret, and the
//! Flux 2.9 announcement shows ArtifactGenerator under `source.toolkit.fluxcd.io/v1beta1`.

/// Who owns an API: Kubernetes itself (versions are Kubernetes minors) or a project whose own release numbers apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    Kubernetes,
    Project(&'static str),
}

pub struct Deprecation {
    /// `extensions/v1beta1`; `v1` for the core group.
    pub api_version: &'static str,
    /// Empty = every kind in that apiVersion.
    pub kinds: &'static [&'static str],
    pub owner: Owner,
    /// Kubernetes minor (for Owner::Kubernetes) as "1.22"; for a project, its release, e.g. "2.0"
    pub deprecated_in: Option<&'static str>,
    /// The release that no longer serves (Kubernetes, cert-manager, ESO) or no longer ships
    /// (Flux CRDs) this version.
    pub removed_in: Option<&'static str>,
    /// The apiVersion to use instead, plus a short migration note where one is essential.
    pub replacement: &'static str,
    /// URL of the page that says so.
    pub source: &'static str,
}

const K8S: Owner = Owner::Kubernetes;
const FLUX: Owner = Owner::Project("Flux");
const CERT_MANAGER: Owner = Owner::Project("cert-manager");
const ESO: Owner = Owner::Project("External Secrets Operator");

/// A section of the Deprecated API Migration Guide (one section per removal release and kind).
macro_rules! guide {
    ($anchor:literal) => {
        concat!(
            "https://kubernetes.io/docs/reference/using-api/deprecation-guide/",
            $anchor
        )
    };
}

const fn k8s(
    api_version: &'static str,
    kinds: &'static [&'static str],
    deprecated_in: &'static str,
    removed_in: &'static str,
    replacement: &'static str,
    source: &'static str,
) -> Deprecation {
    Deprecation {
        api_version,
        kinds,
        owner: K8S,
        deprecated_in: Some(deprecated_in),
        removed_in: Some(removed_in),
        replacement,
        source,
    }
}

const fn project(
    owner: Owner,
    api_version: &'static str,
    kinds: &'static [&'static str],
    deprecated_in: Option<&'static str>,
    removed_in: &'static str,
    replacement: &'static str,
    source: &'static str,
) -> Deprecation {
    Deprecation {
        api_version,
        kinds,
        owner,
        deprecated_in,
        removed_in: Some(removed_in),
        replacement,
        source,
    }
}

// Flux release announcements ("Upgrade Procedure" sections list the versions dropped from the CRDs).
const FLUX_2_7: &str = "https://fluxcd.io/blog/2025/09/flux-v2.7.0/#upgrade-procedure";
const FLUX_2_8: &str = "https://fluxcd.io/blog/2026/02/flux-v2.8.0/#upgrade-procedure";
const FLUX_2_9: &str = "https://fluxcd.io/blog/2026/06/flux-v2.9.0/#upgrade-procedure";

const CERT_MANAGER_SRC: &str =
    "https://cert-manager.io/docs/releases/upgrading/remove-deprecated-apis/";
const CERT_MANAGER_KINDS: &[&str] = &[
    "Certificate",
    "CertificateRequest",
    "ClusterIssuer",
    "Issuer",
];
const CERT_MANAGER_ACME_KINDS: &[&str] = &["Challenge", "Order"];

/// Sorted by owner (Kubernetes first, then projects by name) and then by apiVersion.
pub const DEPRECATIONS: &[Deprecation] = &[
    // ---- Kubernetes -------------------------------------------------------------------------
    k8s(
        "admissionregistration.k8s.io/v1beta1",
        &["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
        "1.16",
        "1.22",
        "admissionregistration.k8s.io/v1 (webhooks[*].sideEffects and admissionReviewVersions are required; failurePolicy defaults to Fail)",
        guide!("#webhook-resources-v122"),
    ),
    k8s(
        "apiextensions.k8s.io/v1beta1",
        &["CustomResourceDefinition"],
        "1.16",
        "1.22",
        "apiextensions.k8s.io/v1 (spec.scope required; spec.validation → spec.versions[*].schema, which must be structural)",
        guide!("#customresourcedefinition-v122"),
    ),
    k8s(
        "apiregistration.k8s.io/v1beta1",
        &["APIService"],
        "1.19",
        "1.22",
        "apiregistration.k8s.io/v1",
        guide!("#apiservice-v122"),
    ),
    // Every kind of apps/v1beta1 and apps/v1beta2 stopped being served in 1.16.
    k8s("apps/v1beta1", &[], "1.8", "1.16", "apps/v1 (spec.selector is required and immutable)", guide!("#v1-16")),
    k8s("apps/v1beta2", &[], "1.9", "1.16", "apps/v1 (spec.selector is required and immutable)", guide!("#v1-16")),
    k8s(
        "authentication.k8s.io/v1beta1",
        &["TokenReview"],
        "1.19",
        "1.22",
        "authentication.k8s.io/v1",
        guide!("#tokenreview-v122"),
    ),
    k8s(
        "authorization.k8s.io/v1beta1",
        &["LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"],
        "1.19",
        "1.22",
        "authorization.k8s.io/v1 (spec.group → spec.groups)",
        guide!("#subjectaccessreview-resources-v122"),
    ),
    k8s(
        "autoscaling/v2beta1",
        &["HorizontalPodAutoscaler"],
        "1.22",
        "1.25",
        "autoscaling/v2 (targetAverageUtilization → target.averageUtilization with target.type: Utilization)",
        guide!("#horizontalpodautoscaler-v125"),
    ),
    k8s(
        "autoscaling/v2beta2",
        &["HorizontalPodAutoscaler"],
        "1.23",
        "1.26",
        "autoscaling/v2",
        guide!("#horizontalpodautoscaler-v126"),
    ),
    k8s("batch/v1beta1", &["CronJob"], "1.21", "1.25", "batch/v1", guide!("#cronjob-v125")),
    k8s(
        "certificates.k8s.io/v1beta1",
        &["CertificateSigningRequest"],
        "1.19",
        "1.22",
        "certificates.k8s.io/v1 (spec.signerName and spec.usages are required)",
        guide!("#certificatesigningrequest-v122"),
    ),
    k8s("coordination.k8s.io/v1beta1", &["Lease"], "1.19", "1.22", "coordination.k8s.io/v1", guide!("#lease-v122")),
    k8s(
        "discovery.k8s.io/v1beta1",
        &["EndpointSlice"],
        "1.21",
        "1.25",
        "discovery.k8s.io/v1 (topology → per-endpoint nodeName and zone)",
        guide!("#endpointslice-v125"),
    ),
    k8s(
        "events.k8s.io/v1beta1",
        &["Event"],
        "1.22",
        "1.25",
        "events.k8s.io/v1 (involvedObject → regarding; type is Normal or Warning)",
        guide!("#event-v125"),
    ),
    k8s(
        "extensions/v1beta1",
        &["DaemonSet", "Deployment", "ReplicaSet"],
        "1.8",
        "1.16",
        "apps/v1 (spec.selector is required and immutable)",
        guide!("#daemonset-v116"),
    ),
    k8s(
        "extensions/v1beta1",
        &["Ingress"],
        "1.14",
        "1.22",
        "networking.k8s.io/v1 (spec.backend → spec.defaultBackend; serviceName/servicePort → service.name/service.port; pathType required)",
        guide!("#ingress-v122"),
    ),
    k8s("extensions/v1beta1", &["NetworkPolicy"], "1.9", "1.16", "networking.k8s.io/v1", guide!("#networkpolicy-v116")),
    k8s(
        "extensions/v1beta1",
        &["PodSecurityPolicy"],
        "1.11",
        "1.16",
        "policy/v1beta1 (itself removed in 1.25: use Pod Security Admission)",
        guide!("#psp-v116"),
    ),
    k8s(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        &["FlowSchema", "PriorityLevelConfiguration"],
        "1.23",
        "1.26",
        "flowcontrol.apiserver.k8s.io/v1 (1.29+; v1beta3 on 1.26–1.28)",
        guide!("#flowcontrol-resources-v126"),
    ),
    k8s(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        &["FlowSchema", "PriorityLevelConfiguration"],
        "1.26",
        "1.29",
        "flowcontrol.apiserver.k8s.io/v1 (assuredConcurrencyShares → nominalConcurrencyShares)",
        guide!("#flowcontrol-resources-v129"),
    ),
    k8s(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        &["FlowSchema", "PriorityLevelConfiguration"],
        "1.29",
        "1.32",
        "flowcontrol.apiserver.k8s.io/v1",
        guide!("#flowcontrol-resources-v132"),
    ),
    k8s(
        "networking.k8s.io/v1beta1",
        &["Ingress"],
        "1.19",
        "1.22",
        "networking.k8s.io/v1 (spec.backend → spec.defaultBackend; serviceName/servicePort → service.name/service.port; pathType required)",
        guide!("#ingress-v122"),
    ),
    k8s("networking.k8s.io/v1beta1", &["IngressClass"], "1.19", "1.22", "networking.k8s.io/v1", guide!("#ingressclass-v122")),
    k8s("node.k8s.io/v1beta1", &["RuntimeClass"], "1.22", "1.25", "node.k8s.io/v1", guide!("#runtimeclass-v125")),
    k8s(
        "policy/v1beta1",
        &["PodDisruptionBudget"],
        "1.21",
        "1.25",
        "policy/v1 (an empty spec.selector now selects every pod in the namespace)",
        guide!("#poddisruptionbudget-v125"),
    ),
    k8s(
        "policy/v1beta1",
        &["PodSecurityPolicy"],
        "1.21",
        "1.25",
        "no replacement: use Pod Security Admission or a third-party admission webhook",
        guide!("#psp-v125"),
    ),
    k8s(
        "rbac.authorization.k8s.io/v1beta1",
        &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
        "1.17",
        "1.22",
        "rbac.authorization.k8s.io/v1",
        guide!("#rbac-resources-v122"),
    ),
    k8s("scheduling.k8s.io/v1beta1", &["PriorityClass"], "1.14", "1.22", "scheduling.k8s.io/v1", guide!("#priorityclass-v122")),
    k8s(
        "storage.k8s.io/v1beta1",
        &["CSIDriver", "StorageClass", "VolumeAttachment"],
        "1.19",
        "1.22",
        "storage.k8s.io/v1",
        guide!("#storage-resources-v122"),
    ),
    k8s("storage.k8s.io/v1beta1", &["CSINode"], "1.17", "1.22", "storage.k8s.io/v1", guide!("#storage-resources-v122")),
    k8s(
        "storage.k8s.io/v1beta1",
        &["CSIStorageCapacity"],
        "1.24",
        "1.27",
        "storage.k8s.io/v1",
        guide!("#csistoragecapacity-v127"),
    ),
    // Deprecated, no removal planned (the blog expects the type to stay; the API server warns).
    Deprecation {
        api_version: "v1",
        kinds: &["Endpoints"],
        owner: K8S,
        deprecated_in: Some("1.33"),
        removed_in: None,
        replacement: "discovery.k8s.io/v1 EndpointSlice (a Service may have several slices)",
        source: "https://kubernetes.io/blog/2025/04/24/endpoints-deprecation/",
    },
    // ---- cert-manager -----------------------------------------------------------------------
    // Deprecated in 1.4, no longer served in 1.6, dropped from the CRDs in 1.7.
    project(
        CERT_MANAGER,
        "acme.cert-manager.io/v1alpha2",
        CERT_MANAGER_ACME_KINDS,
        Some("1.4"),
        "1.6",
        "acme.cert-manager.io/v1 (cmctl convert rewrites manifests)",
        CERT_MANAGER_SRC,
    ),
    project(
        CERT_MANAGER,
        "acme.cert-manager.io/v1alpha3",
        CERT_MANAGER_ACME_KINDS,
        Some("1.4"),
        "1.6",
        "acme.cert-manager.io/v1 (cmctl convert rewrites manifests)",
        CERT_MANAGER_SRC,
    ),
    project(
        CERT_MANAGER,
        "acme.cert-manager.io/v1beta1",
        CERT_MANAGER_ACME_KINDS,
        Some("1.4"),
        "1.6",
        "acme.cert-manager.io/v1 (cmctl convert rewrites manifests)",
        CERT_MANAGER_SRC,
    ),
    project(
        CERT_MANAGER,
        "cert-manager.io/v1alpha2",
        CERT_MANAGER_KINDS,
        Some("1.4"),
        "1.6",
        "cert-manager.io/v1 (cmctl convert rewrites manifests)",
        CERT_MANAGER_SRC,
    ),
    project(
        CERT_MANAGER,
        "cert-manager.io/v1alpha3",
        CERT_MANAGER_KINDS,
        Some("1.4"),
        "1.6",
        "cert-manager.io/v1 (cmctl convert rewrites manifests)",
        CERT_MANAGER_SRC,
    ),
    project(
        CERT_MANAGER,
        "cert-manager.io/v1beta1",
        CERT_MANAGER_KINDS,
        Some("1.4"),
        "1.6",
        "cert-manager.io/v1 (cmctl convert rewrites manifests)",
        CERT_MANAGER_SRC,
    ),
    // ---- External Secrets Operator ----------------------------------------------------------
    // v1alpha1 of these kinds went with the promotion to v1 (external-secrets#4633, #4662);
    // PushSecret and newer kinds still use external-secrets.io/v1alpha1.
    project(
        ESO,
        "external-secrets.io/v1alpha1",
        &["ClusterSecretStore", "ExternalSecret", "SecretStore"],
        None,
        "0.16",
        "external-secrets.io/v1 (0.16+; v1beta1 on older releases)",
        "https://github.com/external-secrets/external-secrets/releases/tag/v0.16.0",
    ),
    // "chore: unserve v1beta1 and mark it as deprecated" (#4758) shipped in 0.17.0.
    project(
        ESO,
        "external-secrets.io/v1beta1",
        &["ClusterExternalSecret", "ClusterSecretStore", "ExternalSecret", "SecretStore"],
        Some("0.17"),
        "0.17",
        "external-secrets.io/v1 (available since 0.16)",
        "https://github.com/external-secrets/external-secrets/releases/tag/v0.17.0",
    ),
    // ---- Flux -------------------------------------------------------------------------------
    // Deprecated in 2.2 when v2beta2 arrived (https://fluxcd.io/blog/2023/12/flux-v2.2.0/),
    // listed as deprecated in https://fluxcd.io/blog/2024/05/flux-v2.3.0/.
    project(FLUX, "helm.toolkit.fluxcd.io/v2beta1", &["HelmRelease"], Some("2.2"), "2.7", "helm.toolkit.fluxcd.io/v2", FLUX_2_7),
    // Deprecated by the v2 GA in 2.3 (https://fluxcd.io/blog/2024/05/flux-v2.3.0/).
    project(FLUX, "helm.toolkit.fluxcd.io/v2beta2", &["HelmRelease"], Some("2.3"), "2.8", "helm.toolkit.fluxcd.io/v2", FLUX_2_8),
    // Superseded by v1beta2 in image-reflector-controller 0.25 (Flux 0.x); no Flux release
    // notes name a deprecation release.
    project(
        FLUX,
        "image.toolkit.fluxcd.io/v1beta1",
        &["ImagePolicy", "ImageRepository"],
        None,
        "2.7",
        "image.toolkit.fluxcd.io/v1",
        FLUX_2_7,
    ),
    // Deprecated in 2.3 (https://fluxcd.io/blog/2024/05/flux-v2.3.0/#breaking-changes-and-deprecations).
    project(
        FLUX,
        "image.toolkit.fluxcd.io/v1beta1",
        &["ImageUpdateAutomation"],
        Some("2.3"),
        "2.7",
        "image.toolkit.fluxcd.io/v1 (commit messageTemplate uses the .Changed data)",
        FLUX_2_7,
    ),
    // v1 went GA in 2.7 (https://fluxcd.io/blog/2025/09/flux-v2.7.0/); no deprecation release named.
    project(
        FLUX,
        "image.toolkit.fluxcd.io/v1beta2",
        &["ImagePolicy", "ImageRepository", "ImageUpdateAutomation"],
        None,
        "2.9",
        "image.toolkit.fluxcd.io/v1",
        FLUX_2_9,
    ),
    // Listed as deprecated with the Kustomization v1 GA in 2.0 (kustomize-controller
    // 1.0.0-rc.1 changelog); deprecated during Flux 0.x.
    project(
        FLUX,
        "kustomize.toolkit.fluxcd.io/v1beta1",
        &["Kustomization"],
        Some("2.0"),
        "2.7",
        "kustomize.toolkit.fluxcd.io/v1 (patchesStrategicMerge/patchesJson6902 → patches)",
        FLUX_2_7,
    ),
    project(
        FLUX,
        "kustomize.toolkit.fluxcd.io/v1beta2",
        &["Kustomization"],
        Some("2.0"),
        "2.8",
        "kustomize.toolkit.fluxcd.io/v1 (patchesStrategicMerge/patchesJson6902 → patches; spec.validation removed)",
        FLUX_2_8,
    ),
    // Alert and Provider moved to v1beta3 in 2.2 (https://fluxcd.io/blog/2023/12/flux-v2.2.0/).
    project(
        FLUX,
        "notification.toolkit.fluxcd.io/v1beta1",
        &["Alert", "Provider"],
        Some("2.2"),
        "2.7",
        "notification.toolkit.fluxcd.io/v1beta3",
        FLUX_2_7,
    ),
    // Receiver v1 GA in 2.0 (notification-controller 1.0.0-rc.1 changelog lists v1beta1 and
    // v1beta2 as deprecated).
    project(
        FLUX,
        "notification.toolkit.fluxcd.io/v1beta1",
        &["Receiver"],
        Some("2.0"),
        "2.7",
        "notification.toolkit.fluxcd.io/v1",
        FLUX_2_7,
    ),
    project(
        FLUX,
        "notification.toolkit.fluxcd.io/v1beta2",
        &["Alert", "Provider"],
        Some("2.2"),
        "2.9",
        "notification.toolkit.fluxcd.io/v1beta3",
        FLUX_2_9,
    ),
    project(
        FLUX,
        "notification.toolkit.fluxcd.io/v1beta2",
        &["Receiver"],
        Some("2.0"),
        "2.9",
        "notification.toolkit.fluxcd.io/v1",
        FLUX_2_9,
    ),
    // Bucket v1 GA in 2.4 (https://fluxcd.io/blog/2024/09/flux-v2.4.0/).
    project(FLUX, "source.toolkit.fluxcd.io/v1beta1", &["Bucket"], Some("2.4"), "2.7", "source.toolkit.fluxcd.io/v1", FLUX_2_7),
    // GitRepository v1 GA in 2.0 (source-controller 1.0.0-rc.1 changelog lists v1beta2 and
    // v1beta1 as deprecated).
    project(
        FLUX,
        "source.toolkit.fluxcd.io/v1beta1",
        &["GitRepository"],
        Some("2.0"),
        "2.7",
        "source.toolkit.fluxcd.io/v1",
        FLUX_2_7,
    ),
    // HelmChart and HelmRepository v1beta2 and v1beta1 deprecated in 2.3
    // (https://fluxcd.io/blog/2024/05/flux-v2.3.0/#breaking-changes-and-deprecations).
    project(
        FLUX,
        "source.toolkit.fluxcd.io/v1beta1",
        &["HelmChart", "HelmRepository"],
        Some("2.3"),
        "2.7",
        "source.toolkit.fluxcd.io/v1",
        FLUX_2_7,
    ),
    project(FLUX, "source.toolkit.fluxcd.io/v1beta2", &["Bucket"], Some("2.4"), "2.8", "source.toolkit.fluxcd.io/v1", FLUX_2_8),
    project(
        FLUX,
        "source.toolkit.fluxcd.io/v1beta2",
        &["GitRepository"],
        Some("2.0"),
        "2.8",
        "source.toolkit.fluxcd.io/v1",
        FLUX_2_8,
    ),
    project(
        FLUX,
        "source.toolkit.fluxcd.io/v1beta2",
        &["HelmChart", "HelmRepository"],
        Some("2.3"),
        "2.8",
        "source.toolkit.fluxcd.io/v1",
        FLUX_2_8,
    ),
    // OCIRepository v1 GA in 2.6 (https://fluxcd.io/blog/2025/05/flux-v2.6.0/); no deprecation
    // release named.
    project(
        FLUX,
        "source.toolkit.fluxcd.io/v1beta2",
        &["OCIRepository"],
        None,
        "2.8",
        "source.toolkit.fluxcd.io/v1",
        FLUX_2_8,
    ),
];

/// Parses "1.22" into (1, 22) for comparisons.
///
/// Also accepts a leading `v` and a patch or pre-release suffix (`v1.22.3`, `1.22.0-rc.1`).
pub fn minor(v: &str) -> Option<(u32, u32)> {
    let v = v.trim();
    let v = v.strip_prefix('v').unwrap_or(v);
    let mut parts = v.splitn(3, '.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn owner_key(o: Owner) -> (u8, String) {
        match o {
            Owner::Kubernetes => (0, String::new()),
            Owner::Project(name) => (1, name.to_lowercase()),
        }
    }

    #[test]
    fn every_entry_has_a_source_url() {
        for d in DEPRECATIONS {
            assert!(
                d.source.starts_with("https://") && !d.source.contains(char::is_whitespace),
                "{}: bad source {:?}",
                d.api_version,
                d.source
            );
            if d.owner == Owner::Kubernetes {
                assert!(
                    d.source.starts_with("https://kubernetes.io/"),
                    "{}",
                    d.api_version
                );
            }
            if d.source
                .contains("/docs/reference/using-api/deprecation-guide/")
            {
                assert!(
                    d.removed_in.is_some(),
                    "{}: the guide lists removals",
                    d.api_version
                );
            }
        }
    }

    #[test]
    fn versions_parse_and_removal_follows_deprecation() {
        for d in DEPRECATIONS {
            assert!(
                d.deprecated_in.is_some() || d.removed_in.is_some(),
                "{}: neither deprecated nor removed",
                d.api_version
            );
            let dep = d
                .deprecated_in
                .map(|v| minor(v).unwrap_or_else(|| panic!("{v}")));
            let rem = d
                .removed_in
                .map(|v| minor(v).unwrap_or_else(|| panic!("{v}")));
            if let (Some(dep), Some(rem)) = (dep, rem) {
                assert!(
                    rem >= dep,
                    "{} {:?}: removed before deprecated",
                    d.api_version,
                    d.kinds
                );
            }
        }
    }

    #[test]
    fn api_version_kind_pairs_are_unique() {
        let mut pairs = HashSet::new();
        let mut whole: HashSet<&str> = HashSet::new();
        for d in DEPRECATIONS {
            if d.kinds.is_empty() {
                assert!(whole.insert(d.api_version), "{} twice", d.api_version);
            }
            for k in d.kinds {
                assert!(!k.is_empty() && !k.contains(char::is_whitespace));
                assert!(
                    pairs.insert((d.api_version, *k)),
                    "{} {k} twice",
                    d.api_version
                );
            }
        }
        // An entry covering every kind must be the only one for its apiVersion.
        for (api, _) in &pairs {
            assert!(
                !whole.contains(api),
                "{api} has both an all-kinds entry and per-kind entries"
            );
        }
    }

    #[test]
    fn fields_are_well_formed() {
        for d in DEPRECATIONS {
            assert!(!d.api_version.is_empty() && !d.api_version.contains(char::is_whitespace));
            assert!(
                d.api_version == "v1" || d.api_version.contains('/'),
                "{}",
                d.api_version
            );
            assert!(!d.replacement.is_empty(), "{}", d.api_version);
            if let Owner::Project(name) = d.owner {
                assert!(!name.is_empty());
            }
        }
    }

    #[test]
    fn sorted_by_owner_then_api_version() {
        for w in DEPRECATIONS.windows(2) {
            let a = (owner_key(w[0].owner), w[0].api_version);
            let b = (owner_key(w[1].owner), w[1].api_version);
            assert!(a <= b, "{a:?} should not come after {b:?}");
        }
    }

    #[test]
    fn lookups_match_known_cases() {
        let find = |api: &str, kind: &str| {
            DEPRECATIONS
                .iter()
                .find(|d| d.api_version == api && (d.kinds.is_empty() || d.kinds.contains(&kind)))
        };
        let ingress = find("extensions/v1beta1", "Ingress").unwrap();
        assert_eq!(ingress.removed_in, Some("1.22"));
        assert!(ingress.replacement.starts_with("networking.k8s.io/v1"));
        assert_eq!(
            find("apps/v1beta2", "StatefulSet").unwrap().removed_in,
            Some("1.16")
        );
        assert_eq!(
            find("helm.toolkit.fluxcd.io/v2beta1", "HelmRelease")
                .unwrap()
                .removed_in,
            Some("2.7")
        );
        // Reused group/versions must not be flagged for their newer kinds.
        assert!(find(
            "admissionregistration.k8s.io/v1beta1",
            "ValidatingAdmissionPolicy"
        )
        .is_none());
        assert!(find("external-secrets.io/v1alpha1", "PushSecret").is_none());
        assert!(find("source.toolkit.fluxcd.io/v1beta1", "ArtifactGenerator").is_none());
        assert!(find("storage.k8s.io/v1beta1", "VolumeAttributesClass").is_none());
        assert!(find("v1", "Service").is_none());
    }

    #[test]
    fn minor_parses_versions() {
        assert_eq!(minor("1.22"), Some((1, 22)));
        assert_eq!(minor("v1.37"), Some((1, 37)));
        assert_eq!(minor(" 1.16 "), Some((1, 16)));
        assert_eq!(minor("1.22.3"), Some((1, 22)));
        assert_eq!(minor("v1.35.0-rc.1"), Some((1, 35)));
        assert_eq!(minor("2.0"), Some((2, 0)));
        assert_eq!(minor("0.17"), Some((0, 17)));
        assert!(minor("1.9") < minor("1.16"));
        assert!(minor("2.10") > minor("2.9"));
        for bad in ["", "1", "1.", ".22", "v", "x.y", "1.x", "1.-2", "one.two"] {
            assert_eq!(minor(bad), None, "{bad:?}");
        }
    }
}
