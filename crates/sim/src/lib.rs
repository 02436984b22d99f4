//! # frontline-sim
//!
//! The simulation model of frontline: a validated [`scenario::Scenario`] and a
//! seeded random stream become a bevy_ecs `World` that is advanced tick by
//! tick through one fixed, chained schedule, and hands back one run's
//! [`metrics::Outcome`]. Nothing here prints, reads files or knows about
//! Monte Carlo replication; that is the runner's business.

pub mod geo;
pub mod params;
pub mod scenario;
