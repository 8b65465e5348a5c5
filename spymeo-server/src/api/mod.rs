//! JSON API handlers, one module per area.

pub mod account;
pub mod auth;
pub mod health;
pub mod register_pro;
