//! JSON API handlers, one module per area.

pub mod account;
pub mod admin;
pub mod admin_content;
pub mod agenda;
pub mod artisan;
pub mod auth;
pub mod booking;
pub mod center;
pub mod clients;
pub mod health;
pub mod input;
pub mod invoice_pdf;
pub mod invoices;
pub mod member;
pub mod merchant;
pub mod messaging;
pub mod openapi;
pub mod pass;
pub mod payments;
pub mod precompta;
pub mod pro_common;
pub mod public;
pub mod register_pro;
pub mod search;
pub mod shop;
