use crate::diagnostic::{Diagnostic, Severity};
use crate::model::cloudinit::Script;
use crate::model::retry;
use crate::model::secrets;
use crate::model::shell;
use crate::parse::yaml::YNode;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;
use regex::Regex;
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::LazyLock;

pub struct PlaintextSecret;

static META: RuleMeta = RuleMeta {
    id: "cloud-init/plaintext-secret",
    severity: Severity::Error,
    summary:
        "A literal token, password or private key in cloud-init commands or `write_files` content",
    doc: include_str!("../../../rules/cloud-init/plaintext-secret.md"),
};

/// A value: double-quoted, single-quoted or bare; the groups hold it without its quotes.
const VALUE: &str = r#"(?:"(?P<dq>[^"\n]*)"|'(?P<sq>[^'\n]*)'|(?P<bare>[^\s"'#;&|)]+))"#;

/// `NAME=value`, `export NAME=value`, `echo "NAME=value"`.
static ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    retry::ascii_regex(&format!(
        r#"(?:^|[\s;&|("'])(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)={VALUE}"#
    ))
    .expect("static pattern")
});
/// `--token value`, `--password=value`.
static FLAG: LazyLock<Regex> = LazyLock::new(|| {
    retry::ascii_regex(&format!(
        r"(?:^|\s)--(?P<name>[A-Za-z][A-Za-z0-9-]*)(?:=|[ \t]+){VALUE}"
    ))
    .expect("static pattern")
});
/// `key: value`, `key = value`, `"key": "value"` at the start of a line of a config file.
static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    retry::ascii_regex(&format!(
        r#"(?m)^[ \t]*(?:-[ \t]+)?["']?(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)["']?(?::[ \t]+|[ \t]*=[ \t]*){VALUE}"#
    ))
    .expect("static pattern")
});
/// `Authorization: Bearer <token>` in a header.
static AUTH_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    retry::ascii_regex(
        r#"(?i)authorization:\s*(?P<name>bearer|basic|token)\s+(?P<bare>[^\s"'$`]{6,})"#,
    )
    .expect("static pattern")
});

const HELP: &str = "anyone who can read the repository, the Terraform state or the VM's metadata service (any process on the VM can read its user-data) gets it. Pass it in from a sensitive Terraform variable through templatefile() (`${k3s_token}`), or better fetch it at boot from a secret store (Key Vault, Secrets Manager, Vault); then rotate this one, it is in the git history";

/// A finding before it is mapped: where the value is in the scanned text, and what holds it.
struct Hit {
    value: Range<usize>,
    name: String,
}

impl Rule for PlaintextSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let files: BTreeSet<usize> = cx.project.cloud_init.iter().map(|c| c.file).collect();
        // Token shapes and private keys anywhere in the file (comments included: a key in a
        // comment is as public as one in a command).
        let mut shaped: Vec<(usize, Span)> = Vec::new();
        for &file in &files {
            let text = &cx.project.files[file].text;
            for (r, what) in secrets::token_shapes(text) {
                let span = Span::new(r.start, r.end);
                shaped.push((file, span));
                out.push(
                    cx.report(
                        &META,
                        file,
                        span,
                        match what {
                            "a private key" => "a private key in plain text".to_string(),
                            _ => format!("{what} in plain text (`{}`)", secrets::masked(&text[r])),
                        },
                    )
                    .label("a literal secret")
                    .help(HELP),
                );
            }
        }
        let mut named: Vec<(usize, Span, Diagnostic)> = Vec::new();
        for ci in &cx.project.cloud_init {
            let src = &cx.project.files[ci.file].text;
            let mut push =
                |span: Span, message: String, label: &'static str, help: &'static str| {
                    // A template variable is masked before parsing; the source still has it.
                    let raw = &src[span.start.min(src.len())..span.end.min(src.len())];
                    if !raw.contains("${") && !raw.contains("%{") {
                        let d = cx
                            .report(&META, ci.file, span, message)
                            .label(label)
                            .help(help);
                        named.push((ci.file, span, d));
                    }
                };
            let mut scan = |script: &Script, hits: Vec<Hit>| {
                for h in hits {
                    let value = &script.text[h.value.clone()];
                    push(
                        script.host_span(h.value.start, h.value.end),
                        format!(
                            "`{}` in {} is a literal secret (`{}`)",
                            h.name,
                            script.origin,
                            secrets::masked(value)
                        ),
                        "a literal secret",
                        HELP,
                    );
                }
            };
            for script in &ci.scripts {
                scan(script, script_hits(&script.text));
            }
            for f in ci.files.iter().filter(|f| !f.is_script) {
                scan(&f.content, config_hits(&f.content.text));
            }
            for doc in cx.project.yaml(ci.file).map_or(&[][..], |y| &y.docs) {
                for (key, node) in password_keys(&doc.root) {
                    push(
                        node.span,
                        format!(
                            "`{key}` is a password in plain text (`{}`)",
                            secrets::masked(node.as_str().unwrap_or_default())
                        ),
                        "a literal password",
                        PASSWORD_HELP,
                    );
                }
            }
        }
        named.sort_by_key(|(f, s, _)| (*f, s.start, s.end));
        named.dedup_by_key(|(f, s, _)| (*f, s.start, s.end));
        for (file, span, d) in named {
            let overlaps = shaped
                .iter()
                .any(|(f, s)| *f == file && s.start < span.end && span.start < s.end);
            if !overlaps {
                out.push(d);
            }
        }
        out
    }
}

