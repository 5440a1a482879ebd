use crate::diagnostic::{Diagnostic, Severity};
use crate::model::helm::HelmValues;
use crate::parse::yaml::YNode;
use crate::rules::{Context, Rule, RuleMeta};

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
        for v in &cx.project.values {
            for (chart, root) in ingress_nginx_values(cx, v) {
                if let Some(controller) = root.get("controller") {
                    check_controller(cx, v.file, &chart, controller, &mut out);
                }
            }
        }
        out
    }
}

/// The ingress-nginx values inside `v`: all of it, or an umbrella chart's `ingress-nginx:` key.
fn ingress_nginx_values<'a>(cx: &Context<'_>, v: &'a HelmValues) -> Vec<(String, &'a YNode)> {
    let dir = cx.project.dir_of(v.file);
    let chart = v.chart.clone().or_else(|| {
        dir.rsplit('/')
            .next()
            .filter(|d| d.contains("ingress-nginx"))
            .map(str::to_string)
    });
    let mut out = Vec::new();
    if let Some(chart) = chart.filter(|c| c.contains("ingress-nginx")) {
        out.push((chart, &v.root));
    }
    if let Some(sub) = v
        .root
        .get("ingress-nginx")
        .filter(|s| !s.entries().is_empty())
    {
        out.push(("ingress-nginx".to_string(), sub));
    }
    out
}

fn check_controller(
    cx: &Context<'_>,
    file: usize,
    chart: &str,
    c: &YNode,
    out: &mut Vec<Diagnostic>,
) {
    // RKE2's packaged chart turns publishService off by default; upstream turns it on.
    let default_publish = !chart.starts_with("rke2-");
    let publish = c.path(&["publishService", "enabled"]);
    let publish_on = publish.and_then(YNode::as_bool).unwrap_or(default_publish);
    let address = c
        .path(&["extraArgs", "publish-status-address"])
        .filter(|a| !a.is_null() && a.as_str() != Some(""));
    let service_type = c
        .path(&["service", "type"])
        .filter(|t| matches!(t.as_str(), Some("ClusterIP" | "NodePort")));
    let host_network = c.get("hostNetwork").filter(|h| h.as_bool() == Some(true));
    if let Some(trigger) = service_type.or(host_network) {
        let why = match service_type {
            Some(t) => format!("controller.service.type is {}", t.as_str().unwrap_or("")),
            None => "controller.hostNetwork is true".to_string(),
        };
        let mut missing = Vec::new();
        if publish_on {
            missing.push("controller.publishService.enabled: false");
        }
        if address.is_none() {
            missing.push("controller.extraArgs.publish-status-address");
        }
        if !missing.is_empty() {
            let mut d = cx
                .report(&META, file, trigger.span, format!("ingress-nginx has no LoadBalancer Service to publish ({why}) but does not set {}", missing.join(" and ")))
                .label("no LoadBalancer Service to publish")
                .help(format!("without them the controller writes its ClusterIP or node IPs into every Ingress status; external-dns then publishes that private address and Let's Encrypt HTTP-01 challenges fail. Set:\n  {FIX}"));
            if let Some(p) = publish.filter(|_| publish_on) {
                d = d.related(file, p.span, "publishService is enabled here");
            }
            out.push(d);
            return;
        }
    }
    if let Some(a) = address.filter(|_| publish_on) {
        let why = if publish.is_some() {
            "controller.publishService.enabled is true"
        } else {
            "controller.publishService.enabled defaults to true in this chart"
        };
        let mut d = cx
            .report(&META, file, a.span, format!("publish-status-address is set, but {why}: the controller is told to publish two different addresses"))
            .label("fixed status address")
            .help("pick one: keep publish-status-address and set controller.publishService.enabled: false, or drop publish-status-address and let the controller publish its LoadBalancer Service");
        if let Some(p) = publish {
            d = d.related(file, p.span, "publishService enabled here");
        }
        out.push(d);
    }
}
