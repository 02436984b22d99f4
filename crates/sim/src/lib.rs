//! # frontline-sim
//!
//! The simulation model of frontline: a validated [`scenario::Scenario`] and a
//! seeded random stream become a bevy_ecs `World` that is advanced tick by
//! tick through one fixed order of phases (see [`world`]), and hand
//! back one run's [`metrics::Outcome`]. Nothing here prints, reads files or
//! knows about Monte Carlo replication; that is the runner's business.
//!
//! ```no_run
//! use std::sync::Arc;
//! use frontline_sim::prelude::*;
//! # fn scenario() -> Scenario { unimplemented!() }
//! let theatre = Arc::new(Theatre::new(scenario()));
//! let mut sim = Sim::new(theatre);
//! let outcome = sim.run(42, 0, false); // master seed 42, run 0
//! println!("{} pairs tracked", outcome.pairs.len());
//! ```

pub mod arrivals;
pub mod attacks;
pub mod combat;
pub mod events;
pub mod force;
pub mod friction;
pub mod geo;
pub mod metrics;
pub mod movement;
pub mod neighbours;
pub mod params;
pub mod relation;
pub mod rng;
pub mod scenario;
pub mod series;
pub mod site;
pub mod spatial;
#[cfg(test)]
mod testing;
pub mod theatre;
pub mod world;

/// The types most users need.
pub mod prelude {
    pub use crate::metrics::{LogEvent, Outcome, PairOutcome, Severity};
    pub use crate::params::{CombatMode, ModelParams};
    pub use crate::scenario::{RawScenario, Scenario};
    pub use crate::series::{Every, Series};
    pub use crate::theatre::Theatre;
    pub use crate::world::Sim;
}
