//! Where results go: the output formats, stdout (a closed pipe is not an
//! error), and files written whole or not at all. Shared by every command.

use std::io::Write as _;
use std::path::Path;

use clap::ValueEnum;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    /// A table for people.
    Table,
    /// The full result document.
    Json,
    /// A tidy table of estimates.
    Csv,
}

/// Writes `text` to stdout and flushes. A closed pipe (`frontline … | head`)
/// is not an error: the reader has what it wanted.
pub fn emit(text: &str) -> anyhow::Result<()> {
    let mut so = std::io::stdout().lock();
    match so.write_all(text.as_bytes()).and_then(|()| so.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Writes `text` to `out` atomically if given, else to stdout.
pub fn emit_to(out: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match out {
        Some(p) => write_atomic(p, text.as_bytes()),
        None => emit(text),
    }
}

/// Checks before any run that `path` can be written: its directory exists.
pub fn check_writable(path: &Path, flag: &str) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    anyhow::ensure!(
        dir.is_dir(),
        "{flag} `{}`: the directory `{}` does not exist",
        path.display(),
        dir.display()
    );
    anyhow::ensure!(!path.is_dir(), "{flag} `{}` is a directory", path.display());
    Ok(())
}

/// Gives a temporary file the usual mode of a new file (0644) instead of
/// the 0600 of temporary files.
pub fn make_readable(f: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = f;
    Ok(())
}

/// Writes `contents` to `path` atomically: a temporary file in the same
/// directory, flushed and synced, then renamed over the target. A reader
/// never sees a partial file.
pub fn write_atomic(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in `{}`", dir.display()))?;
    tmp.write_all(contents)?;
    make_readable(tmp.as_file())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}
