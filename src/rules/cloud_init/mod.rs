pub mod kubectl_wait_selector;
pub mod pipe_to_shell;
pub mod plaintext_secret;
pub mod schema;
pub mod secret_fetch_retry;
pub mod unguarded_mkfs;