const PASSWORD_HELP: &str = "anyone who can read the repository, the Terraform state or the VM's user-data gets it. Give cloud-init a hash instead (`passwd: $6$…` from `mkpasswd -m sha-512`, or `type: hash` in `chpasswd.users`), or `RANDOM`, or better log in with `ssh_authorized_keys` only; then change this password, it is in the git history";

/// cloud-config keys that set a password in plain text: the top-level `password`,
/// `users[].plain_text_passwd`, `chpasswd.users[]` with `type: text`, and `user:password`
/// lines of `chpasswd.list` that are neither a hash (`$6$…`) nor `RANDOM`.
fn password_keys(root: &YNode) -> Vec<(String, &YNode)> {
    let mut out = Vec::new();
    let plain = |n: &YNode| {
        n.as_str()
            .is_some_and(|v| !secrets::is_placeholder(v) && !hashed_or_random(v))
    };
    if let Some(n) = root.get("password").filter(|n| plain(n)) {
        out.push(("password".to_string(), n));
    }
    for user in root.get("users").map(YNode::items).unwrap_or_default() {
        if let Some(n) = user.get("plain_text_passwd").filter(|n| plain(n)) {
            out.push(("users[].plain_text_passwd".to_string(), n));
        }
    }
    let Some(chpasswd) = root.get("chpasswd") else {
        return out;
    };
    for user in chpasswd.get("users").map(YNode::items).unwrap_or_default() {
        let text = user.str_at(&["type"]) == Some("text");
        if let Some(n) = user.get("password").filter(|n| text && plain(n)) {
            out.push(("chpasswd.users[].password".to_string(), n));
        }
    }
    // `list` is a multi-line string or a list of `user:password` strings; only a list item
    // has a span of its own, so a multi-line string is reported as a whole.
    match chpasswd.get("list") {
        Some(list) if list.as_str().is_some() => {
            let literal = list.as_str().unwrap_or_default().lines().any(|l| {
                l.split_once(':').is_some_and(|(_, pw)| {
                    !hashed_or_random(pw.trim()) && !secrets::is_placeholder(pw)
                })
            });
            if literal {
                out.push(("chpasswd.list".to_string(), list));
            }
        }
        Some(list) => {
            for item in list.items() {
                let literal =
                    item.as_str()
                        .and_then(|l| l.split_once(':'))
                        .is_some_and(|(_, pw)| {
                            !hashed_or_random(pw.trim()) && !secrets::is_placeholder(pw)
                        });
                if literal {
                    out.push(("chpasswd.list".to_string(), item));
                }
            }
        }
        None => {}
    }
    out
}

fn hashed_or_random(v: &str) -> bool {
    v.starts_with('$') || v == "RANDOM" || v == "R" || v == "*" || v.starts_with('!')
}

