use crate::diagnostic::{Diagnostic, Severity};
use crate::model::terraform::{BlockKind, TfAttr, TfBlock};
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::{FileId, Span};

pub struct OpenIngress;

static META: RuleMeta = RuleMeta {
    id: "terraform/open-ingress",
    severity: Severity::Warning,
    summary: "A firewall rule opens SSH, RDP, the Kubernetes API or etcd to the whole internet",
    doc: include_str!("../../../rules/terraform/open-ingress.md"),
};

/// SSH, RDP, kube-apiserver, the RKE2 supervisor, etcd.
pub const DEFAULT_PORTS: &[u16] = &[22, 3389, 6443, 9345, 2379];

fn port_name(port: u16) -> Option<&'static str> {
    Some(match port {
        22 => "SSH",
        3389 => "RDP",
        6443 => "the Kubernetes API",
        9345 => "the RKE2 supervisor",
        2379 => "etcd",
        2380 => "etcd peers",
        10250 => "the kubelet",
        5985 | 5986 => "WinRM",
        _ => return None,
    })
}

/// Sources meaning "anyone": IPv4 and IPv6 defaults, and Azure's service tags for them.
fn is_open(source: &str) -> bool {
    let s = source.trim().to_ascii_lowercase();
    matches!(s.as_str(), "0.0.0.0/0" | "::/0" | "*" | "internet" | "any")
}

/// An inclusive port range.
type Ports = (u32, u32);

const ALL_PORTS: Ports = (0, 65535);

/// `22`, `"22"`, `"2379-2380"`, `"*"`.
fn parse_range(s: &str) -> Option<Ports> {
    let s = s.trim();
    if s == "*" {
        return Some(ALL_PORTS);
    }
    match s.split_once('-') {
        Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
        None => {
            let n = s.parse().ok()?;
            Some((n, n))
        }
    }
}

impl Rule for OpenIngress {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let configured = &cx.config.options.open_ingress.ports;
        let watched: &[u16] = if configured.is_empty() {
            DEFAULT_PORTS
        } else {
            configured
        };
        let mut out = Vec::new();
        for file in 0..p.files.len() {
            let Some(tf) = p.tf(file) else { continue };
            for block in tf.blocks.iter().filter(|b| b.kind == BlockKind::Resource) {
                let mut found = Vec::new();
                match block.labels.first().map(String::as_str) {
                    Some("aws_security_group") => {
                        for rule in block.blocks_named("ingress") {
                            aws_rule(rule, "protocol", &mut found);
                        }
                    }
                    Some("aws_security_group_rule")
                        if block.attr("type").and_then(|a| a.literal.as_deref())
                            == Some("ingress") =>
                    {
                        aws_rule(block, "protocol", &mut found)
                    }
                    Some("aws_vpc_security_group_ingress_rule") => {
                        aws_rule(block, "ip_protocol", &mut found)
                    }
                    Some("azurerm_network_security_rule") => azure_rule(block, &mut found),
                    Some("azurerm_network_security_group") => {
                        for rule in block.blocks_named("security_rule") {
                            azure_rule(rule, &mut found);
                        }
                    }
                    Some("google_compute_firewall") => gcp_rule(block, &mut found),
                    _ => {}
                }
                for (source, span, ranges, name) in found {
                    let mut addr = block.labels.join(".");
                    if let Some(name) = name {
                        addr.push_str(&format!(" (rule `{name}`)"));
                    }
                    report(cx, file, &addr, &source, span, &ranges, watched, &mut out);
                }
            }
        }
        out
    }
}

/// An open source, where it is written, the port ranges it may reach, and the rule's own name.
type Found = (String, Span, Vec<Ports>, Option<String>);

fn rule_name(b: &TfBlock) -> Option<String> {
    b.attr("name")
        .or_else(|| b.attr("description"))
        .and_then(|a| a.literal.clone())
}

#[allow(clippy::too_many_arguments)]
fn report(
    cx: &Context<'_>,
    file: FileId,
    addr: &str,
    source: &str,
    span: Span,
    ranges: &[Ports],
    watched: &[u16],
    out: &mut Vec<Diagnostic>,
) {
    let exposed: Vec<u16> = watched
        .iter()
        .copied()
        .filter(|&port| {
            ranges
                .iter()
                .any(|&(a, b)| a <= port as u32 && port as u32 <= b)
        })
        .collect();
    if exposed.is_empty() {
        return;
    }
    let names: Vec<String> = exposed
        .iter()
        .map(|&port| match port_name(port) {
            Some(name) => format!("{name} (port {port})"),
            None => format!("port {port}"),
        })
        .collect();
    let list = match names.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => unreachable!(),
    };
    let whom = if source.is_empty() {
        "every address (it sets no `source_ranges`, `source_tags` or `source_service_accounts`, so Google applies `0.0.0.0/0`)".to_string()
    } else if source.eq_ignore_ascii_case("internet") {
        "the `Internet` service tag".to_string()
    } else {
        format!("`{source}`")
    };
    out.push(
        cx.report(
            &META,
            file,
            span,
            format!("{addr} opens {list} to {whom}, that is to anyone on the internet"),
        )
        .label("open to the internet")
        .help("these ports are scanned and brute-forced within minutes of an address going public, and a weak credential or unpatched service is then one step from the host or cluster; restrict the source to a bastion, VPN or office CIDR (a variable holding it is fine), or reach the host through a bastion or tunnel; if the exposure is intended, suppress this with the reason"),
    );
}

