//! Integration tests of the server over real HTTP, against a real PostgreSQL.
//! One binary for the crate (faster to link); one module per area.

mod access;
mod admin;
mod artisan;
mod auth;
mod center;
mod crawl;
mod email;
mod health;
mod helpers;
mod member_space;
mod merchant;
mod openapi;
mod pages;
mod practitioner_agenda;
mod practitioner_clients;
mod practitioner_common;
mod practitioner_invoices;
mod practitioner_pages;
mod practitioner_precompta;
mod pro_common;
mod public_site;
mod register_pro;
