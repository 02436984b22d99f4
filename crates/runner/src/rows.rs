//! `--rows FILE`: one CSV row per run, for pandas or R.
//!
//! Columns: `run`, then for each tracked pair `A-B`: `A-B.incidents`,
//! `A-B.clashes`, `A-B.engagements`, `A-B.first_incident_h`,
//! `A-B.first_clash_h`, `A-B.first_engagement_h` (empty when none),
//! `A-B.punitive_strikes`, `A-B.hostile_hours`, `A-B.hostile_at_end`; for each
//! faction `F.casualties` and `F.revenue`; for each site `S.owner_end`. The
//! rows are written to a temporary file and renamed into place only when the
//! whole run completes.

use std::path::{Path, PathBuf};

use anyhow::Context;
use frontline_sim::metrics::Outcome;
use frontline_sim::theatre::Theatre;

use crate::replicate::RunSink;

/// Streams rows to a temporary file next to the target.
pub struct RowsCsv {
    writer: csv::Writer<tempfile::NamedTempFile>,
    target: PathBuf,
    factions: Vec<String>,
}

impl RowsCsv {
    /// Opens the temporary file and writes the header.
    pub fn create(path: &Path, th: &Theatre) -> anyhow::Result<Self> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot create a temporary file in `{}`", dir.display()))?;
        let mut writer = csv::Writer::from_writer(tmp);
        let s = &th.scenario;
        let factions: Vec<String> = s.factions.iter().map(|f| f.id.clone()).collect();
        let mut header = vec!["run".to_string()];
        for &(a, b) in &th.pairs {
            let p = format!("{}-{}", factions[a.index()], factions[b.index()]);
            for m in [
                "incidents",
                "clashes",
                "engagements",
                "first_incident_h",
                "first_clash_h",
                "first_engagement_h",
                "punitive_strikes",
                "hostile_hours",
                "hostile_at_end",
            ] {
                header.push(format!("{p}.{m}"));
            }
        }
        for f in &factions {
            header.push(format!("{f}.casualties"));
            header.push(format!("{f}.revenue"));
        }
        for site in &s.sites {
            header.push(format!("{}.owner_end", site.id));
        }
        writer.write_record(&header)?;
        Ok(Self {
            writer,
            target: path.to_path_buf(),
            factions,
        })
    }

    /// Flushes and renames the file into place.
    pub fn finish(self) -> anyhow::Result<()> {
        let tmp = self
            .writer
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write rows: {}", e.error()))?;
        crate::output::make_readable(tmp.as_file())?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.target)
            .with_context(|| format!("cannot write `{}`", self.target.display()))?;
        Ok(())
    }
}

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| v.to_string())
}

impl RunSink for RowsCsv {
    fn accept(&mut self, first_run: u64, outcomes: &[Outcome]) -> anyhow::Result<()> {
        for (k, o) in outcomes.iter().enumerate() {
            let mut rec = vec![(first_run + k as u64).to_string()];
            for p in &o.pairs {
                rec.push(p.incidents.to_string());
                rec.push(p.clashes.to_string());
                rec.push(p.engagements.to_string());
                rec.push(opt(p.first_incident_h));
                rec.push(opt(p.first_clash_h));
                rec.push(opt(p.first_engagement_h));
                rec.push(p.punitive_strikes.to_string());
                rec.push(p.hostile_hours.to_string());
                rec.push(p.hostile_at_end.to_string());
            }
            for f in 0..self.factions.len() {
                rec.push(o.casualties[f].to_string());
                rec.push(o.revenue[f].to_string());
            }
            for owner in &o.site_owner_end {
                rec.push(owner.map_or("none".to_string(), |f| self.factions[f as usize].clone()));
            }
            self.writer.write_record(&rec)?;
        }
        Ok(())
    }
}
