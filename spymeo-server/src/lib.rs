//! The SPYMEO web server: one route table, JSON API under `/api`, French server-rendered
//! pages elsewhere, on the data layer of `spymeo-core`.

pub mod api;
pub mod auth;
pub mod config;
pub mod error;
pub mod jobs;
pub mod middleware;
pub mod pages;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod validate;

pub use config::Config;
pub use error::{Error, Result};
pub use startup::Application;
pub use state::AppState;
