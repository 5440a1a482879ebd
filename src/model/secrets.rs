//! Secrets in text: known token shapes, PEM private keys, secret-looking names, and how to show
//! a secret in a message without leaking it. Pure functions, shared by the rules that look for
//! committed credentials (cloud-init, Terraform).

use super::retry::ascii_regex;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// (what it is, with its article; pattern). Every pattern is anchored on a prefix real tokens
/// carry. Tokens are ASCII, so `\b` and `\s` are read as ASCII: Unicode ones made compiling
/// these the largest fixed cost of a run on a small repository.
const SHAPE_PATTERNS: [(&str, &str); 11] = [
    // The header must be followed by key material (base64, possibly after `\n` escapes in a
    // quoted string, or the PEM headers of an encrypted key), so a check such as
    // `startswith(key, "-----BEGIN RSA PRIVATE KEY-----")` or a templated body is no key.
    (
        "a private key",
        r"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----(\s|\\n|\\r)*([A-Za-z0-9+/=]{16}|Proc-Type:|Version:)",
    ),
    ("a GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    ("a GitHub token", r"\bgithub_pat_[A-Za-z0-9_]{22,}"),
    ("a GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,}"),
    ("a Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("an AWS access key ID", r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("a Google API key", r"\bAIza[0-9A-Za-z_-]{35}"),
    ("a Stripe secret key", r"\b(sk|rk)_live_[0-9A-Za-z]{24,}"),
    ("a Vault token", r"\bhvs\.[A-Za-z0-9_-]{24,}"),
    ("an npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    (
        "a K3s/RKE2 join token",
        r"\bK10[0-9a-f]{16,}::[A-Za-z0-9_-]+:[A-Za-z0-9]{6,}",
    ),
];

/// Each shape on its own, compiled only for a text that holds one (most hold none).
static SHAPES: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    SHAPE_PATTERNS
        .iter()
        .map(|&(what, re)| (what, ascii_regex(re).expect("static pattern")))
        .collect()
});

/// All the shapes at once: most text holds none, and one search says so.
static ANY_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    let all: Vec<String> = SHAPE_PATTERNS
        .iter()
        .map(|(_, re)| format!("(?:{re})"))
        .collect();
    ascii_regex(&all.join("|")).expect("static pattern")
});

static PEM_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----END ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----").expect("static pattern")
});

