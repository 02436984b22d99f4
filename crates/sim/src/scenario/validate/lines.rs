//! Contact lines: the polylines along which two factions face each other,
//! split into segments of at most `segment_km`.
//!
//! The segments of all lines are counted against `LIMITS.segments` before
//! any is made; a line's segments are contiguous in [`Scenario::segments`],
//! from `first_segment`, in the order of its points.
//!
//! [`Scenario::segments`]: crate::scenario::Scenario::segments

use std::collections::HashMap;

use super::Checker;
use super::checks::ent;
use super::limits::LIMITS;
use crate::scenario::raw::RawScenario;
use crate::scenario::{ContactLineSpec, FactionId, SegmentSpec};

impl Checker {
    /// The valid contact lines, in file order, and all their segments.
    pub(super) fn contact_lines(
        &mut self,
        raw: &RawScenario,
        fidx: &HashMap<&str, FactionId>,
    ) -> (Vec<ContactLineSpec>, Vec<SegmentSpec>) {
        self.unique_ids(
            "contact_line",
            raw.contact_lines.iter().map(|l| l.id.as_str()),
        );
        let mut lines = Vec::new();
        let mut segments = Vec::new();
        let mut total_segments = 0usize;
        for l in &raw.contact_lines {
            let e = ent("contact_line", &l.id);
            let pair = self.pair(&e, "between", &l.between, fidx);
            let buf_ok = self.range(&e, "buffer_km", l.buffer_km, 0.0, 100.0, true);
            let seg_ok = self.range(&e, "segment_km", l.segment_km, 0.1, 1000.0, false);
            let Some(pts) = self.positions(&e, "points", &l.points) else {
                continue;
            };
            if pts.len() != l.points.len() {
                continue;
            }
            if pts.len() < 2 {
                self.err(&e, "points", "needs at least two points");
                continue;
            }
            let length: f64 = pts.windows(2).map(|w| w[0].distance(w[1])).sum();
            if length < 1e-6 {
                self.err(&e, "points", "is degenerate: all its points coincide");
                continue;
            }
            let (Some(between), true, true) = (pair, buf_ok, seg_ok) else {
                continue;
            };
            // Count the segments before making any.
            let counts: Vec<usize> = pts
                .windows(2)
                .map(|w| (w[0].distance(w[1]) / l.segment_km - 1e-9).ceil().max(0.0) as usize)
                .collect();
            let n: usize = counts.iter().sum();
            total_segments += n;
            if total_segments > LIMITS.segments {
                self.err(
                    &e,
                    "segment_km",
                    format!(
                        "splits the contact lines into more than {} segments",
                        LIMITS.segments
                    ),
                );
                continue;
            }
            let line = lines.len();
            let first = segments.len();
            for (w, &k) in pts.windows(2).zip(&counts) {
                for j in 0..k {
                    let (t0, t1) = (j as f64 / k as f64, (j + 1) as f64 / k as f64);
                    segments.push(SegmentSpec {
                        line,
                        index_in_line: segments.len() - first,
                        a: w[0] + (w[1] - w[0]) * t0,
                        b: w[0] + (w[1] - w[0]) * t1,
                    });
                }
            }
            lines.push(ContactLineSpec {
                id: l.id.clone(),
                between,
                points: pts,
                buffer_km: l.buffer_km,
                first_segment: first,
                segment_count: n,
                length_km: length,
            });
        }
        (lines, segments)
    }
}
