//! Command-line plumbing shared by the `plan` and `compare` examples (a module, not an
//! example: Cargo builds only `examples/*.rs` and `examples/*/main.rs` as examples).

use std::process::ExitCode;

use clap::{Command, Parser};

/// Parses the command line into `A`, after `customise` has adjusted the command (e.g. help
/// text built at run time). `--help` and `--version` print and give `Err(SUCCESS)`; a bad
/// command line prints one `error:` line on stderr and gives `Err(2)`.
pub fn parse<A: Parser>(customise: impl FnOnce(Command) -> Command) -> Result<A, ExitCode> {
    match customise(A::command())
        .try_get_matches()
        .and_then(|m| A::from_arg_matches(&m))
    {
        Ok(args) => Ok(args),
        Err(e) if !e.use_stderr() => {
            print!("{e}");
            Err(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{}", one_line(&e));
            Err(ExitCode::from(2))
        }
    }
}

/// The exit code of a run: success, or the error on one `error:` line and code 2.
pub fn exit(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Clap's error on one line: its first line (which starts with "error:") and, for a bad
/// value, the values it accepts.
fn one_line(e: &clap::Error) -> String {
    let text = e.to_string();
    let mut lines = text.lines().map(str::trim);
    let mut line = lines.next().unwrap_or("error: bad arguments").to_string();
    if let Some(values) = lines.find(|l| l.starts_with("[possible values:")) {
        line.push(' ');
        line.push_str(values);
    }
    line
}

/// The built-in strategy names, as help text lists them.
pub fn strategy_names() -> String {
    fanzha::STRATEGY_NAMES.join(", ")
}
