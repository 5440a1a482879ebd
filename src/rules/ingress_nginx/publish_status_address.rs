use crate::diagnostic::{Diagnostic, Severity};
use crate::model::helm::{HelmValues, ValuesSource};
use crate::parse::yaml::YNode;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::FileId;

pub struct PublishStatusAddress;

static META: RuleMeta = RuleMeta {
    id: "ingress-nginx/publish-status-address",
    severity: Severity::Error,
    summary: "ingress-nginx without a LoadBalancer Service must publish a fixed status address",
    doc: include_str!("../../../rules/ingress-nginx/publish-status-address.md"),
};

const FIX: &str = "controller:\n    publishService:\n      enabled: false\n    extraArgs:\n      publish-status-address: \"<public load balancer IP>\"";

impl Rule for PublishStatusAddress {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        // Values merged from places infralint cannot read could hold the settings.
        for v in cx
            .project
            .values
            .iter()
            .filter(|v| !v.layered && !v.partial)
        {
            for (chart, prefix) in ingress_nginx_values(cx, v) {
                check(cx, v, &chart, prefix, &mut out);
            }
        }
        out
    }
}

/// Which charts' values `v` holds for ingress-nginx: all of it, or an umbrella chart's
/// `ingress-nginx:` key (then that key is the prefix of every path).
fn ingress_nginx_values(cx: &Context<'_>, v: &HelmValues) -> Vec<(String, Option<&'static str>)> {
    let dir = cx.project.dir_of(v.file);
    let named_dir = (v.source == ValuesSource::File)
        .then(|| {
            dir.rsplit('/')
                .next()
                .filter(|d| d.contains("ingress-nginx"))
        })
        .flatten();
    let chart = v.chart.clone().or_else(|| named_dir.map(str::to_string));
    let mut out = Vec::new();
    if let Some(chart) = chart.filter(|c| c.contains("ingress-nginx")) {
        out.push((chart, None));
    }
    if v.lookup(&["ingress-nginx", "controller"]).is_some() {
        out.push(("ingress-nginx".to_string(), Some("ingress-nginx")));
    }
    out
}

fn check(
    cx: &Context<'_>,
    v: &HelmValues,
    chart: &str,
    prefix: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let get = |keys: &[&str]| -> Option<(FileId, &YNode)> {
        let path: Vec<&str> = prefix
            .into_iter()
            .chain(["controller"])
            .chain(keys.iter().copied())
            .collect();
        v.lookup(&path)
    };
    if get(&[]).is_none() {
        return;
    }
    // RKE2's packaged chart turns publishService off by default; upstream turns it on.
    let default_publish = !chart.starts_with("rke2-");
    let publish = get(&["publishService", "enabled"]);
    let publish_on = publish
        .and_then(|(_, n)| n.as_bool())
        .unwrap_or(default_publish);
    let address = get(&["extraArgs", "publish-status-address"])
        .filter(|(_, a)| !a.is_null() && a.as_str() != Some(""));
    let service_type = get(&["service", "type"]);
    let no_service = get(&["service", "enabled"]).filter(|(_, e)| e.as_bool() == Some(false));
    let private_type =
        service_type.filter(|(_, t)| matches!(t.as_str(), Some("ClusterIP" | "NodePort")));
    // hostNetwork alongside an explicit LoadBalancer Service (MetalLB) still has one to publish.
    let explicit_lb = service_type.is_some_and(|(_, t)| t.as_str() == Some("LoadBalancer"))
        && no_service.is_none();
    let host_network =
        get(&["hostNetwork"]).filter(|(_, h)| h.as_bool() == Some(true) && !explicit_lb);
    let trigger = no_service
        .map(|t| (t, "controller.service.enabled is false".to_string()))
        .or_else(|| {
            private_type.map(|t| {
                (
                    t,
                    format!("controller.service.type is {}", t.1.as_str().unwrap_or("")),
                )
            })
        })
        .or_else(|| host_network.map(|t| (t, "controller.hostNetwork is true".to_string())));
    if let Some(((file, node), why)) = trigger {
        let mut missing = Vec::new();
        if publish_on {
            missing.push("controller.publishService.enabled: false");
        }
        if address.is_none() {
            missing.push("controller.extraArgs.publish-status-address");
        }
        if !missing.is_empty() {
            let mut d = cx
                .report(&META, file, node.span, format!("ingress-nginx has no LoadBalancer Service to publish ({why}) but does not set {}", missing.join(" and ")))
                .label("no LoadBalancer Service to publish")
                .help(format!("without them the controller writes its ClusterIP or node IPs into every Ingress status; external-dns then publishes that private address and Let's Encrypt HTTP-01 challenges fail. Set:\n  {FIX}"));
            if let Some((f, p)) = publish.filter(|_| publish_on) {
                d = d.related(f, p.span, "publishService is enabled here");
            }
            out.push(d);
            return;
        }
    }
    if let Some((file, a)) = address.filter(|_| publish_on) {
        let why = if publish.is_some() {
            "controller.publishService.enabled is true"
        } else {
            "controller.publishService.enabled defaults to true in this chart"
        };
        let mut d = cx
            .report(&META, file, a.span, format!("publish-status-address is set, but {why}: the controller gets both --publish-service and --publish-status-address"))
            .label("fixed status address")
            .help("current ingress-nginx refuses to start with both flags (they are mutually exclusive); keep publish-status-address and set controller.publishService.enabled: false, or drop publish-status-address and let the controller publish its LoadBalancer Service");
        if let Some((f, p)) = publish {
            d = d.related(f, p.span, "publishService enabled here");
        }
        out.push(d);
    }
}