fn scalar_lower(b: &TfBlock, name: &str) -> Option<String> {
    b.attr(name)?.scalar().map(|s| s.to_ascii_lowercase())
}

/// The values of a string attribute and of a list attribute, each with its span.
fn sources<'a>(
    b: &'a TfBlock,
    one: &'a str,
    many: &'a str,
) -> impl Iterator<Item = (String, Span)> + 'a {
    let single = b
        .attr(one)
        .and_then(|a: &TfAttr| a.literal.clone().map(|s| (s, a.value_span)));
    let listed = b
        .attr(many)
        .and_then(|a| a.list())
        .into_iter()
        .flatten()
        .cloned();
    single.into_iter().chain(listed)
}

/// AWS: `ingress {}` of a security group, `aws_security_group_rule`,
/// `aws_vpc_security_group_ingress_rule`.
fn aws_rule(b: &TfBlock, protocol: &str, found: &mut Vec<Found>) {
    let Some(proto) = scalar_lower(b, protocol) else {
        return;
    };
    let range = match proto.as_str() {
        "-1" | "all" => ALL_PORTS,
        "tcp" | "6" => {
            let port = |n: &str| -> Option<u32> {
                let v = b.attr(n)?.scalar()?;
                v.parse::<f64>().ok().map(|f| f as u32)
            };
            let (Some(from), Some(to)) = (port("from_port"), port("to_port")) else {
                return;
            };
            (from, to)
        }
        _ => return,
    };
    for (source, span) in sources(b, "cidr_ipv4", "cidr_blocks")
        .chain(sources(b, "cidr_ipv6", "ipv6_cidr_blocks"))
        .filter(|(s, _)| matches!(s.trim(), "0.0.0.0/0" | "::/0"))
    {
        found.push((source, span, vec![range], rule_name(b)));
    }
}

/// Azure: `azurerm_network_security_rule` and `security_rule {}` of a network security group.
fn azure_rule(b: &TfBlock, found: &mut Vec<Found>) {
    if scalar_lower(b, "direction").as_deref() != Some("inbound")
        || scalar_lower(b, "access").as_deref() != Some("allow")
        || !matches!(scalar_lower(b, "protocol").as_deref(), Some("tcp" | "*"))
    {
        return;
    }
    let ranges: Vec<Ports> = sources(b, "destination_port_range", "destination_port_ranges")
        .filter_map(|(s, _)| parse_range(&s))
        .collect();
    for (source, span) in
        sources(b, "source_address_prefix", "source_address_prefixes").filter(|(s, _)| is_open(s))
    {
        found.push((source, span, ranges.clone(), rule_name(b)));
    }
}

/// Google: `google_compute_firewall` with `source_ranges` and `allow {}` blocks.
fn gcp_rule(b: &TfBlock, found: &mut Vec<Found>) {
    let ingress = b.attr("direction").map_or(Some(true), |a| {
        a.literal
            .as_deref()
            .map(|d| d.eq_ignore_ascii_case("ingress"))
    });
    let disabled = b.attr("disabled").and_then(TfAttr::bool).unwrap_or(false);
    if ingress != Some(true) || disabled {
        return;
    }
    let mut ranges = Vec::new();
    for allow in b.blocks_named("allow") {
        match scalar_lower(allow, "protocol").as_deref() {
            Some("tcp" | "6" | "all") => {}
            _ => continue,
        }
        match allow.attr("ports") {
            None => ranges.push(ALL_PORTS),
            Some(a) => ranges.extend(
                a.list()
                    .into_iter()
                    .flatten()
                    .filter_map(|(s, _)| parse_range(s)),
            ),
        }
    }
    // An ingress rule with no source at all applies to 0.0.0.0/0.
    if ["source_ranges", "source_tags", "source_service_accounts"]
        .iter()
        .all(|a| b.attr(a).is_none())
    {
        found.push((String::new(), b.header, ranges.clone(), rule_name(b)));
    }
    for (source, span) in
        sources(b, "", "source_ranges").filter(|(s, _)| matches!(s.trim(), "0.0.0.0/0" | "::/0"))
    {
        found.push((source, span, ranges.clone(), rule_name(b)));
    }
}
