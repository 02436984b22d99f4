//! The `frontline` binary: a thin shell over [`frontline_runner::cli`].

fn main() -> std::process::ExitCode {
    frontline_runner::cli::main()
}
