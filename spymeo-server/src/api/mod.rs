//! JSON API handlers, one module per area.

pub mod account;
pub mod agenda;
pub mod auth;
pub mod booking;
pub mod clients;
pub mod health;
pub mod invoice_pdf;
pub mod invoices;
pub mod precompta;
pub mod register_pro;
