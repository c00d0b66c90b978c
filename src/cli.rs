//! The `mailflow diagnose` command: the same engine, headless.

use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};

use mailflow::diagnosis::Diagnosis;
use mailflow::engine;
use mailflow::export::{self, Format};
use mailflow::input;
use mailflow::knowledge::Knowledge;
use mailflow::online;

/// Walks IT support through why an email did not arrive in Microsoft 365.
#[derive(Debug, Parser)]
#[command(name = "mailflow", version, about)]
pub struct Cli {
    /// Files to open as a case in the GUI.
    pub files: Vec<PathBuf>,
    /// Also load the gateway profiles (`*.toml`) in this folder into the window's
    /// diagnoses, as `diagnose --vendors` does.
    #[arg(long, value_name = "DIR")]
    pub vendors: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Diagnose inputs headless and print the diagnosis.
    Diagnose(DiagnoseArgs),
}

/// Output formats of `diagnose`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutputFormat {
    /// The JSON contract.
    Json,
    /// Markdown.
    Md,
    /// Plain text.
    Text,
    /// A self-contained HTML report.
    Html,
}

/// Arguments of `diagnose`.
#[derive(Debug, clap::Args)]
pub struct DiagnoseArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: OutputFormat,
    /// The message to diagnose: 0-based index, Message-ID or MessageTraceId.
    #[arg(long)]
    pub message: Option<String>,
    /// Write to this file instead of stdout (atomically: never half a report).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Replace addresses, display names, subjects and internal hosts/IPs with pseudonyms.
    #[arg(long)]
    pub redact: bool,
    /// Show every trace event and evidence line, not the condensed view.
    #[arg(long)]
    pub full: bool,
    /// Write an evidence bundle (reports + original inputs) to this .zip, or into this
    /// folder under a name made from the date and subject, and print its path.
    #[arg(long, value_name = "FILE.zip")]
    pub bundle: Option<PathBuf>,
    /// Also query DNS about the sender: blocklists for the sending IP, SPF, DMARC and MX of
    /// the sender's domain, reverse DNS, DKIM keys. Without it nothing is sent anywhere.
    #[arg(long)]
    pub online: bool,
    /// The DNS server for --online queries; the system resolver when not given.
    #[arg(long, value_name = "IP:PORT", requires = "online")]
    pub dns_server: Option<SocketAddr>,
    /// Also load the gateway profiles (`*.toml`, see `assets/vendors/_template.toml`) in
    /// this folder: a gateway the built-in profiles do not know, with no new build.
    #[arg(long, value_name = "DIR")]
    pub vendors: Option<PathBuf>,
    /// Inputs: files, or `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

/// Runs `diagnose`: exit 0 with a diagnosis, 2 when an input cannot be read or an output
/// cannot be written. Every failure is one escaped line on stderr (see [`error_line`]).
///
/// The work runs on a thread with [`mailflow::ANALYSIS_STACK_BYTES`] of stack, a second
/// wall behind the parsers' nesting limits; a signal (Ctrl+C, `kill`) removes the
/// temporary files of outputs being written before the process ends.
pub fn diagnose(args: &DiagnoseArgs) -> ExitCode {
    remove_temporary_files_on_signal();
    let outcome = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("mailflow-analysis".into())
            .stack_size(mailflow::ANALYSIS_STACK_BYTES)
            .spawn_scoped(scope, || run(args))
            .map(std::thread::ScopedJoinHandle::join)
    });
    let message = match outcome {
        Ok(Ok(Ok(code))) => return code,
        Ok(Ok(Err(error))) => format!("{error:#}"),
        Ok(Err(_panic)) => "the analysis stopped unexpectedly".to_owned(),
        Err(error) => format!("cannot start the analysis: {error}"),
    };
    eprintln!("{}", error_line(&message));
    ExitCode::from(2)
}

/// Installs, once, the handler that removes the temporary files of outputs still being
/// written when Ctrl+C, SIGTERM or SIGHUP (or the console closing on Windows) ends the run;
/// the exit code is 130, a shell's for an interrupted command.
fn remove_temporary_files_on_signal() {
    // Fails only when a handler is already installed, i.e. by an earlier call.
    ctrlc::set_handler(|| {
        export::remove_pending();
        std::process::exit(130);
    })
    .ok();
}

/// `mailflow: ` and the message on one line a terminal shows as it is: line breaks and
/// tabs as `\n`, `\r`, `\t`, escapes, bidirectional overrides and other hidden characters
/// as `\x1b`, `\u{202e}` (a file name can hold any of them).
pub fn error_line(message: &str) -> String {
    let mut flat = String::with_capacity(message.len());
    for c in message.chars() {
        match c {
            '\n' => flat.push_str("\\n"),
            '\r' => flat.push_str("\\r"),
            '\t' => flat.push_str("\\t"),
            c => flat.push(c),
        }
    }
    format!("mailflow: {}", export::sanitize::printable(&flat))
}

/// An error already phrased for the user, printed by [`diagnose`] with exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(String);

fn refuse(message: impl std::fmt::Display) -> anyhow::Error {
    Refused(message.to_string()).into()
}

/// True when `a` and `b` are the same file on disk, whatever the spelling: the same device
/// and inode on Unix; elsewhere the same canonical path.
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

/// Refuses an output path that is one of the inputs: writing it would replace the
/// evidence with the report.
fn refuse_input_as_output(args: &DiagnoseArgs, output: &std::path::Path) -> anyhow::Result<()> {
    for input in args.inputs.iter().filter(|p| p.as_os_str() != "-") {
        if same_file(input, output) {
            return Err(refuse(format!(
                "the output would replace an input; choose another file: {}",
                output.display()
            )));
        }
    }
    Ok(())
}

