//! `infralint.toml`: per-rule severity. serde/toml are fine here: config is not linted input.

use crate::diagnostic::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

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
    #[serde(default)]
    pub k8s: K8sConfig,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct K8sConfig {
    /// Namespaces created outside the repository (by hand, by another tool).
    #[serde(default)]
    pub known_namespaces: Vec<String>,
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let config: Config =
            toml::from_str(&text).map_err(|e| format!("invalid {}: {e}", path.display()))?;
        for key in config.rules.keys() {
            if !crate::rules::ALL
                .iter()
                .any(|r| crate::rules::matches(key, r.meta().id))
            {
                return Err(format!(
                    "{}: unknown rule `{key}` (see `infralint rules`)",
                    path.display()
                ));
            }
        }
        Ok(config)
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
}
