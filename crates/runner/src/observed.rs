//! Observed records: what happened in a theatre over a window, read from a
//! TOML or JSON file and checked against the result it is to score
//! (docs/validation.md, "The record file").
//!
//! Two layers, as for scenarios: [`RawRecord`] mirrors the file
//! (`deny_unknown_fields`); [`Record::resolve`] checks it against a
//! [`ResultDoc`] (dates, kinds, the pairs, factions and sites of the
//! result, the window against the horizon) and converts every date to hours
//! since the scenario's start. Syntax and type errors keep the parser's line
//! and column ([`crate::load::parse_as`]); semantic errors are located too:
//! in a TOML file at the offending value, with its line and a caret; in a
//! JSON file by the entry's path.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::load::{Format, LoadError, locate, parse_as, read_text};
use crate::result::ResultDoc;

/// The file layer of a record.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRecord {
    /// What the record is and what it covers.
    pub record: RawHeader,
    /// What happened.
    #[serde(default)]
    pub event: Vec<RawEvent>,
    /// Who held a site at a date.
    #[serde(default)]
    pub owner: Vec<RawOwner>,
}

/// `[record]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    /// A title.
    pub name: String,
    /// The window the record covers: within it, an event that is not listed
    /// did not happen (for the covered pairs).
    pub window: RawWindow,
    /// The pairs (`"a:b"`, either order) whose incidents, clashes,
    /// engagements and turning hostile the record lists completely over the
    /// window.
    pub pairs: Vec<String>,
}

/// A window of dates.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    /// First date or datetime (a date: from its midnight).
    pub from: String,
    /// Last date or datetime (a date: through its end).
    pub to: String,
}

/// `[[event]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    /// `incident`, `clash`, `engagement`, `shoot-down`, `strike`, `capture`
    /// or `hostile`.
    pub kind: String,
    /// The pair, `"a:b"` (either order).
    pub pair: Option<String>,
    /// The faction (the actor of a strike, the captor of a site).
    pub faction: Option<String>,
    /// The date (the whole day) or the datetime of the event.
    pub date: Option<String>,
    /// Or a window: from …
    pub from: Option<String>,
    /// … to.
    pub to: Option<String>,
    /// Where.
    pub place: Option<RawPlace>,
    /// The rung of the model's ladder (`incident`, `clash`, `engagement`)
    /// that an event of a kind the model has no outcome for also counts as,
    /// in the record author's judgement.
    pub counts_as: Option<String>,
    /// Where the information comes from.
    pub source: String,
    /// Free text.
    pub note: Option<String>,
}

/// A place: `{ lat, lon }`, `{ site = "id" }` or `{ segment = "LINE#k" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlace {
    /// Latitude, degrees.
    pub lat: Option<f64>,
    /// Longitude, degrees.
    pub lon: Option<f64>,
    /// A site of the scenario.
    pub site: Option<String>,
    /// A contact-line segment, `LINE#k` as in the result's hotspots.
    pub segment: Option<String>,
}

/// `[[owner]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOwner {
    /// The site.
    pub site: String,
    /// Its owner, a faction id or `none`.
    pub owner: String,
    /// The date (the end of that day) or datetime.
    pub date: String,
    /// Where the information comes from.
    pub source: String,
}

/// What an event was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The lowest rung of the model's ladder (model.md §7).
    Incident,
    /// An exchange of fire with casualties.
    Clash,
    /// Heavier fighting.
    Engagement,
    /// An aircraft or drone shot down.
    ShootDown,
    /// A strike from the air or by missiles.
    Strike,
    /// A site taken.
    Capture,
    /// The pair's relations broke down into open war.
    Hostile,
}

