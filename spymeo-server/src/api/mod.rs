//! JSON API handlers, one module per area.

pub mod auth;
pub mod health;
