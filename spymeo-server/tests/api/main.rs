//! Integration tests of the server over real HTTP, against a real PostgreSQL.
//! One binary for the crate (faster to link); one module per area.

mod access;
mod admin;
mod artisan;
mod auth;
mod center;
mod email;
mod health;
mod helpers;
mod merchant;
mod pages;
mod pro_common;
mod register_pro;