impl Kind {
    /// Every kind, in file spelling.
    pub const ALL: [(&'static str, Kind); 7] = [
        ("incident", Kind::Incident),
        ("clash", Kind::Clash),
        ("engagement", Kind::Engagement),
        ("shoot-down", Kind::ShootDown),
        ("strike", Kind::Strike),
        ("capture", Kind::Capture),
        ("hostile", Kind::Hostile),
    ];

    /// The file spelling.
    pub fn name(self) -> &'static str {
        Kind::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("?", |(n, _)| n)
    }

    /// Its rung on the model's ladder, 1 incident, 2 clash, 3 engagement.
    pub fn rung(self) -> Option<u8> {
        match self {
            Kind::Incident => Some(1),
            Kind::Clash => Some(2),
            Kind::Engagement => Some(3),
            _ => None,
        }
    }
}

/// A place, resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// Coordinates, degrees.
    LatLon {
        /// Latitude.
        lat: f64,
        /// Longitude.
        lon: f64,
    },
    /// A site id of the result.
    Site(String),
    /// A segment id, `LINE#k`.
    Segment(String),
}

/// A resolved event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// 1-based number in the file.
    pub number: usize,
    /// Kind.
    pub kind: Kind,
    /// Index into the result's pairs.
    pub pair: Option<usize>,
    /// The faction id.
    pub faction: Option<String>,
    /// Earliest time, hours since the scenario's start.
    pub from_h: f64,
    /// Latest time, hours since the scenario's start.
    pub to_h: f64,
    /// Where.
    pub place: Option<Place>,
    /// The ladder rung it counts as (its own for incident, clash,
    /// engagement; `counts_as` for the others).
    pub rung: Option<u8>,
    /// Source.
    pub source: String,
}

/// A resolved owner observation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Owner {
    /// Index into the result's sites.
    pub site: usize,
    /// Owner id (`none` for unowned).
    pub owner: String,
    /// Hours since the scenario's start (the end of the day for a date).
    pub at_h: f64,
    /// Source.
    pub source: String,
}

/// A record checked against a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// Where it came from.
    pub source: String,
    /// Title.
    pub name: String,
    /// Window as written.
    pub window: (String, String),
    /// Window start, hours since the scenario's start.
    pub from_h: f64,
    /// Window end, hours since the scenario's start.
    pub to_h: f64,
    /// Covered pairs: indices into the result's pairs.
    pub pairs: Vec<usize>,
    /// Events, in file order.
    pub events: Vec<Event>,
    /// Owner observations, in file order.
    pub owners: Vec<Owner>,
}

/// One semantic error of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordIssue {
    /// Path of the value, e.g. `event[3].pair`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// Line, column, source line and caret width, when the file is TOML.
    pub at: Option<(usize, usize, String, usize)>,
}

/// Why a record could not be used.
#[derive(Debug)]
pub enum RecordError {
    /// Unreadable, or a syntax or type error (with its location).
    Load(LoadError),
    /// Semantic errors, each located.
    Invalid {
        /// The file.
        source: String,
        /// Every error found.
        issues: Vec<RecordIssue>,
    },
}

impl std::error::Error for RecordError {}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Load(e) => write!(f, "{e}"),
            RecordError::Invalid { source, issues } => {
                let n = issues.len();
                write!(f, "{source}: {n} error{}", if n == 1 { "" } else { "s" })?;
                for i in issues {
                    match &i.at {
                        Some((l, c, text, width)) => {
                            let gutter = l.to_string().len();
                            write!(f, "\n  {source}:{l}:{c}: {}: {}", i.path, i.message)?;
                            write!(f, "\n  {:gutter$} |", "")?;
                            write!(f, "\n  {l} | {text}")?;
                            let pad: String = text
                                .chars()
                                .take(c.saturating_sub(1))
                                .map(|ch| if ch == '\t' { '\t' } else { ' ' })
                                .collect();
                            write!(f, "\n  {:gutter$} | {pad}{}", "", "^".repeat(*width))?;
                        }
                        None => write!(f, "\n  {}: {}", i.path, i.message)?,
                    }
                }
                Ok(())
            }
        }
    }
}

