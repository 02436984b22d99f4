//! No input panics the parser or the validator. Run with PROPTEST_CASES
//! (CI sets 10,000) for more cases.

use frontline_runner::load::{EMBEDDED_RAQQA, Format, load_text};
use proptest::prelude::*;

const MINIMAL: &str = include_str!("../../../scenarios/minimal.toml");

fn mutate(base: &str, edits: &[(usize, u8, u8)]) -> String {
    let mut bytes = base.as_bytes().to_vec();
    for &(pos, op, b) in edits {
        if bytes.is_empty() {
            bytes.push(b);
            continue;
        }
        let i = pos % bytes.len();
        match op % 3 {
            0 => bytes[i] = b,
            1 => bytes.insert(i, b),
            _ => {
                bytes.remove(i);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Replaces the k-th number in the text by `value`.
fn replace_number(base: &str, k: usize, value: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut chars = base.char_indices().peekable();
    let mut done = false;
    while let Some((_, c)) = chars.next() {
        if !done && c.is_ascii_digit() {
            let mut num = c.to_string();
            while let Some(&(_, d)) = chars.peek() {
                if d.is_ascii_digit() || d == '.' {
                    num.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            if count == k {
                out.push_str(value);
                done = true;
            } else {
                out.push_str(&num);
            }
            count += 1;
        } else {
            out.push(c);
        }
    }
    out
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = load_text("fuzz.toml", &text, Format::Toml, &[]);
        let _ = load_text("fuzz.json", &text, Format::Json, &[]);
    }

    #[test]
    fn mutated_scenarios_never_panic(
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6),
        which in 0..2usize,
    ) {
        let base = [MINIMAL, EMBEDDED_RAQQA][which];
        let text = mutate(base, &edits);
        let _ = load_text("mutant.toml", &text, Format::Toml, &[]);
    }

    #[test]
    fn mutated_numbers_never_panic(
        k in 0..400usize,
        value in prop::sample::select(vec![
            "0", "-1", "-0.0", "1e308", "-1e308", "nan", "inf", "-inf", "1e-320",
            "4294967296", "18446744073709551616", "0.5", "1e9", "99999999",
        ]),
        which in 0..2usize,
    ) {
        let base = [MINIMAL, EMBEDDED_RAQQA][which];
        let text = replace_number(base, k, value);
        if let Ok(l) = load_text("mutant.toml", &text, Format::Toml, &[]) {
            // A scenario that validates must also build a model and run a tick.
            let th = std::sync::Arc::new(frontline_sim::theatre::Theatre::new(l.scenario));
            let mut sim = frontline_sim::world::Sim::new(th);
            sim.reset(1, 0, false);
            sim.step();
        }
    }
}
