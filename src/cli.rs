//! The `mailflow diagnose` command: the same engine, headless.

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};

use mailflow::case::Case;
use mailflow::engine::{self, Options};
use mailflow::export::{self, Format};
use mailflow::input;

/// Walks IT support through why an email did not arrive in Microsoft 365.
#[derive(Debug, Parser)]
#[command(name = "mailflow", version, about)]
pub struct Cli {
    /// Files to open as a case in the GUI.
    pub files: Vec<PathBuf>,
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
    /// Write to this file instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Inputs: files, or `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

/// Runs `diagnose`: exit 0 with a diagnosis, 2 when an input cannot be read.
pub fn diagnose(args: &DiagnoseArgs) -> anyhow::Result<ExitCode> {
    let mut parsed = Vec::new();
    for path in &args.inputs {
        let result = if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(input::MAX_INPUT_BYTES + 1)
                .read_to_end(&mut bytes)
                .context("reading stdin")?;
            input::load_bytes("stdin", &bytes)
        } else {
            input::load_path(path)
        };
        match result {
            Ok(p) => parsed.push(p),
            Err(error) => {
                eprintln!("mailflow: {error}");
                return Ok(ExitCode::from(2));
            }
        }
    }
    let case = Case::from_inputs(parsed);
    let options = Options {
        selected: args.message.clone(),
    };
    let diagnosis = match engine::diagnose(&case, &options) {
        Ok(d) => d,
        Err(error) => {
            eprintln!("mailflow: {error}");
            return Ok(ExitCode::from(2));
        }
    };
    let format = match args.format {
        OutputFormat::Json => Format::Json,
        OutputFormat::Md => Format::Markdown,
        OutputFormat::Text => Format::Text,
    };
    let mut rendered = export::render(&diagnosis, format);
    if !rendered.ends_with('\n') {
        rendered.push('\n');
    }
    if let Some(path) = &args.output {
        std::fs::write(path, rendered).with_context(|| format!("writing {}", path.display()))?;
    } else {
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = stdout.write_all(rendered.as_bytes())
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(e).context("writing stdout");
        }
    }
    Ok(ExitCode::SUCCESS)
}
