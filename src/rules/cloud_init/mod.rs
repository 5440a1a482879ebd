pub mod secret_fetch_retry;
