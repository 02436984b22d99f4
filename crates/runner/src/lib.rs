//! # frontline-runner
//!
//! Everything around the model, as commands over a core (docs/architecture.md).
//!
//! **The core**, shared by every command:
//! - inputs: [`load`] (scenario files, limits, content hash) and [`overrides`]
//!   (`--set`);
//! - replication: [`replicate`] (runs in parallel chunks, deterministic
//!   whatever the threads), [`shard`] (partial results and their exact merge),
//!   [`design`] (grids and Latin hypercubes of parameters);
//! - statistics: [`stats`] (exact integer sufficient statistics), [`estimate`]
//!   (estimates with intervals), [`paired`] (common-random-number comparisons);
//! - documents: [`result`] (the result document and its table and CSV),
//!   [`rows`] (per-run rows), [`series`] (per-run time series), [`timeline`]
//!   (a run's events), [`report`] (charts, map, GeoJSON, HTML);
//! - plumbing: [`output`] (formats, stdout, atomic files) and [`interrupt`]
//!   (Ctrl-C).
//!
//! **The commands** ([`commands`]), one module each, and [`cli`], which parses
//! the command line and dispatches; `main.rs` only calls [`cli::main`].

pub mod cli;
pub mod commands;
pub mod design;
pub mod estimate;
pub mod interrupt;
pub mod load;
pub mod observed;
pub mod output;
pub mod overrides;
pub mod paired;
pub mod replicate;
pub mod report;
pub mod result;
pub mod rows;
pub mod scoring;
pub mod series;
pub mod shard;
pub mod stats;
pub mod timeline;
