//! Fleet's `fleet.yaml` bundle options: a schema of our own, written from Fleet's documentation
//! and Go types (`schemas/fleet/`), compiled once per process.

use super::Documents;
use jsonschema::{Draft, Validator};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

const SCHEMA: &str = include_str!("../../schemas/fleet/fleet-yaml.json");
const BASE: &str = "https://fleet.infralint.invalid/fleet-yaml.json";

pub struct FleetSchema {
    pub validator: Validator,
    pub docs: Documents,
}

pub fn schema() -> Option<&'static FleetSchema> {
    static LOADED: OnceLock<Option<FleetSchema>> = OnceLock::new();
    LOADED
        .get_or_init(|| {
            // Key names are ASCII: case-folding them the Unicode way (`K` as the Kelvin sign)
            // made compiling the key patterns most of this schema's cost.
            let mut schema: Value = serde_json::from_str(&SCHEMA.replace("(?i:", "(?i-u:")).ok()?;
            if let Some(map) = schema.as_object_mut() {
                map.remove("$id");
            }
            let validator = super::build(Draft::Draft202012, BASE, &schema).ok()?;
            Some(FleetSchema {
                validator,
                docs: HashMap::from([(BASE.to_string(), Arc::new(schema))]),
            })
        })
        .as_ref()
}
