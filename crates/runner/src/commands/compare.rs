//! `frontline compare`: two scenarios (or one with overrides) under common
//! random numbers, with the paired statistics of [`crate::paired`], as a
//! table or a JSON document.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::load::{Loaded, load};
use crate::output::{OutFormat, check_writable, emit, emit_to, write_atomic};
use crate::overrides::Override;
use crate::paired::{CompareDoc, Difference, PairComparison, compare_runs};
use crate::replicate::{MAX_RUNS, default_threads};

/// Arguments of `frontline compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario A (default: the embedded reference scenario).
    pub a: Option<PathBuf>,
    /// Scenario B (default: A, usually with --set-b overrides).
    pub b: Option<PathBuf>,
    /// Override applied to both A and B.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Override applied to B only (repeatable).
    #[arg(long = "set-b", value_name = "PATH=VALUE")]
    pub set_b: Vec<Override>,
    /// Paired runs.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(2..=MAX_RUNS))]
    pub runs: u64,
    /// Master seed, shared by A and B.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (the results do not depend on it).
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Output format (table or json; csv is not offered for comparisons).
    #[arg(long, value_enum, default_value_t = OutFormat::Table)]
    pub format: OutFormat,
    /// Write the output to this file (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also draw P(clash) in A and B with intervals as an SVG chart.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
}

fn load_ab(args: &CompareArgs) -> anyhow::Result<(Loaded, Loaded)> {
    let a = load(args.a.as_deref(), &args.set)?;
    let mut set_b = args.set.clone();
    set_b.extend(args.set_b.iter().cloned());
    let b = load(args.b.as_deref().or(args.a.as_deref()), &set_b)
        .map_err(|e| anyhow::anyhow!("scenario B: {e}"))?;
    for (arm, l) in [("A", &a), ("B", &b)] {
        for w in crate::load::warnings(l).lines() {
            eprintln!("{w} (scenario {arm})");
        }
    }
    Ok((a, b))
}

/// x rounded to one decimal, without a "−0.0".
fn r1(x: f64) -> f64 {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 { 0.0 } else { r }
}

/// x rounded to two decimals, without a "−0.00".
fn r2(x: f64) -> f64 {
    let r = (x * 100.0).round() / 100.0;
    if r == 0.0 { 0.0 } else { r }
}

fn pts(d: &Difference) -> String {
    format!(
        "{:+6.1} [{:+6.1}, {:+6.1}]",
        r1(100.0 * d.diff),
        r1(100.0 * d.lo),
        r1(100.0 * d.hi)
    )
}

fn p_value(p: Option<f64>) -> String {
    match p {
        Some(p) if p < 1e-4 => "<0.0001".into(),
        Some(p) => format!("{p:.4}"),
        None => "-".into(),
    }
}

fn ratio(d: &Difference) -> String {
    let paired = (d.hi - d.lo) / 2.0;
    if d.independent_half_width > 0.0 {
        format!("{:.2}×", paired / d.independent_half_width)
    } else {
        "-".into()
    }
}

/// The comparison as a table.
pub fn table(doc: &CompareDoc) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "A: {}", doc.a.0);
    if !doc.overrides.is_empty() {
        let _ = writeln!(o, "   (A and B with {})", doc.overrides.join(" "));
    }
    let _ = writeln!(
        o,
        "B: {}{}",
        doc.b.0,
        if doc.b_overrides.is_empty() {
            String::new()
        } else {
            format!(" with {}", doc.b_overrides.join(" "))
        }
    );
    let _ = writeln!(
        o,
        "{} paired runs, seed {}: run i of A and of B share random stream i",
        doc.runs, doc.seed
    );
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<18} {:>9} {:>9} {:>26} {:>11} {:>13}",
        "P(clash)", "A", "B", "B − A, points [95% CI]", "McNemar p", "CI vs indep."
    );
    let quiet: Vec<&str> = doc
        .pairs
        .iter()
        .filter(|p| p.clash.a == 0.0 && p.clash.b == 0.0)
        .map(|p| p.pair.as_str())
        .collect();
    let active: Vec<&PairComparison> = doc
        .pairs
        .iter()
        .filter(|p| p.clash.a > 0.0 || p.clash.b > 0.0)
        .collect();
    for p in &active {
        let c = &p.clash;
        let _ = writeln!(
            o,
            "{:<18} {:>8.1}% {:>8.1}% {:>26} {:>11} {:>13}",
            p.pair,
            100.0 * c.a,
            100.0 * c.b,
            pts(c),
            p_value(c.mcnemar_p),
            ratio(c)
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<18} {:>9} {:>9} {:>26}   {:>9} {:>9} {:>26}",
        "E[clashes]", "A", "B", "B − A [95% CI]", "T1 days A", "B", "B − A [95% CI]"
    );
    for p in &active {
        let (e, t) = (&p.expected_clashes, &p.time_to_first_clash_days);
        let _ = writeln!(
            o,
            "{:<18} {:>9.2} {:>9.2} {:>26}   {:>9.1} {:>9.1} {:>26}",
            p.pair,
            e.a,
            e.b,
            format!("{:+.2} [{:+.2}, {:+.2}]", r2(e.diff), r2(e.lo), r2(e.hi)),
            t.a,
            t.b,
            format!("{:+.1} [{:+.1}, {:+.1}]", r1(t.diff), r1(t.lo), r1(t.hi)),
        );
    }
    let _ = writeln!(
        o,
        "(T1: mean time to first clash, counting runs without one as the horizon)"
    );
    if !quiet.is_empty() {
        let _ = writeln!(o, "no clash in A or in B: {}", quiet.join(", "));
    }
    if !doc.hotspots.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Hotspots, P(clash there):");
        let mut hs: Vec<_> = doc.hotspots.iter().collect();
        hs.sort_by(|x, y| y.1.diff.abs().total_cmp(&x.1.diff.abs()));
        for (label, d) in hs.iter().take(10) {
            let _ = writeln!(
                o,
                "  {:<24} {:>6.1}% {:>6.1}% {:>26} {:>10}",
                label,
                100.0 * d.a,
                100.0 * d.b,
                pts(d),
                p_value(d.mcnemar_p)
            );
        }
    }
    if !doc.unmatched_pairs.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "tracked in only one scenario: {}",
            doc.unmatched_pairs.join(", ")
        );
    }
    o
}

/// `frontline compare`.
pub fn compare(args: CompareArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.format != OutFormat::Csv,
        "--format csv is not offered by compare; use table or json"
    );
    if let Some(p) = &args.out {
        check_writable(p, "--out")?;
    }
    let (a, b) = load_ab(&args)?;
    let threads = args.threads.map_or_else(default_threads, usize::from);
    let b_overrides = args
        .set_b
        .iter()
        .map(|o| format!("{}={}", o.path, o.text))
        .collect();
    let Some(mut doc) = compare_runs(&a, &b, b_overrides, args.seed, args.runs, threads)? else {
        return Ok(ExitCode::from(130));
    };
    doc.overrides = args
        .set
        .iter()
        .map(|o| format!("{}={}", o.path, o.text))
        .collect();
    let text = match args.format {
        OutFormat::Json => serde_json::to_string_pretty(&doc)? + "\n",
        OutFormat::Table => table(&doc),
        OutFormat::Csv => unreachable!("refused above"),
    };
    if let Some(p) = &args.chart {
        write_atomic(p, crate::report::charts::compare_svg(&doc)?.as_bytes())?;
    }
    emit_to(args.out.as_deref(), &text)?;
    if args.out.is_some() {
        emit(&table(&doc))?;
    }
    Ok(ExitCode::SUCCESS)
}
