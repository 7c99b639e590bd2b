//! Command-line plumbing shared by the `plan`, `compare` and `seeds` examples (a module, not an
//! example: Cargo builds only `examples/*.rs` and `examples/*/main.rs` as examples).
//!
//! Nothing here panics on a closed or full output: help, results and errors go through
//! [`emit`] / [`Out`] and [`exit`] (`println!` and `eprintln!` panic when stdout or stderr
//! cannot be written, exiting with code 101).

// Each example uses only part of this module.
#![allow(dead_code)]

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

use clap::{Command, Parser};

pub mod distributed;

/// Parses the command line into `A`, after `customise` has adjusted the command (e.g. help
/// text built at run time). `--help` and `--version` print on stdout and give `Err(SUCCESS)`;
/// a bad command line prints one `error:` line on stderr and gives `Err(2)`.
pub fn parse<A: Parser>(customise: impl FnOnce(Command) -> Command) -> Result<A, ExitCode> {
    match customise(A::command())
        .try_get_matches()
        .and_then(|m| A::from_arg_matches(&m))
    {
        Ok(args) => Ok(args),
        Err(e) if !e.use_stderr() => match emit(&e.to_string()) {
            Ok(()) => Err(ExitCode::SUCCESS),
            Err(message) => Err(fail(&message)),
        },
        Err(e) => Err(fail(one_line(&e).trim_start_matches("error: "))),
    }
}

/// The exit code of a run: success, or the error on one `error:` line and code 2.
pub fn exit(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

/// Prints `error: {message}` on stderr (ignoring a closed stderr: there is nowhere left to
/// say it) and gives code 2.
fn fail(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "error: {message}");
    ExitCode::from(2)
}

/// Writes `text` on stdout and flushes it.
///
/// A closed pipe (`seeds | head -1`) ends the program at once, quietly and with code 0, as
/// most Unix tools do: the reader has what it wanted. Any other write error (a full disk,
/// `> /dev/full`) is returned as a one-line message for [`exit`] (code 2).
pub fn emit(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    let result = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    drop(out);
    written(result)
}

/// The outcome of writing to stdout, judged as [`emit`] judges it: a closed pipe ends the
/// program quietly with code 0; any other error becomes a one-line message.
pub fn written(result: std::io::Result<()>) -> Result<(), String> {
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(format!("cannot write the output: {e}")),
    }
}

/// Prints a line on stderr; a closed stderr is ignored (there is nowhere left to say it).
pub fn warn(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Text for stdout, collected with `write!(out, ...)` / `writeln!(out, ...)` (which cannot
/// fail: the text is kept in memory) and written by [`Out::emit`], which handles write errors
/// as [`emit`] does.
///
/// ```ignore
/// let mut out = Out::default();
/// writeln!(out, "total {value:.0}");
/// out.emit()?;
/// ```
#[derive(Debug, Default)]
pub struct Out(String);

impl Out {
    /// What `write!` and `writeln!` call.
    pub fn write_fmt(&mut self, args: std::fmt::Arguments<'_>) {
        std::fmt::Write::write_fmt(&mut self.0, args)
            .expect("formatting into a String fails only if a Display impl does");
    }

    /// Writes the text collected so far (see [`emit`]) and clears it.
    pub fn emit(&mut self) -> Result<(), String> {
        emit(&std::mem::take(&mut self.0))
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