/// An input's description and its bytes as read, for the evidence bundle.
type RawInput = (mailflow::case::InputInfo, std::sync::Arc<[u8]>);

/// Reads every input, runs the online checks if asked, and diagnoses: the diagnosis and,
/// when a bundle is written, each input's bytes. The first input that cannot be read
/// refuses the run.
fn diagnose_inputs(args: &DiagnoseArgs) -> anyhow::Result<(Diagnosis, Vec<RawInput>)> {
    // Refuse a broken profile folder before any input is read or DNS query sent.
    let custom_knowledge = args
        .vendors
        .as_deref()
        .map(Knowledge::with_vendor_dir)
        .transpose()
        .map_err(refuse)?;
    let knowledge: &Knowledge = custom_knowledge
        .as_ref()
        .unwrap_or_else(|| Knowledge::embedded());
    let mut sources = Vec::with_capacity(args.inputs.len());
    for path in &args.inputs {
        sources.push(if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(input::MAX_INPUT_BYTES + 1)
                .read_to_end(&mut bytes)
                .context("reading stdin")?;
            engine::run::Source::Bytes {
                name: "stdin".into(),
                bytes: bytes.into(),
            }
        } else {
            engine::run::Source::Path(path.clone())
        });
    }
    let mut online_config = online::Config::default();
    if let Some(addr) = args.dns_server {
        online_config = online_config.with_nameserver(addr);
    }
    let outcome = engine::run::run(engine::run::Request {
        inputs: sources,
        loaded: Vec::new(),
        case: None,
        keep_raw: args.bundle.is_some(),
        keep_parsed: false,
        selection: args
            .message
            .clone()
            .map_or(engine::run::Selection::First, engine::run::Selection::Named),
        online: if args.online {
            engine::run::Online::Run
        } else {
            engine::run::Online::Off
        },
        online_config,
        knowledge,
        progress: &|_| {},
    });
    let mut raw_inputs = Vec::with_capacity(outcome.read.len());
    for read in outcome.read {
        let loaded = read.map_err(refuse)?;
        if let Some(raw) = &loaded.raw {
            raw_inputs.push((loaded.parsed.info.clone(), raw.clone()));
        }
    }
    if let Some(error) = outcome.online_error {
        eprintln!("{}", error_line(&format!("online checks skipped: {error}")));
    }
    let diagnosis = outcome
        .diagnosis
        .ok_or_else(|| refuse("no input to diagnose"))?
        .map_err(refuse)?;
    left_to_the_exit(outcome.case);
    Ok((diagnosis, raw_inputs))
}

/// Leaves `value` unfreed: the process ends as soon as the report is written, and the
/// system takes its memory back at once, where freeing a 100 000-message case or
/// diagnosis piece by piece costs a twentieth of the run.
fn left_to_the_exit<T>(value: T) {
    std::mem::forget(value);
}

fn run(args: &DiagnoseArgs) -> anyhow::Result<ExitCode> {
    if let Some(output) = &args.output {
        refuse_input_as_output(args, output)?;
    }
    if let Some(bundle) = &args.bundle {
        refuse_input_as_output(args, bundle)?;
    }
    let (diagnosis, raw_inputs) = diagnose_inputs(args)?;
    let format = match args.format {
        OutputFormat::Json => Format::Json,
        OutputFormat::Md => Format::Markdown,
        OutputFormat::Text => Format::Text,
        OutputFormat::Html => Format::Html,
    };
    let report_options = export::Options {
        full_timeline: args.full,
        redact: args.redact,
        ..export::Options::now()
    };
    // Every output is written in full under a temporary name before any is put in place
    // or anything is printed: a failing one leaves no other half done.
    let mut staged = Vec::new();
    let mut bundle_path = None;
    // Redacted (and capped) once for every output of the run.
    let shown = export::prepare(&diagnosis, &report_options);
    if let Some(path) = &args.bundle {
        let path = if path.is_dir() {
            let path = path.join(export::suggested_file_name(&shown, "zip"));
            refuse_input_as_output(args, &path)?;
            path
        } else {
            path.clone()
        };
        staged.push(
            export::bundle::stage_prepared_bundle(&path, &shown, &raw_inputs, &report_options)
                .map_err(refuse)?,
        );
        bundle_path = Some(path);
    }
    drop(raw_inputs);
    if let Some(path) = &args.output {
        staged.push(
            export::stage(path, |file| {
                let mut out = std::io::BufWriter::with_capacity(256 * 1024, file);
                export::write_prepared(&shown, format, &report_options, &mut out)?;
                out.flush()
            })
            .with_context(|| format!("writing {}", path.display()))?,
        );
    }
    for file in staged {
        file.commit().context("putting an output in place")?;
    }
    let stdout = std::io::stdout().lock();
    let mut stdout = std::io::BufWriter::with_capacity(256 * 1024, stdout);
    let mut printed = Ok(());
    if let Some(path) = bundle_path {
        printed = writeln!(stdout, "{}", path.display());
    }
    if args.bundle.is_none() && args.output.is_none() && printed.is_ok() {
        printed = export::write_prepared(&shown, format, &report_options, &mut stdout);
    }
    if let Err(e) = printed.and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(e).context("writing stdout");
    }
    left_to_the_exit(shown);
    left_to_the_exit(diagnosis);
    Ok(ExitCode::SUCCESS)
}
