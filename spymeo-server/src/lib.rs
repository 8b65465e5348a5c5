//! The SPYMEO web server: one route table, JSON API under `/api`, French server-rendered
//! pages elsewhere, on the data layer of `spymeo-core`.

pub mod api;
pub mod config;
pub mod error;
pub mod middleware;
pub mod pages;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use config::Config;
pub use error::{Error, Result};
pub use startup::Application;
pub use state::AppState;
