//! JSON API handlers, one module per area.

pub mod account;
pub mod auth;
pub mod health;
pub mod member;
pub mod messaging;
pub mod pass;
pub mod payments;
pub mod public;
pub mod register_pro;
pub mod search;