/// Reads and checks a record file against `doc`.
pub fn load_record(path: &Path, doc: &ResultDoc) -> Result<Record, RecordError> {
    let text = read_text(path).map_err(RecordError::Load)?;
    let source = path.display().to_string();
    record_from_text(&source, &text, Format::of(path), doc)
}

/// Parses and checks record text against `doc`.
pub fn record_from_text(
    source: &str,
    text: &str,
    format: Format,
    doc: &ResultDoc,
) -> Result<Record, RecordError> {
    let raw: RawRecord = parse_as(source, text, format).map_err(RecordError::Load)?;
    Record::resolve(source, &raw, doc).map_err(|issues| RecordError::Invalid {
        source: source.to_string(),
        issues: issues
            .into_iter()
            .map(|(path, message)| RecordIssue {
                at: (format == Format::Toml)
                    .then(|| toml_span(text, &path))
                    .flatten()
                    .map(|(start, end)| {
                        let (l, c, t) = locate(text, start);
                        let width = text[start..end.min(text.len())]
                            .lines()
                            .next()
                            .map_or(1, |s| s.chars().count().max(1));
                        (l, c, t, width)
                    }),
                path,
                message,
            })
            .collect(),
    })
}

/// Byte span of the value at `path` (`a.b[2].c`) in TOML `text`.
fn toml_span(text: &str, path: &str) -> Option<(usize, usize)> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut span = root.span();
    let mut value: Option<&DeValue> = None;
    let mut table: Option<&DeTable> = Some(root.get_ref());
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, i)) => (k, i.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let t = match (table, value) {
            (Some(t), _) => t,
            (None, Some(DeValue::Table(t))) => t,
            _ => return Some((span.start, span.end)),
        };
        let (_, v) = t.iter().find(|(k, _)| k.get_ref().as_ref() == key)?;
        span = v.span();
        value = Some(v.get_ref());
        table = None;
        if let (Some(i), DeValue::Array(a)) = (index, v.get_ref()) {
            let item = a.get(i.checked_sub(1)?)?;
            span = item.span();
            value = Some(item.get_ref());
        }
    }
    Some((span.start, span.end))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's
/// `days_from_civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A parsed date or datetime: hours since 1970-01-01 00:00, and whether it
/// was a bare date.
pub fn parse_when(s: &str) -> Result<(f64, bool), String> {
    let bad = || {
        format!("must be a date `YYYY-MM-DD` or a datetime `YYYY-MM-DDTHH:MM[:SS]`, found `{s}`")
    };
    let (date, time) = match s.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || !digits(parts[0], 4) || !digits(parts[1], 2) || !digits(parts[2], 2) {
        return Err(bad());
    }
    let y: i64 = parts[0].parse().map_err(|_| bad())?;
    let m: u32 = parts[1].parse().map_err(|_| bad())?;
    let d: u32 = parts[2].parse().map_err(|_| bad())?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let len = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > len {
        return Err(bad());
    }
    let mut hours = days_from_civil(y, m, d) as f64 * 24.0;
    if let Some(t) = time {
        let t = t.trim_end_matches('Z');
        let tp: Vec<&str> = t.split(':').collect();
        if !(2..=3).contains(&tp.len()) || !tp.iter().all(|p| digits(p, 2)) {
            return Err(bad());
        }
        let hh: u32 = tp[0].parse().map_err(|_| bad())?;
        let mm: u32 = tp[1].parse().map_err(|_| bad())?;
        let ss: u32 = tp.get(2).map_or(Ok(0), |p| p.parse()).map_err(|_| bad())?;
        if hh > 23 || mm > 59 || ss > 59 {
            return Err(bad());
        }
        hours += f64::from(hh) + f64::from(mm) / 60.0 + f64::from(ss) / 3600.0;
    }
    Ok((hours, time.is_none()))
}

