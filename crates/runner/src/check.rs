//! `frontline check`: validate scenario files and summarise them.

use std::fmt::Write as _;

use crate::load::Loaded;

/// The short summary printed for a valid scenario.
pub fn summary(l: &Loaded) -> String {
    let s = &l.scenario;
    let mut out = String::new();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let _ = writeln!(out, "{}: ok — {}", l.source, s.name);
    let _ = writeln!(
        out,
        "  {}, {}, {}, {}, {}",
        plural(s.factions.len(), "faction"),
        plural(s.forces.len(), "force"),
        plural(s.sites.len(), "site"),
        plural(s.zones.len(), "zone"),
        plural(s.events.len(), "scheduled event"),
    );
    let _ = writeln!(
        out,
        "  {} of {:.1} km in {}; {} tracked for friction",
        plural(s.contact_lines.len(), "contact line"),
        s.contact_line_km(),
        plural(s.segments.len(), "segment"),
        plural(
            frontline_sim::theatre::Theatre::new(s.clone()).pairs.len(),
            "faction pair"
        ),
    );
    let _ = writeln!(
        out,
        "  horizon {} days from {}, {} ticks of {} h",
        s.horizon_hours / 24.0,
        s.start_date,
        s.ticks,
        s.tick_hours
    );
    out
}
