//! JSON API handlers, one module per area.

pub mod account;
pub mod admin;
pub mod admin_content;
pub mod artisan;
pub mod auth;
pub mod center;
pub mod health;
pub mod input;
pub mod merchant;
pub mod pro_common;
pub mod register_pro;
pub mod shop;
