pub mod values_drift;
