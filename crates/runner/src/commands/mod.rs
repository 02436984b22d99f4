//! One module per subcommand: its arguments (clap derive, the doc comments
//! are the `--help`) and the function that carries it out. A command reads
//! its inputs, calls the core (loading, replication, statistics, result
//! documents, output, interruption: the crate's other modules) and writes
//! its output. Commands never import each other: what two of them share
//! belongs to the core.

pub mod check;
pub mod compare;
pub mod diff;
pub mod merge;
pub mod report;
pub mod run;
pub mod score;
pub mod sweep;
pub mod trace;
