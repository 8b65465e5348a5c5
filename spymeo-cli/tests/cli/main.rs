//! The `spymeo` binary driven as a process, as operators and CI use it.

mod dev;
mod helpers;
mod migrate;
mod mocks;
mod mocks_bench;
mod resilience;
mod serve;
