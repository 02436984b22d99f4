//! `frontline check`: validate scenario files and summarise them.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::load::{Loaded, load};

/// Arguments of `frontline check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files (TOML, or JSON by the `.json` extension).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

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

/// `frontline check`: every file is checked, whatever the others give;
/// exit 1 if any is invalid.
pub fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let files = &args.files;
    let mut failed = 0;
    let mut stdout = std::io::stdout().lock();
    for f in files {
        match load(Some(f), &[]) {
            Ok(l) => {
                eprint!("{}", crate::load::warnings(&l));
                // A closed pipe must not hide the verdict on later files.
                if let Err(e) = stdout.write_all(summary(&l).as_bytes())
                    && e.kind() != std::io::ErrorKind::BrokenPipe
                {
                    return Err(e.into());
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    let _ = stdout.flush();
    if failed > 0 {
        eprintln!(
            "{failed} of {} file{} invalid",
            files.len(),
            if files.len() == 1 { " is" } else { "s are" }
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
