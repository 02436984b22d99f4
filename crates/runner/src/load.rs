//! Reading scenario files: bytes → [`RawScenario`] → overrides → [`Scenario`].
//!
//! TOML or JSON is chosen by the file's extension (`.json` is JSON, anything
//! else TOML). Syntax and type errors keep the parser's location and are
//! rendered with the offending source line and a caret; semantic errors name
//! the entity and field. Every failure is a [`LoadError`], never a panic.

use std::fmt;
use std::path::{Path, PathBuf};

use frontline_sim::scenario::{RawScenario, Scenario, ValidationErrors};
use sha2::{Digest, Sha256};

use crate::overrides::{Override, OverrideError, apply_overrides};

/// The reference scenario, Raqqa June 2017, embedded in the binary.
pub const EMBEDDED_RAQQA: &str = include_str!("../../../scenarios/raqqa-2017.toml");
/// The name under which the embedded scenario is reported.
pub const EMBEDDED_NAME: &str = "raqqa-2017.toml (embedded)";

/// Largest scenario file accepted, bytes. Larger files are refused before
/// they are read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A scenario ready to simulate, with what identifies it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Where it came from (a path, or the embedded name).
    pub source: String,
    /// The file layer after overrides.
    pub raw: RawScenario,
    /// The validated scenario.
    pub scenario: Scenario,
    /// SHA-256 of the canonical JSON of `raw` (hex): identifies the content
    /// whatever the file's format, comments or layout.
    pub hash: String,
}

/// Format of a scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

impl Format {
    /// The format a path's extension selects.
    pub fn of(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Toml,
        }
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong, in words.
        reason: String,
    },
    /// A syntax or type error, with its location.
    Syntax {
        /// The file.
        source: String,
        /// 1-based line, if known.
        line: Option<usize>,
        /// 1-based column, if known.
        column: Option<usize>,
        /// The source line.
        text: Option<String>,
        /// Caret width.
        width: usize,
        /// The parser's message.
        message: String,
    },
    /// A `--set` override could not be applied.
    Override {
        /// The file.
        source: String,
        /// The error.
        error: OverrideError,
    },
    /// Semantic errors.
    Invalid {
        /// The file.
        source: String,
        /// Every error found.
        errors: ValidationErrors,
    },
}

impl std::error::Error for LoadError {}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, reason } => {
                write!(f, "cannot read `{}`: {reason}", path.display())
            }
            LoadError::Syntax {
                source,
                line,
                column,
                text,
                width,
                message,
            } => {
                let msg = message.trim_end();
                match (line, column) {
                    (Some(l), Some(c)) => {
                        writeln!(f, "{source}:{l}:{c}: {}", first_line(msg))?;
                        if let Some(text) = text {
                            let gutter = l.to_string().len();
                            writeln!(f, "{:gutter$} |", "")?;
                            writeln!(f, "{l} | {text}")?;
                            let pad: String = text
                                .chars()
                                .take(c.saturating_sub(1))
                                .map(|ch| if ch == '\t' { '\t' } else { ' ' })
                                .collect();
                            write!(f, "{:gutter$} | {pad}{}", "", "^".repeat((*width).max(1)))?;
                        }
                        Ok(())
                    }
                    _ => write!(f, "{source}: {}", first_line(msg)),
                }
            }
            LoadError::Override { source, error } => write!(f, "{source}: {error}"),
            LoadError::Invalid { source, errors } => {
                let n = errors.0.len();
                write!(f, "{source}: {n} error{}", if n == 1 { "" } else { "s" })?;
                for e in &errors.0 {
                    write!(f, "\n  {e}")?;
                }
                Ok(())
            }
        }
    }
}

fn first_line(msg: &str) -> &str {
    msg.lines().next().unwrap_or(msg)
}

