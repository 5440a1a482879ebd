//! Secrets in text: known token shapes, PEM private keys, secret-like names, and how to show a
//! secret in a message without leaking it. Pure functions, shared by the rules that look for
//! plaintext secrets.

use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// (what it is, pattern); every pattern is anchored on a prefix that real tokens carry.
static SHAPES: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        (
            "a private key",
            r"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----",
        ),
        (
            "a GitHub token",
            r"\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b",
        ),
        ("a GitHub token", r"\bgithub_pat_[A-Za-z0-9_]{22,}\b"),
        ("a GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,}"),
        ("a Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
        ("an AWS access key id", r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
        ("a Google API key", r"\bAIza[0-9A-Za-z_-]{35}"),
        ("a Stripe secret key", r"\b(sk|rk)_live_[0-9A-Za-z]{24,}"),
        ("a Vault token", r"\bhvs\.[A-Za-z0-9_-]{24,}"),
        ("an npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
        (
            "a K3s/RKE2 join token",
            r"\bK10[0-9a-f]{16,}::[A-Za-z0-9_-]+:[A-Za-z0-9]{6,}",
        ),
    ]
    .into_iter()
    .map(|(what, re)| (what, Regex::new(re).expect("static pattern")))
    .collect()
});

static PEM_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----END ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----").expect("static pattern")
});

/// Every known token shape or PEM private key in `s`, in order, as (byte range, what it is).
/// A PEM range runs from `-----BEGIN` to the end of `-----END … PRIVATE KEY-----` (or the end
/// of the BEGIN line when there is no END); a PEM block whose body is a template or shell
/// expansion (`${key}`, `$KEY`) or is empty is not a literal key. Example values from vendor
/// documentation (`AKIAIOSFODNN7EXAMPLE`) are skipped.
pub fn token_shapes(s: &str) -> Vec<(Range<usize>, &'static str)> {
    let mut out: Vec<(Range<usize>, &'static str)> = Vec::new();
    for (what, re) in SHAPES.iter() {
        for m in re.find_iter(s) {
            let mut range = m.range();
            if m.as_str().starts_with("-----BEGIN") {
                let Some(end) = PEM_END.find_at(s, m.end()) else {
                    continue;
                };
                let body = &s[m.end()..end.start()];
                let base64 = body
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
                    .count();
                if body.contains('$') || body.contains("%{") || base64 < 16 {
                    continue;
                }
                range = m.start()..end.end();
            } else if m.as_str().contains("EXAMPLE") {
                continue;
            }
            out.push((range, *what));
        }
    }
    out.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    // Drop matches inside an earlier one (a token quoted inside a key block).
    let mut kept: Vec<(Range<usize>, &'static str)> = Vec::new();
    for (r, what) in out {
        if kept.last().is_none_or(|(k, _)| r.start >= k.end) {
            kept.push((r, what));
        }
    }
    kept
}

/// The first known token shape or PEM private key in `s`; see [`token_shapes`].
pub fn token_shape(s: &str) -> Option<(Range<usize>, &'static str)> {
    token_shapes(s).into_iter().next()
}

/// Words that make a name secret, compared against the name's words (split at `_`, `-`, `.`
/// and lower-to-upper case changes).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
];

/// Adjacent word pairs that name a secret.
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("access", "key"),
    ("private", "key"),
    ("secret", "key"),
    ("client", "secret"),
    ("auth", "key"),
    ("encryption", "key"),
];

/// A last word that makes the name about a secret rather than the secret itself
/// (`token_file`, `secretName`, `password_hash`, `token_ttl`).
const NOT_THE_SECRET: &[&str] = &[
    "file",
    "files",
    "path",
    "dir",
    "name",
    "names",
    "id",
    "ids",
    "ref",
    "url",
    "uri",
    "env",
    "type",
    "length",
    "len",
    "ttl",
    "expiry",
    "expires",
    "expiration",
    "timeout",
    "endpoint",
    "mode",
    "method",
    "policy",
    "enabled",
    "enable",
    "hash",
    "sha",
    "sha256",
    "digest",
    "version",
    "count",
    "key_name",
    "arn",
    "location",
    "source",
    "provider",
    "store",
    "vault",
    "command",
    "cmd",
    "prompt",
    "regex",
    "pattern",
    "format",
    "required",
    "rotation",
    "header",
    "max",
    "min",
    "size",
    "owner",
    "permissions",
    "stdin",
];

fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a key or variable name holds a secret: `password`, `K3S_TOKEN`, `clientSecret`,
/// `api-key`, `AWS_SECRET_ACCESS_KEY`; not `token_file`, `secretName`, `password_hash` or
/// `tokenTTL`, which name where or what a secret is rather than hold it.
pub fn is_secret_name(name: &str) -> bool {
    let w = words(name);
    let Some(last) = w.last() else {
        return false;
    };
    if NOT_THE_SECRET.contains(&last.as_str()) && w.len() > 1 {
        return false;
    }
    w.iter().any(|x| SECRET_WORDS.contains(&x.as_str()))
        || w.windows(2)
            .any(|p| SECRET_PAIRS.contains(&(p[0].as_str(), p[1].as_str())))
}

/// A secret as it may appear in a message: at most its first 4 characters, then `…`.
pub fn masked(secret: &str) -> String {
    let shown: String = secret.chars().take(4).collect();
    let keep = if secret.chars().count() <= 8 {
        // Short secrets: showing 4 of 6 characters would give most of it away.
        shown.chars().take(1).collect()
    } else {
        shown
    };
    format!("{keep}…")
}

/// Values that stand in for a secret rather than being one.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    let alnum: String = v.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    v.is_empty()
        || (v.starts_with('<') && v.ends_with('>'))
        || v.chars()
            .all(|c| matches!(c, 'x' | '*' | '.' | '-' | '_' | '#' | '?'))
        || alnum
            .chars()
            .all(|c| c == alnum.chars().next().unwrap_or('x'))
        || [
            "secret",
            "password",
            "token",
            "your",
            "todo",
            "null",
            "none",
            "true",
            "false",
            "yes",
            "no",
            "undefined",
        ]
        .contains(&alnum.as_str())
        || [
            "changeme",
            "replaceme",
            "placeholder",
            "example",
            "dummy",
            "redacted",
            "fixme",
        ]
        .iter()
        .any(|p| alnum.contains(p))
        || alnum.starts_with("your")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_token_shapes() {
        let s = "x GITHUB=ghp_abcdefghijklmnopqrstuvwxyz0123456789 y";
        let (r, what) = token_shape(s).unwrap();
        assert_eq!(&s[r], "ghp_abcdefghijklmnopqrstuvwxyz0123456789");
        assert_eq!(what, "a GitHub token");
        assert!(token_shape("AKIAIOSFODNN7EXAMPLE").is_none());
        assert!(token_shape("AKIA2E0A8F3B244C9986").is_some());
        assert!(token_shape("glpat-abcdefghij0123456789").is_some());
        let k3s = "K1075f7c1dc59a0ec2f4e0b9a3c9de7f8b1::server:6d5e2f0c8a7b4e1d";
        assert_eq!(token_shape(k3s).unwrap().0, 0..k3s.len());
        assert!(token_shape("ghp_short").is_none());
    }

    #[test]
    fn pem_blocks() {
        let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n";
        let (r, what) = token_shape(key).unwrap();
        assert_eq!(what, "a private key");
        assert_eq!(r, 0..key.len() - 1);
        let templated =
            "-----BEGIN RSA PRIVATE KEY-----\n${private_key_body}\n-----END RSA PRIVATE KEY-----";
        assert!(token_shape(templated).is_none());
        assert!(token_shape("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----").is_none());
        assert!(token_shape("grep -q 'BEGIN RSA PRIVATE KEY' f").is_none());
    }

    #[test]
    fn secret_names() {
        for n in [
            "password",
            "K3S_TOKEN",
            "clientSecret",
            "api-key",
            "AWS_SECRET_ACCESS_KEY",
            "token",
            "db_passwd",
            "agent-token",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "token_file",
            "secretName",
            "password_hash",
            "tokenTTL",
            "key",
            "K3S_URL",
            "name",
            "secretKeyRef",
            "ssh_authorized_keys",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn masks_and_placeholders() {
        assert_eq!(masked("ghp_abcdefghijklmnop"), "ghp_…");
        assert_eq!(masked("hunter2"), "h…");
        assert_eq!(masked(""), "…");
        for p in [
            "<token>",
            "REPLACE_ME",
            "changeme",
            "xxxxxx",
            "********",
            "your-token-here",
            "",
            "true",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for s in ["hunter2", "s3cr3t-Pa55", "abc123def456"] {
            assert!(!is_placeholder(s), "{s}");
        }
    }
}