/// Secret-named assignments and flags in a shell script; config-file lines in its heredocs.
fn script_hits(text: &str) -> Vec<Hit> {
    let sh = shell::scan(text);
    let mut code = text.as_bytes().to_vec();
    for r in &sh.comments {
        code[r.clone()]
            .iter_mut()
            .filter(|b| **b != b'\n')
            .for_each(|b| *b = b' ');
    }
    let code = String::from_utf8_lossy(&code).into_owned();
    let mut out = hits(&code, &[&ASSIGN, &FLAG, &AUTH_HEADER]);
    for h in &sh.heredocs {
        out.extend(config_hits(&code[h.clone()]).into_iter().map(|x| Hit {
            value: h.start + x.value.start..h.start + x.value.end,
            name: x.name,
        }));
    }
    out
}

/// Secret-named keys in a config file (YAML, INI, TOML, env), skipping comment lines.
fn config_hits(text: &str) -> Vec<Hit> {
    let mut code = text.as_bytes().to_vec();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with('#') || t.starts_with(';') || t.starts_with("//") {
            code[at..at + line.len()]
                .iter_mut()
                .filter(|b| **b != b'\n')
                .for_each(|b| *b = b' ');
        }
        at += line.len();
    }
    let code = String::from_utf8_lossy(&code).into_owned();
    hits(&code, &[&KEY_VALUE, &ASSIGN, &FLAG, &AUTH_HEADER])
}

fn hits(code: &str, patterns: &[&Regex]) -> Vec<Hit> {
    let mut out = Vec::new();
    for re in patterns {
        for c in re.captures_iter(code) {
            let (Some(name), Some(value)) = (
                c.name("name"),
                c.name("dq").or(c.name("sq")).or(c.name("bare")),
            ) else {
                continue;
            };
            let header = matches!(
                name.as_str().to_ascii_lowercase().as_str(),
                "bearer" | "basic" | "token"
            ) && std::ptr::eq(*re, &*AUTH_HEADER);
            if !(header || secrets::is_secret_name(name.as_str())) || !literal(value.as_str()) {
                continue;
            }
            out.push(Hit {
                value: value.range(),
                name: if header {
                    "Authorization".to_string()
                } else {
                    name.as_str().to_string()
                },
            });
        }
    }
    out.sort_by_key(|h| (h.value.start, h.value.end));
    out.dedup_by_key(|h| (h.value.start, h.value.end));
    out
}

/// Whether a value is a literal secret rather than a reference to one.
fn literal(value: &str) -> bool {
    let v = value.trim();
    v.chars().count() >= 6
        && !v.contains(['$', '`'])
        && !v.contains("{{")
        && !v.contains("://")
        && !v.starts_with(['/', '~', '@', '%', '<', '-'])
        && !v.starts_with("./")
        && !v.starts_with("ENC[")
        && !v.starts_with("arn:")
        && !v.starts_with("file:")
        // A masked template variable (`${token}` parses as `________`).
        && !v.chars().all(|c| c == '_')
        && !secrets::is_placeholder(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(hits: Vec<Hit>, text: &str) -> Vec<String> {
        hits.iter()
            .map(|h| format!("{}={}", h.name, &text[h.value.clone()]))
            .collect()
    }

    #[test]
    fn script_shapes() {
        let s = "export K3S_TOKEN=s3cr3tvalue\n# PASSWORD=commented1\nkubeadm join --token abcdef.0123456789abcdef x\naz acr login --expose-token --query accessToken\ndocker login --password-stdin registry.acme.io\nT=\"$TOKEN\"\nTOKEN=$(cat /run/t)\ncat <<EOF > /etc/x.yaml\ntoken: heredoc-secret\ntoken-file: /var/lib/t\nEOF\n";
        assert_eq!(
            names(script_hits(s), s),
            vec![
                "K3S_TOKEN=s3cr3tvalue",
                "token=abcdef.0123456789abcdef",
                "token=heredoc-secret"
            ]
        );
    }

    #[test]
    fn config_shapes() {
        let s = "token: abc123secret\ntoken_file: /var/lib/rancher/token\n# password: oldsecret\npassword = \"hunter22\"\nagent-token: ${token}\nclient_secret: \"\"\n";
        assert_eq!(
            names(config_hits(s), s),
            vec!["token=abc123secret", "password=hunter22"]
        );
    }
}