/// Reads a file as UTF-8 text, refusing directories, huge files and bad bytes.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let io = |reason: String| LoadError::Io {
        path: path.to_path_buf(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| io(describe_io(&e)))?;
    if meta.is_dir() {
        return Err(io("it is a directory, not a scenario file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(io(format!(
            "it is {} bytes; scenario files are limited to {MAX_FILE_BYTES} bytes",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| io(describe_io(&e)))?;
    String::from_utf8(bytes).map_err(|e| {
        io(format!(
            "it is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Parses text into the raw layer.
pub fn parse(source: &str, text: &str, format: Format) -> Result<RawScenario, LoadError> {
    parse_as(source, text, format)
}

/// Parses text into any serde type, keeping the parser's location of a
/// syntax or type error (shared with other input files, such as observed
/// records).
pub fn parse_as<T: serde::de::DeserializeOwned>(
    source: &str,
    text: &str,
    format: Format,
) -> Result<T, LoadError> {
    match format {
        Format::Toml => toml::from_str(text).map_err(|e| {
            let span = e.span();
            let (line, column, line_text, width) = match span {
                Some(r) => {
                    let (l, c, t) = locate(text, r.start);
                    let width = text[r.start..r.end.min(text.len())]
                        .lines()
                        .next()
                        .map_or(1, |s| s.chars().count());
                    (Some(l), Some(c), Some(t), width)
                }
                None => (None, None, None, 1),
            };
            LoadError::Syntax {
                source: source.to_string(),
                line,
                column,
                text: line_text,
                width,
                message: e.message().to_string(),
            }
        }),
        Format::Json => serde_json::from_str(text).map_err(|e| {
            let (line, column) = (e.line(), e.column().max(1));
            let line_text = text.lines().nth(line.saturating_sub(1)).map(str::to_string);
            let msg = e.to_string();
            // serde_json appends " at line L column C"; we show it ourselves.
            let message = msg
                .rfind(" at line ")
                .map_or(msg.as_str(), |i| &msg[..i])
                .to_string();
            LoadError::Syntax {
                source: source.to_string(),
                line: (line > 0).then_some(line),
                column: (line > 0).then_some(column),
                text: line_text,
                width: 1,
                message,
            }
        }),
    }
}

/// 1-based line and column (in characters) of byte `offset`, and that line.
pub fn locate(text: &str, offset: usize) -> (usize, usize, String) {
    let offset = offset.min(text.len());
    let offset = (0..=offset)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[start..offset].chars().count() + 1;
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    (
        line,
        column,
        text[start..end].trim_end_matches('\r').to_string(),
    )
}

/// Canonical content hash of a raw scenario.
pub fn content_hash(raw: &RawScenario) -> String {
    let json = serde_json::to_vec(raw).expect("raw scenarios serialize");
    let digest = Sha256::digest(&json);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses, applies overrides and validates `text` from `source`.
pub fn load_text(
    source: &str,
    text: &str,
    format: Format,
    overrides: &[Override],
) -> Result<Loaded, LoadError> {
    let mut raw = parse(source, text, format)?;
    if !overrides.is_empty() {
        raw = apply_overrides(&raw, overrides).map_err(|error| LoadError::Override {
            source: source.to_string(),
            error,
        })?;
    }
    let scenario = Scenario::try_from(&raw).map_err(|errors| LoadError::Invalid {
        source: source.to_string(),
        errors,
    })?;
    Ok(Loaded {
        source: source.to_string(),
        hash: content_hash(&raw),
        raw,
        scenario,
    })
}

/// The warnings of a valid scenario (events that can never apply, which it
/// leaves out), one a line: `warning: SOURCE: event #N (KIND): …`.
pub fn warnings(l: &Loaded) -> String {
    l.scenario
        .warnings
        .iter()
        .map(|w| format!("warning: {}: {w}\n", l.source))
        .collect()
}

/// Loads a scenario file, or the embedded reference scenario when `path` is `None`.
pub fn load(path: Option<&Path>, overrides: &[Override]) -> Result<Loaded, LoadError> {
    match path {
        None => load_text(EMBEDDED_NAME, EMBEDDED_RAQQA, Format::Toml, overrides),
        Some(p) => {
            let text = read_text(p)?;
            load_text(&p.display().to_string(), &text, Format::of(p), overrides)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_counts_characters() {
        let text = "a = 1\nbé = x\n";
        let off = text.find('x').unwrap();
        assert_eq!(locate(text, off), (2, 6, "bé = x".to_string()));
    }

    #[test]
    fn embedded_reference_is_valid() {
        let l = load(None, &[]).expect("the embedded scenario validates");
        assert_eq!(l.hash.len(), 64);
        assert!(l.scenario.forces.len() >= 8);
    }
}
