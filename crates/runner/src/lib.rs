//! # frontline-runner
//!
//! Everything around the model: reading scenario files ([`load`]), `--set`
//! overrides ([`overrides`]), and the `frontline` command line ([`cli`]).

pub mod check;
pub mod cli;
pub mod load;
pub mod overrides;
