//! Integration tests of the server over real HTTP, against a real PostgreSQL.
//! One binary for the crate (faster to link); one module per area.

mod access;
mod auth;
mod email;
mod health;
mod helpers;
mod member_space;
mod pages;
mod public_site;
mod register_pro;
