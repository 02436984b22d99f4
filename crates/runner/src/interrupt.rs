//! Ctrl-C: the first press sets [`STOP`]; the replication loops check it
//! between chunks of runs and stop, and the command exits with 130 after
//! writing nothing (or, for `run`, what it has, if it says so).

use std::sync::atomic::{AtomicBool, Ordering};

/// Set when Ctrl-C is pressed.
pub static STOP: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler once.
pub fn install_ctrlc() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
    });
}
