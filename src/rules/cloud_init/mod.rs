pub mod schema;
pub mod secret_fetch_retry;