/// The pair index of `"a:b"` (either order) in `doc`.
fn find_pair(doc: &ResultDoc, s: &str) -> Result<usize, String> {
    let Some((a, b)) = s.split_once(':') else {
        return Err(format!("pairs are written `A:B`, found `{s}`"));
    };
    let (a, b) = (a.trim(), b.trim());
    doc.estimates
        .pairs
        .iter()
        .position(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a))
        .ok_or_else(|| {
            let known: Vec<String> = doc
                .estimates
                .pairs
                .iter()
                .map(|p| format!("`{}:{}`", p.a, p.b))
                .collect();
            format!(
                "names unknown pair `{s}`: the result tracks {}",
                known.join(", ")
            )
        })
}

impl Record {
    /// Checks `raw` against `doc`; every problem is returned with the path
    /// of its value.
    pub fn resolve(
        source: &str,
        raw: &RawRecord,
        doc: &ResultDoc,
    ) -> Result<Record, Vec<(String, String)>> {
        let mut issues: Vec<(String, String)> = Vec::new();
        let mut issue = |path: String, msg: String| issues.push((path, msg));
        let start = parse_when(&doc.scenario.start_date).map_or(0.0, |(h, _)| h);
        let horizon_h = doc.scenario.horizon_days * 24.0;
        // A bare date as a lower bound is its midnight, as an upper bound the
        // end of the day.
        let lower = |s: &str| parse_when(s).map(|(h, _)| h - start);
        let upper =
            |s: &str| parse_when(s).map(|(h, date)| h - start + if date { 24.0 } else { 0.0 });
        let factions: Vec<&str> = doc
            .estimates
            .factions
            .iter()
            .map(|f| f.id.as_str())
            .collect();
        let faction_ok = |f: &str| factions.contains(&f);

        let w = &raw.record.window;
        let from_h = lower(&w.from).map_err(|e| issue("record.window.from".into(), e));
        let to_h = upper(&w.to).map_err(|e| issue("record.window.to".into(), e));
        let (mut from_h, mut to_h) = (from_h.unwrap_or(0.0), to_h.unwrap_or(0.0));
        if parse_when(&w.from).is_ok() && parse_when(&w.to).is_ok() {
            if to_h <= from_h {
                issue(
                    "record.window".into(),
                    format!("ends (`{}`) before it begins (`{}`)", w.to, w.from),
                );
            } else if to_h <= 0.0 || from_h >= horizon_h {
                issue(
                    "record.window".into(),
                    format!(
                        "`{}` to `{}` lies outside the result's horizon, {} days from {}: nothing in the record can be scored",
                        w.from, w.to, doc.scenario.horizon_days, doc.scenario.start_date
                    ),
                );
            }
        } else {
            (from_h, to_h) = (0.0, 0.0);
        }

        let mut pairs = Vec::new();
        for (i, p) in raw.record.pairs.iter().enumerate() {
            match find_pair(doc, p) {
                Ok(k) if pairs.contains(&k) => issue(
                    format!("record.pairs[{}]", i + 1),
                    format!("`{p}` is listed twice"),
                ),
                Ok(k) => pairs.push(k),
                Err(e) => issue(format!("record.pairs[{}]", i + 1), e),
            }
        }

        let mut events = Vec::new();
        for (i, e) in raw.event.iter().enumerate() {
            let at = |field: &str| format!("event[{}].{field}", i + 1);
            let kind = Kind::ALL
                .iter()
                .find(|(n, _)| *n == e.kind)
                .map(|(_, k)| *k);
            if kind.is_none() {
                let names: Vec<String> = Kind::ALL.iter().map(|(n, _)| format!("`{n}`")).collect();
                issue(
                    at("kind"),
                    format!(
                        "unknown kind `{}`; expected one of {}",
                        e.kind,
                        names.join(", ")
                    ),
                );
            }
            let pair = match &e.pair {
                Some(p) => find_pair(doc, p).map_err(|m| issue(at("pair"), m)).ok(),
                None => None,
            };
            if let Some(f) = &e.faction
                && !faction_ok(f)
            {
                issue(
                    at("faction"),
                    format!(
                        "names unknown faction `{f}`: the result's factions are {}",
                        factions.join(", ")
                    ),
                );
            }
            let needs_pair = matches!(
                kind,
                Some(Kind::Incident | Kind::Clash | Kind::Engagement | Kind::Hostile)
            );
            if needs_pair && e.pair.is_none() {
                issue(
                    at("kind"),
                    format!("an event of kind `{}` needs a `pair`", e.kind),
                );
            }
            if e.pair.is_none() && e.faction.is_none() {
                issue(
                    at("source"),
                    "an event needs a `pair` or a `faction`".into(),
                );
            }
            // When.
            let (mut lo, mut hi) = (0.0, 0.0);
            match (&e.date, &e.from, &e.to) {
                (Some(d), None, None) => match (lower(d), upper(d)) {
                    (Ok(a), Ok(b)) => {
                        lo = a;
                        hi = if parse_when(d).is_ok_and(|(_, date)| date) {
                            b
                        } else {
                            a
                        };
                    }
                    (Err(m), _) | (_, Err(m)) => issue(at("date"), m),
                },
                (None, Some(f), Some(t)) => match (lower(f), upper(t)) {
                    (Ok(a), Ok(b)) if b <= a => {
                        issue(at("to"), format!("ends (`{t}`) before it begins (`{f}`)"))
                    }
                    (Ok(a), Ok(b)) => (lo, hi) = (a, b),
                    (Err(m), _) => issue(at("from"), m),
                    (_, Err(m)) => issue(at("to"), m),
                },
                _ => issue(
                    at("kind"),
                    "an event needs either `date` or both `from` and `to`".into(),
                ),
            }
            if lo < from_h || hi > to_h {
                issue(
                    e.date.as_ref().map_or_else(|| at("from"), |_| at("date")),
                    format!(
                        "lies outside the record's window, `{}` to `{}`",
                        w.from, w.to
                    ),
                );
            }
            // Where.
            let place = e.place.as_ref().and_then(|p| {
                match (p.lat, p.lon, &p.site, &p.segment) {
                    (Some(lat), Some(lon), None, None) => {
                        if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
                            Some(Place::LatLon { lat, lon })
                        } else {
                            issue(at("place"), format!("`lat` must be in [-90, 90] and `lon` in [-180, 180], found `{lat}`, `{lon}`"));
                            None
                        }
                    }
                    (None, None, Some(s), None) => {
                        if doc.estimates.sites.iter().any(|x| &x.id == s) {
                            Some(Place::Site(s.clone()))
                        } else {
                            issue(at("place.site"), format!("names unknown site `{s}`"));
                            None
                        }
                    }
                    (None, None, None, Some(s)) => {
                        if s.split_once('#').is_some_and(|(l, k)| !l.is_empty() && k.parse::<u32>().is_ok_and(|k| k >= 1)) {
                            Some(Place::Segment(s.clone()))
                        } else {
                            issue(at("place.segment"), format!("segments are written `LINE#k` (k from 1), found `{s}`"));
                            None
                        }
                    }
                    _ => {
                        issue(at("place"), "a place is either `lat` and `lon`, or a `site`, or a `segment`".into());
                        None
                    }
                }
            });
            if kind == Some(Kind::Capture) {
                if !matches!(place, Some(Place::Site(_)))
                    && e.place.as_ref().is_none_or(|p| p.site.is_none())
                {
                    issue(
                        at("kind"),
                        "a capture needs `place = { site = \"…\" }`".into(),
                    );
                }
                if e.faction.is_none() {
                    issue(at("kind"), "a capture needs the captor as `faction`".into());
                }
            }
            let rung = match (&e.counts_as, kind) {
                (None, k) => k.and_then(Kind::rung),
                (Some(c), Some(k))
                    if k.rung().is_none() && k != Kind::Capture && k != Kind::Hostile =>
                {
                    match Kind::ALL
                        .iter()
                        .find(|(n, _)| n == c)
                        .and_then(|(_, k)| k.rung())
                    {
                        Some(r) if e.pair.is_some() => Some(r),
                        Some(_) => {
                            issue(
                                at("counts_as"),
                                "counting as a rung of the ladder needs a `pair`".into(),
                            );
                            None
                        }
                        None => {
                            issue(
                                at("counts_as"),
                                format!("must be `incident`, `clash` or `engagement`, found `{c}`"),
                            );
                            None
                        }
                    }
                }
                (Some(_), _) => {
                    issue(
                        at("counts_as"),
                        format!(
                            "only `shoot-down` and `strike` events take `counts_as`; a `{}` is its own rung",
                            e.kind
                        ),
                    );
                    None
                }
            };
            if e.source.trim().is_empty() {
                issue(
                    at("source"),
                    "must not be empty: say where the information comes from".into(),
                );
            }
            if let Some(kind) = kind {
                events.push(Event {
                    number: i + 1,
                    kind,
                    pair,
                    faction: e.faction.clone(),
                    from_h: lo,
                    to_h: hi,
                    place,
                    rung,
                    source: e.source.clone(),
                });
            }
        }

