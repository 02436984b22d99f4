//! The examples in the command-line docs are real output: this test runs
//! every one and compares.
//!
//! # The convention
//!
//! A checked example is a fenced block opened with ```` ```console ```` in
//! `docs/cli/*.md` or `README.md` (other fences, such as ```` ```sh ```` for
//! lists of commands or ```` ```text ```` for a terminal transcript, are not
//! checked). Inside it:
//!
//! - a line `$ COMMAND` is run by `sh -c`, with the binary under test first
//!   on `PATH` as `frontline`, so pipes, redirections and loops work;
//! - a trailing `  # exit N` on that line is the expected exit status of the
//!   command (of the last command of a pipeline, as `sh` reports it);
//!   without it the command must exit with 0;
//! - the lines up to the next `$ ` line (or the end of the block) are the
//!   expected output: stdout and stderr together, in the order written, as a
//!   terminal shows them;
//! - a line holding only `…` stands for any run of lines, none included
//!   ([`matches`]); a `…` within a line is literal text.
//!
//! The blocks of a page run in document order in one scratch directory, so a
//! file written by one command can be read by the next. The scratch
//! directory holds a symbolic link to every entry of the repository root
//! (except `.git` and `target`), so `scenarios/x.toml`,
//! `crates/runner/tests/fixtures/…` and `Cargo.toml` resolve as from the
//! root, while the files the examples write stay out of the worktree.
//!
//! Normalisation, the only one: the random suffix of a temporary file name,
//! `.tmp` and six letters or digits, is replaced by `.tmpXXXXXX` before
//! comparing ([`normalise`]).
//!
//! # Regenerating the examples
//!
//! On a mismatch the test prints the command and a diff between the example
//! and what blessing would write. With `FRONTLINE_BLESS=1` it rewrites the
//! failing blocks in place with the real output and exit status instead,
//! keeping each `…` elision: the lines before
//! the first and after the last `…` are taken from the head and tail of the
//! real output, and each kept segment in between where it matches the real
//! output best ([`bless`]). Review the rewrite with `git diff`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The line that stands for any run of output lines.
const ELISION: &str = "…";

/// The repository root.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root")
}

/// One `$ COMMAND` of a console block and the output expected from it.
#[derive(Debug)]
struct Example {
    /// The shell command, without `$ ` and without the exit annotation.
    command: String,
    /// Expected exit status.
    exit: i32,
    /// Line index (0-based, in the file) of the `$ ` line.
    line: usize,
    /// Expected output lines, fence indentation removed.
    expected: Vec<String>,
}

/// A ```` ```console ```` block: its indentation and its examples.
#[derive(Debug)]
struct Block {
    indent: String,
    examples: Vec<Example>,
}

/// Splits `$ COMMAND  # exit N` into the command and N (0 when absent).
fn parse_command(text: &str) -> (String, i32) {
    if let Some((command, code)) = text.rsplit_once("# exit ")
        && let Ok(code) = code.trim().parse()
    {
        return (command.trim_end().to_string(), code);
    }
    (text.to_string(), 0)
}

/// The console blocks of a Markdown text.
fn blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        if trimmed != "```console" {
            if trimmed.starts_with("```") {
                // Skip any other fenced block whole, so its content is never
                // taken for a fence.
                i += 1;
                while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                    i += 1;
                }
            }
            i += 1;
            continue;
        }
        let indent = lines[i][..lines[i].len() - trimmed.len()].to_string();
        let mut block = Block {
            indent: indent.clone(),
            examples: Vec::new(),
        };
        i += 1;
        while i < lines.len() && lines[i].trim_start() != "```" {
            let line = lines[i].strip_prefix(indent.as_str()).unwrap_or(lines[i]);
            if let Some(command) = line.strip_prefix("$ ") {
                let (command, exit) = parse_command(command);
                block.examples.push(Example {
                    command,
                    exit,
                    line: i,
                    expected: Vec::new(),
                });
            } else {
                let example = block.examples.last_mut().unwrap_or_else(|| {
                    panic!("line {}: a console block must start with `$ `", i + 1)
                });
                example.expected.push(line.to_string());
            }
            i += 1;
        }
        assert!(
            !block.examples.is_empty(),
            "line {i}: an empty console block"
        );
        out.push(block);
        i += 1;
    }
    out
}

/// Whether `actual` matches `pattern`, where a line `…` of the pattern
/// matches any run of lines (none included) and every other line must be
/// equal.
///
/// Only the elision is a wildcard, so the classic argument for glob
/// matching applies: the first segment must be a prefix, the last a suffix
/// (not overlapping the prefix), and each segment in between may be taken at
/// its leftmost occurrence after the previous one — a later occurrence never
/// leaves more room for the rest.
fn matches(pattern: &[String], actual: &[String]) -> bool {
    let segments: Vec<&[String]> = pattern.split(|l| l == ELISION).collect();
    if segments.len() == 1 {
        return pattern == actual;
    }
    let (head, tail) = (segments[0], segments[segments.len() - 1]);
    if head.len() + tail.len() > actual.len()
        || actual[..head.len()] != *head
        || actual[actual.len() - tail.len()..] != *tail
    {
        return false;
    }
    let mut rest = &actual[head.len()..actual.len() - tail.len()];
    for segment in &segments[1..segments.len() - 1] {
        if segment.is_empty() {
            continue;
        }
        match rest.windows(segment.len()).position(|w| w == *segment) {
            Some(at) => rest = &rest[at + segment.len()..],
            None => return false,
        }
    }
    true
}

