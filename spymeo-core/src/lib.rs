//! SPYMEO platform core: domain newtypes and rules, database access, blob storage and the
//! private development database. No HTTP and no AWS control plane here, so the server, the
//! CLI and the seed all share the same queries.

pub mod db;
pub mod devdb;
pub mod domain;
pub mod error;
pub mod legacy;
pub mod mail;
pub mod password;
pub mod seed;
pub mod slug;
pub mod storage;
pub mod testing;
pub mod token;

pub use error::{Error, Result};
