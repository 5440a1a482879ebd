//! Fleet's `fleet.yaml` bundle options: a schema of our own, written from Fleet's documentation
//! and Go types (`schemas/fleet/`), loaded once per process and compiled only if needed.

use super::Embedded;
use jsonschema::Draft;
use serde_json::Value;
use std::sync::OnceLock;

const SCHEMA: &str = include_str!("../../schemas/fleet/fleet-yaml.json");
const BASE: &str = "https://fleet.infralint.invalid/fleet-yaml.json";

pub fn schema() -> Option<&'static Embedded> {
    static LOADED: OnceLock<Option<Embedded>> = OnceLock::new();
    LOADED
        .get_or_init(|| {
            // Key names are ASCII: case-folding them the Unicode way (`K` as the Kelvin sign)
            // made compiling the key patterns most of this schema's cost.
            let mut schema: Value = serde_json::from_str(&SCHEMA.replace("(?i:", "(?i-u:")).ok()?;
            if let Some(map) = schema.as_object_mut() {
                map.remove("$id");
            }
            Some(Embedded::new(Draft::Draft202012, BASE, schema))
        })
        .as_ref()
}