/// Replaces the random part of temporary file names (`.tmp` followed by six
/// ASCII letters or digits) by `XXXXXX`.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(".tmp") {
        let (before, after) = rest.split_at(at + 4);
        out.push_str(before);
        let random =
            after.len() >= 6 && after.as_bytes()[..6].iter().all(u8::is_ascii_alphanumeric);
        if random {
            out.push_str("XXXXXX");
            rest = &after[6..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// How alike two lines are: the length of their common prefix, in chars.
fn likeness(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// The expected output to write back for `actual`, keeping the elisions of
/// `pattern`: the head and the tail of the real output with as many lines as
/// the pattern's first and last segments, and each middle segment at the
/// position (after the previous one) whose lines are most alike to it.
fn bless(pattern: &[String], actual: &[String]) -> Vec<String> {
    let segments: Vec<&[String]> = pattern.split(|l| l == ELISION).collect();
    let kept: usize = segments.iter().map(|s| s.len()).sum();
    if segments.len() == 1 || kept >= actual.len() {
        return actual.to_vec();
    }
    let (head, tail) = (segments[0].len(), segments[segments.len() - 1].len());
    let mut out: Vec<String> = actual[..head].to_vec();
    let end = actual.len() - tail;
    let mut from = head;
    for segment in &segments[1..segments.len() - 1] {
        out.push(ELISION.to_string());
        let room = end - from;
        if segment.is_empty() || segment.len() > room {
            continue;
        }
        let score = |at: usize| -> usize {
            segment
                .iter()
                .zip(&actual[at..])
                .map(|(p, a)| if p == a { 1000 } else { likeness(p, a) })
                .sum()
        };
        let best = (from..=end - segment.len())
            .max_by_key(|&at| (score(at), std::cmp::Reverse(at)))
            .expect("a non-empty range");
        out.extend_from_slice(&actual[best..best + segment.len()]);
        from = best + segment.len();
    }
    out.push(ELISION.to_string());
    out.extend_from_slice(&actual[end..]);
    out
}

/// A line diff of `expected` against `actual` (longest common subsequence):
/// `-` for expected lines not produced, `+` for produced lines not expected,
/// with three lines of context around each change.
fn diff(expected: &[String], actual: &[String]) -> String {
    let (n, m) = (expected.len(), actual.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if expected[i] == actual[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops: Vec<(char, &str)> = Vec::new();
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            ops.push((' ', &expected[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', &expected[i]));
            i += 1;
        } else {
            ops.push(('+', &actual[j]));
            j += 1;
        }
    }
    let near = |k: usize| {
        ops[k.saturating_sub(3)..(k + 4).min(ops.len())]
            .iter()
            .any(|o| o.0 != ' ')
    };
    let mut out = String::new();
    let mut skipped = false;
    for (k, (op, line)) in ops.iter().enumerate() {
        if near(k) {
            let _ = writeln!(out, "{op} {line}");
            skipped = false;
        } else if !skipped {
            out.push_str("  ⋮\n");
            skipped = true;
        }
    }
    out
}

/// A scratch directory that looks like the repository root.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let root = root();
    for entry in fs::read_dir(&root).expect("the repository root is readable") {
        let name = entry.expect("a directory entry").file_name();
        if name == ".git" || name == "target" {
            continue;
        }
        std::os::unix::fs::symlink(root.join(&name), dir.path().join(&name))
            .expect("a symbolic link in the scratch directory");
    }
    dir
}

/// Runs one example's command in `dir`: (exit status, output lines).
fn run(command: &str, dir: &Path) -> (i32, Vec<String>) {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_frontline"));
    let path = format!(
        "{}:{}",
        bin.parent().expect("the binary's directory").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("exec 2>&1\n{command}"))
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("sh runs");
    let text = normalise(&String::from_utf8_lossy(&out.stdout));
    let lines = text.lines().map(str::to_string).collect();
    (out.status.code().unwrap_or(-1), lines)
}

/// Checks (or, with `bless`, rewrites) every console block of one file.
/// Returns the number of examples and the failure reports.
fn check_file(path: &Path, bless_mode: bool) -> (usize, Vec<String>) {
    let text = fs::read_to_string(path).expect("the page is readable");
    let blocks = blocks(&text);
    let dir = scratch();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut failures = Vec::new();
    let mut rewrites: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let mut count = 0;
    for block in &blocks {
        for example in &block.examples {
            count += 1;
            let (exit, actual) = run(&example.command, dir.path());
            if exit == example.exit && matches(&example.expected, &actual) {
                continue;
            }
            if bless_mode {
                let mut new = vec![match exit {
                    0 => format!("{}$ {}", block.indent, example.command),
                    code => format!("{}$ {}  # exit {code}", block.indent, example.command),
                }];
                new.extend(bless(&example.expected, &actual).into_iter().map(|l| {
                    if l.is_empty() {
                        l
                    } else {
                        format!("{}{l}", block.indent)
                    }
                }));
                rewrites.push((example.line, example.expected.len() + 1, new));
            } else {
                failures.push(format!(
                    "{}:{}: $ {}\nexit status: expected {}, got {exit}\noutput (- expected, + actual):\n{}",
                    path.display(),
                    example.line + 1,
                    example.command,
                    example.exit,
                    diff(&example.expected, &bless(&example.expected, &actual))
                ));
            }
        }
    }
    if !rewrites.is_empty() {
        for (at, len, new) in rewrites.into_iter().rev() {
            lines.splice(at..at + len, new);
        }
        fs::write(path, lines.join("\n") + "\n").expect("the page is writable");
        eprintln!("blessed {}", path.display());
    }
    (count, failures)
}

/// The pages whose examples are checked: docs/cli/*.md and README.md.
fn pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = fs::read_dir(root().join("docs/cli"))
        .expect("docs/cli exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    pages.push(root().join("README.md"));
    pages
}

#[test]
fn every_example_in_the_cli_docs_is_real_output() {
    let bless_mode = std::env::var_os("FRONTLINE_BLESS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut total = 0;
    for page in pages() {
        let (count, mut failed) = check_file(&page, bless_mode);
        assert!(count > 0, "{}: no ```console example", page.display());
        eprintln!("{}: {count} examples", page.display());
        total += count;
        failures.append(&mut failed);
    }
    eprintln!("{total} examples checked");
    assert!(
        failures.is_empty(),
        "{} of {total} examples differ from the real output \
         (FRONTLINE_BLESS=1 rewrites them):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

mod matcher {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn without_an_elision_every_line_must_be_equal() {
        assert!(matches(&lines("a\nb"), &lines("a\nb")));
        assert!(!matches(&lines("a\nb"), &lines("a\nb\nc")));
        assert!(!matches(&lines("a\nb"), &lines("a\nB")));
        assert!(matches(&[], &[]));
    }

    #[test]
    fn an_elision_matches_any_run_of_lines_including_none() {
        let pattern = lines("a\n…\nz");
        assert!(matches(&pattern, &lines("a\nz")));
        assert!(matches(&pattern, &lines("a\nb\nc\nz")));
        assert!(matches(&lines("…"), &[]));
        assert!(matches(&lines("…\nz"), &lines("x\ny\nz")));
        assert!(matches(&lines("a\n…"), &lines("a\ny\nz")));
    }

    #[test]
    fn kept_lines_must_appear_in_order_and_in_place() {
        // A kept line that is missing, out of order, or only in the elided
        // part of the output must fail.
        assert!(!matches(&lines("a\n…\nz"), &lines("a\nb\nc")));
        assert!(!matches(
            &lines("a\n…\nc\n…\nb\n…\nz"),
            &lines("a\nb\nc\nz")
        ));
        assert!(!matches(&lines("b\n…\nz"), &lines("a\nb\nz")));
        // The head and the tail may not share a line.
        assert!(!matches(&lines("a\n…\na"), &lines("a")));
        // A middle segment is found after an earlier partial occurrence.
        assert!(matches(&lines("…\nb\nc\n…"), &lines("b\nx\nb\nc\nd")));
        assert!(!matches(&lines("…\nb\nc\n…"), &lines("b\nx\nb\nd\nc")));
    }

    #[test]
    fn blessing_keeps_the_elisions() {
        let pattern = lines("h1\n…\nm 1\n…\nt1");
        let actual = lines("h2\nx\nm 2\ny\nz\nt2");
        assert_eq!(bless(&pattern, &actual), lines("h2\n…\nm 2\n…\nt2"));
        assert!(matches(&bless(&pattern, &actual), &actual));
        // Nothing to elide: the whole output.
        assert_eq!(bless(&lines("a\n…\nb"), &lines("a\nb")), lines("a\nb"));
    }

    #[test]
    fn temporary_file_names_are_normalised() {
        assert_eq!(
            normalise("at path \"/d/.tmpVVMR6o\" and .tmp!"),
            "at path \"/d/.tmpXXXXXX\" and .tmp!"
        );
    }

    #[test]
    fn console_blocks_are_parsed_with_their_exit_codes() {
        let text = "x\n```sh\n$ not checked\n```\n  ```console\n  $ frontline a  # exit 2\n  out\n\n  $ b\n  ```\n";
        let blocks = blocks(text);
        assert_eq!(blocks.len(), 1);
        let ex = &blocks[0].examples;
        assert_eq!(
            (ex[0].command.as_str(), ex[0].exit, ex[0].line),
            ("frontline a", 2, 5)
        );
        assert_eq!(ex[0].expected, ["out", ""]);
        assert_eq!((ex[1].command.as_str(), ex[1].exit), ("b", 0));
    }
}
