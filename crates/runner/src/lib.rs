//! # frontline-runner
//!
//! Everything around the model: reading scenario files ([`load`]), `--set`
//! overrides ([`overrides`]), parallel replication ([`replicate`]), exact
//! statistics ([`stats`]), estimates with intervals ([`estimate`]), result
//! documents ([`result`]) and the `frontline` command line ([`cli`]).

pub mod check;
pub mod cli;
pub mod compare;
pub mod diff;
pub mod estimate;
pub mod load;
pub mod overrides;
pub mod replicate;
pub mod report;
pub mod result;
pub mod rows;
pub mod run;
pub mod shard;
pub mod stats;
pub mod sweep;
pub mod trace;
