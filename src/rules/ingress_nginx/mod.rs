pub mod publish_status_address;
