//! The checks that every entity shares: a number in its range, a field that
//! must be present, a reference to another entity by id, ids that are unique.
//!
//! Each records its error on the [`Checker`] and tells the caller whether
//! the value can be used, so that a caller goes on checking the other
//! fields of the same entity.

use std::collections::HashMap;

use super::Checker;

/// The entity name of an error: ``kind `id` ``.
pub(super) fn ent(kind: &str, id: &str) -> String {
    format!("{kind} `{id}`")
}

/// Index of each id, the first one where an id repeats (the repeat is an
/// error of its own, see [`Checker::unique_ids`]).
pub(super) fn index_of<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut m = HashMap::new();
    for (i, id) in ids.enumerate() {
        m.entry(id).or_insert(i);
    }
    m
}

impl Checker {
    /// Checks `lo <= v <= hi` (or `lo < v` when `open_lo`) and finiteness.
    pub(super) fn range(
        &mut self,
        e: &str,
        field: &str,
        v: f64,
        lo: f64,
        hi: f64,
        open_lo: bool,
    ) -> bool {
        if !v.is_finite() {
            self.err(e, field, format!("must be a finite number, found `{v}`"));
            return false;
        }
        let low_ok = if open_lo { v > lo } else { v >= lo };
        if !low_ok || v > hi {
            let lb = if open_lo { "(" } else { "[" };
            self.err(e, field, format!("must be in {lb}{lo}, {hi}], found `{v}`"));
            return false;
        }
        true
    }

    /// `v`, or `None` with the error that `field` is required.
    pub(super) fn required<T>(&mut self, e: &str, field: &str, v: Option<T>) -> Option<T> {
        if v.is_none() {
            self.err(e, field, "is required");
        }
        v
    }

    /// The index that `idx` gives the id of a `kind`, or `None` with the
    /// error that `field` names an unknown one.
    pub(super) fn lookup<T: Copy>(
        &mut self,
        e: &str,
        field: &str,
        kind: &str,
        id: &str,
        idx: &HashMap<&str, T>,
    ) -> Option<T> {
        let found = idx.get(id).copied();
        if found.is_none() {
            self.err(e, field, format!("names unknown {kind} `{id}`"));
        }
        found
    }

    /// Checks that every id of a `kind` is non-empty and given once.
    pub(super) fn unique_ids<'a>(&mut self, kind: &str, ids: impl Iterator<Item = &'a str>) {
        let mut seen = HashMap::new();
        for id in ids {
            if id.trim().is_empty() {
                self.err(kind, "id", "must not be empty");
            } else if seen.insert(id, ()).is_some() {
                self.err(&ent(kind, id), "id", "is defined more than once");
            }
        }
    }
}
