//! The `[scenario]` table: name, start date, horizon and tick count, the
//! projection's origin and the theatre's radius.
//!
//! It fixes what the later checks measure against: the horizon that events
//! and truces must fall within, the origin that positions are projected
//! about, and the radius that they must lie within.

use super::Checker;
use super::limits::LIMITS;
use crate::geo::LatLon;
use crate::scenario::raw::RawMeta;

impl Checker {
    /// Checks the table and records its horizon, origin and theatre radius;
    /// returns the number of ticks (0 when the clock is invalid).
    pub(super) fn meta(&mut self, m: &RawMeta) -> u32 {
        let e = "scenario";
        if m.name.trim().is_empty() {
            self.err(e, "name", "must not be empty");
        }
        check_date(&m.start_date).unwrap_or_else(|msg| self.err(e, "start_date", msg));
        let horizon_ok = self.range(
            e,
            "horizon_days",
            m.horizon_days,
            0.0,
            LIMITS.horizon_days,
            true,
        );
        let tick_ok = self.range(
            e,
            "tick_hours",
            m.tick_hours,
            0.0,
            24.0 * LIMITS.horizon_days,
            true,
        );
        let mut ticks = 0u32;
        if horizon_ok && tick_ok {
            let hh = m.horizon_days * 24.0;
            if m.tick_hours > hh {
                self.err(
                    e,
                    "tick_hours",
                    format!("`{}` is longer than the horizon ({hh} hours)", m.tick_hours),
                );
            } else {
                let n = (hh / m.tick_hours - 1e-9).ceil();
                if n > LIMITS.ticks as f64 {
                    self.err(
                        e,
                        "tick_hours",
                        format!(
                            "gives {n} ticks over the horizon; at most {} are supported",
                            LIMITS.ticks
                        ),
                    );
                } else {
                    ticks = n as u32;
                }
            }
            self.horizon_hours = hh;
        }
        let lat_ok = self.range(e, "origin.lat", m.origin.lat, -89.0, 89.0, false);
        let lon_ok = self.range(e, "origin.lon", m.origin.lon, -180.0, 180.0, false);
        if lat_ok && lon_ok {
            self.origin = Some(LatLon {
                lat: m.origin.lat,
                lon: m.origin.lon,
            });
        }
        self.theatre_km = 1000.0;
        if self.range(
            e,
            "theatre_radius_km",
            m.theatre_radius_km,
            0.0,
            5000.0,
            true,
        ) {
            self.theatre_km = m.theatre_radius_km;
        }
        ticks
    }
}

/// Checks a `YYYY-MM-DD` calendar date.
fn check_date(s: &str) -> Result<(), String> {
    let bad = || format!("must be a date `YYYY-MM-DD`, found `{s}`");
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3
        || parts[0].len() != 4
        || parts[1].len() != 2
        || parts[2].len() != 2
        || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let y: u32 = parts[0].parse().map_err(|_| bad())?;
    let m: u32 = parts[1].parse().map_err(|_| bad())?;
    let d: u32 = parts[2].parse().map_err(|_| bad())?;
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days {
        return Err(bad());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_date;

    #[test]
    fn dates() {
        assert!(check_date("2017-06-13").is_ok());
        assert!(check_date("2016-02-29").is_ok());
        assert!(check_date("2017-02-29").is_err());
        assert!(check_date("2017-13-01").is_err());
        assert!(check_date("17-06-13").is_err());
        assert!(check_date("2017-06-1x").is_err());
    }
}