/// Every known token shape or PEM private key in `s`, in order, as (byte range, what it is,
/// with its article: `a GitHub token`). A private key's range is its
/// `-----BEGIN … PRIVATE KEY-----` line; a token inside a key block is not reported again.
/// Example values from vendor documentation (`AKIAIOSFODNN7EXAMPLE`, `ghp_xxxx…`) are skipped.
pub fn token_shapes(s: &str) -> Vec<(Range<usize>, &'static str)> {
    // (whole extent, reported range, what)
    let mut out: Vec<(Range<usize>, Range<usize>, &'static str)> = Vec::new();
    if !ANY_SHAPE.is_match(s) {
        return Vec::new();
    }
    for (what, re) in SHAPES.iter() {
        for m in re.find_iter(s) {
            if m.as_str().starts_with("-----BEGIN") {
                let text = m.as_str();
                let header = text
                    .find("PRIVATE KEY")
                    .and_then(|i| text[i..].find("-----").map(|j| i + j + 5))
                    .unwrap_or(text.len());
                let end = PEM_END.find_at(s, m.end()).map_or(m.end(), |e| e.end());
                out.push((m.start()..end, m.start()..m.start() + header, *what));
            } else if !placeholder_token(m.as_str()) {
                out.push((m.range(), m.range(), *what));
            }
        }
    }
    out.sort_by_key(|(r, _, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut kept: Vec<(Range<usize>, Range<usize>, &'static str)> = Vec::new();
    for hit in out {
        if kept.last().is_none_or(|(k, _, _)| hit.0.start >= k.end) {
            kept.push(hit);
        }
    }
    kept.into_iter().map(|(_, r, what)| (r, what)).collect()
}

/// The first known token shape or PEM private key in `s`; see [`token_shapes`].
pub fn token_shape(s: &str) -> Option<(Range<usize>, &'static str)> {
    token_shapes(s).into_iter().next()
}

/// `a GitHub token` → `GitHub token`.
pub fn noun(what: &str) -> &str {
    what.strip_prefix("an ")
        .or_else(|| what.strip_prefix("a "))
        .unwrap_or(what)
}

/// `AKIAIOSFODNN7EXAMPLE`, `ghp_xxxxxxxx…`, `glpat-XXXXXXXX…`: shapes copied from documentation.
fn placeholder_token(token: &str) -> bool {
    if token.to_ascii_uppercase().contains("EXAMPLE") {
        return true;
    }
    let body = token
        .split_once(['_', '-'])
        .map(|(_, b)| b)
        .unwrap_or(token.get(4..).unwrap_or(token));
    let mut distinct: Vec<char> = body.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.len() < 5
}

/// Words that make a name secret when it ends with them (`admin_password`, `github_token`).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "apikey",
];

/// Two-word endings that name a secret (`api_key`, `storage_account_key`).
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("access", "key"),
    ("secret", "key"),
    ("private", "key"),
    ("account", "key"),
    ("master", "key"),
    ("shared", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("auth", "key"),
    ("client", "key"),
    ("client", "secret"),
    ("github", "pat"),
    ("connection", "string"),
    ("secret", "string"),
    ("secret", "data"),
];

/// Words that, anywhere in a name, mean it is about a secret rather than the secret itself
/// (`public_key`, `disable_password_authentication`, `token_ttl` end otherwise anyway).
const NOT_SECRET_WORDS: &[&str] = &["public", "disable", "enable", "enabled", "use", "require"];

/// Whether an attribute, variable or key name says it holds a secret: `admin_password`,
/// `github_token`, `client_secret`, `api_key`, `dbPassword`. Names of secrets and settings
/// about them are not: `password_length`, `token_ttl`, `secret_name`, `key_vault_secret_id`,
/// `disable_password_authentication`, `ssh_public_key`.
pub fn is_secret_name(name: &str) -> bool {
    // Most names mention none of the words; say so without splitting them.
    let b = name.as_bytes();
    let mentions = |w: &str| {
        b.windows(w.len())
            .any(|x| x.eq_ignore_ascii_case(w.as_bytes()))
    };
    if !["pass", "pwd", "secret", "token", "key", "pat", "connection"]
        .iter()
        .any(|w| mentions(w))
    {
        return false;
    }
    let words = words(name);
    let mut w: Vec<&str> = words.iter().map(String::as_str).collect();
    // Terraform 1.11 write-only arguments: `password_wo`.
    if w.last() == Some(&"wo") {
        w.pop();
    }
    if w.iter().any(|x| NOT_SECRET_WORDS.contains(x)) {
        return false;
    }
    let Some(last) = w.last() else {
        return false;
    };
    // No plurals: `http_tokens = "required"` is a setting.
    if SECRET_WORDS.contains(last) {
        return true;
    }
    if w.len() >= 2 {
        let pair = (w[w.len() - 2], *last);
        if SECRET_PAIRS.contains(&pair) {
            return true;
        }
    }
    false
}

/// Lower-case words of a name: `admin_password`, `admin-password`, `adminPassword`,
/// `ADMIN_PASSWORD` and `admin.password` all give `admin`, `password`.
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

/// The start of a secret for a message: at most its first 4 characters (fewer for short
/// values), then `…`.
pub fn masked(secret: &str) -> String {
    let n = secret.chars().count();
    let shown: String = secret.chars().take((n / 4).min(4)).collect();
    format!("{shown}…")
}

/// Values that stand for a secret rather than being one, or are settings (`required`,
/// `disabled`): empty, `<password>`, `REPLACE_ME`,
/// `changeme`, `TODO`, `xxxx`, `****`, `${…}`/`{{ … }}` left for another tool, documentation
/// examples (`AKIAIOSFODNN7EXAMPLE`).
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    let squashed: String = lower
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    const WORDS: &[&str] = &[
        "changeme",
        "replaceme",
        "todo",
        "fixme",
        "tbd",
        "placeholder",
        "redacted",
        "none",
        "null",
        "yourpassword",
        "yoursecret",
        "yourtoken",
        // Settings, not values: `http_tokens = "required"`.
        "required",
        "optional",
        "enabled",
        "disabled",
        "true",
        "false",
    ];
    let mut chars: Vec<char> = v.chars().collect();
    chars.sort_unstable();
    chars.dedup();
    WORDS.contains(&squashed.as_str())
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with("{{") && v.ends_with("}}"))
        || (v.starts_with("${") && v.ends_with('}'))
        || chars.len() == 1
        || v.contains("EXAMPLE")
        // `your-token-here`, `dummy-password`, `xxxx-xxxx`, `********`.
        || squashed.starts_with("your")
        || ["example", "dummy", "placeholder", "replaceme", "changeme"]
            .iter()
            .any(|p| squashed.contains(p))
        || squashed
            .chars()
            .all(|c| c == squashed.chars().next().unwrap_or('x'))
        || ["secret", "password", "token", "yes", "no", "undefined"].contains(&squashed.as_str())
}

/// Values that point at a secret kept elsewhere: paths, URLs, ARNs, Key Vault references.
pub fn is_reference(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    v.contains("://")
        || v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("~/")
        || lower.starts_with("arn:")
        || lower.starts_with("@microsoft.keyvault(")
        || lower.starts_with("projects/") && lower.contains("/secrets/")
        || (!v.contains(char::is_whitespace)
            && [".pem", ".key", ".json", ".txt", ".crt", ".p12", ".pfx"]
                .iter()
                .any(|ext| lower.ends_with(ext)))
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
        assert_eq!(&key[r], "-----BEGIN OPENSSH PRIVATE KEY-----");
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

    #[test]
    fn secret_names_terraform() {
        for n in [
            "password",
            "admin_password",
            "adminPassword",
            "DB_PASSWORD",
            "passwd",
            "github_token",
            "token",
            "client_secret",
            "secret",
            "api_key",
            "access_key",
            "secret_key",
            "private_key",
            "storage_account_key",
            "password_wo",
            "github_pat",
            "connection_string",
        ] {
            assert!(is_secret_name(n), "{n} should be secret");
        }
        for n in [
            "password_length",
            "token_ttl",
            "secret_name",
            "key_vault_secret_id",
            "db_password_secret_id",
            "admin_password_secret_name",
            "disable_password_authentication",
            "ssh_public_key",
            "public_key",
            "key",
            "access_key_id",
            "kms_key_id",
            "private_key_path",
            "token_endpoint",
            "secret_rotation_enabled",
            "path",
            "compatible",
            "pattern",
            "http_tokens",
            "",
        ] {
            assert!(!is_secret_name(n), "{n} should not be secret");
        }
    }

    #[test]
    fn token_shapes_terraform() {
        let aws = "key = \"AKIAZ3MSJV4WWXYAB7QK\"";
        let (r, kind) = token_shape(aws).unwrap();
        assert_eq!(&aws[r], "AKIAZ3MSJV4WWXYAB7QK");
        assert_eq!(kind, "an AWS access key ID");
        assert!(token_shape("AKIAIOSFODNN7EXAMPLE").is_none());
        assert!(token_shape("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").is_none());
        let gh = "ghp_R2d9Vb0aQ7xLmN4pS6tU8wY1zC3eF5gH7jK9";
        assert_eq!(token_shape(gh).unwrap().1, "a GitHub token");
        assert_eq!(
            token_shape("glpat-Ab3dEf6hIj9kLm2nOp5q").unwrap().1,
            "a GitLab token"
        );
        assert_eq!(
            token_shape("xoxb-1234567890-abcdefghij").unwrap().1,
            "a Slack token"
        );
        let pem = "<<EOT\n  -----BEGIN RSA PRIVATE KEY-----\n  MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n  -----END RSA PRIVATE KEY-----\nEOT";
        let (r, kind) = token_shape(pem).unwrap();
        assert_eq!(&pem[r], "-----BEGIN RSA PRIVATE KEY-----");
        assert_eq!(noun(kind), "private key");
        let escaped = "\"-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAA\\n\"";
        assert!(token_shape(escaped).is_some());
        // A check for the header is no key.
        assert!(token_shape("startswith(k, \"-----BEGIN RSA PRIVATE KEY-----\")").is_none());
        assert!(token_shape("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0B").is_none());
    }

    #[test]
    fn masking_and_placeholders() {
        assert_eq!(masked("AKIAZ3MSJV4WWXYAB7QK"), "AKIA…");
        assert_eq!(masked("P@ssw0rd"), "P@…");
        assert_eq!(masked("abc"), "…");
        for p in [
            "",
            " ",
            "changeme",
            "CHANGE_ME",
            "<password>",
            "REPLACE_ME",
            "xxxxxx",
            "****",
        ] {
            assert!(is_placeholder(p), "{p:?}");
        }
        assert!(!is_placeholder("P@ssw0rd!"));
        assert!(is_reference("~/.ssh/id_rsa"));
        assert!(is_reference("arn:aws:secretsmanager:eu-west-1:1:secret:x"));
        assert!(!is_reference("hunter2"));
    }
}
