//! Database tests of spymeo-core against a real PostgreSQL: schema, constraints, seed.

mod catalogue;
mod constraints;
mod migrations;
mod seed;