        let mut owners = Vec::new();
        for (i, o) in raw.owner.iter().enumerate() {
            let at = |field: &str| format!("owner[{}].{field}", i + 1);
            let site = doc.estimates.sites.iter().position(|s| s.id == o.site);
            if site.is_none() {
                issue(at("site"), format!("names unknown site `{}`", o.site));
            }
            if o.owner != "none" && !faction_ok(&o.owner) {
                issue(
                    at("owner"),
                    format!(
                        "names unknown faction `{}`: the result's factions are {}, or `none`",
                        o.owner,
                        factions.join(", ")
                    ),
                );
            }
            let when = upper(&o.date).map_err(|m| issue(at("date"), m));
            if o.source.trim().is_empty() {
                issue(
                    at("source"),
                    "must not be empty: say where the information comes from".into(),
                );
            }
            if let (Some(site), Ok(at_h)) = (site, when) {
                owners.push(Owner {
                    site,
                    owner: o.owner.clone(),
                    at_h,
                    source: o.source.clone(),
                });
            }
        }

        if !issues.is_empty() {
            return Err(issues);
        }
        Ok(Record {
            source: source.to_string(),
            name: raw.record.name.clone(),
            window: (w.from.clone(), w.to.clone()),
            from_h,
            to_h,
            pairs,
            events,
            owners,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_match_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(
            days_from_civil(2017, 6, 13) - days_from_civil(2017, 5, 18),
            26
        );
        assert_eq!(
            days_from_civil(2016, 3, 1) - days_from_civil(2016, 2, 28),
            2
        );
    }

    #[test]
    fn dates_and_datetimes() {
        let (d, bare) = parse_when("2017-06-18").unwrap();
        assert!(bare);
        let (t, bare) = parse_when("2017-06-18T14:30").unwrap();
        assert!(!bare);
        assert_eq!(t - d, 14.5);
        for bad in [
            "2017-02-29",
            "2017-6-18",
            "2017-06-18T25:00",
            "June",
            "2017-06-18T12",
        ] {
            assert!(parse_when(bad).is_err(), "{bad}");
        }
        assert!(parse_when("2016-02-29").is_ok());
    }

    #[test]
    fn toml_spans_reach_array_entries() {
        let text = "[record]\nname = \"x\"\n\n[[event]]\nkind = \"a\"\n\n[[event]]\nkind = \"clash\"\npair = \"x:y\"\n";
        let (s, e) = toml_span(text, "event[2].pair").unwrap();
        assert_eq!(&text[s..e], "\"x:y\"");
        let (s, e) = toml_span(text, "record.name").unwrap();
        assert_eq!(&text[s..e], "\"x\"");
    }
}
