//! The `mailflow diagnose` command: the same engine, headless.

use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};

use mailflow::case::Case;
use mailflow::engine::{self, Options};
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

/// Runs `diagnose`: exit 0 with a diagnosis, 2 when an input cannot be read.
pub fn diagnose(args: &DiagnoseArgs) -> anyhow::Result<ExitCode> {
    let mut parsed = Vec::new();
    let mut raw_inputs = Vec::new();
    for path in &args.inputs {
        let mut stdin_bytes = None;
        let result = if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(input::MAX_INPUT_BYTES + 1)
                .read_to_end(&mut bytes)
                .context("reading stdin")?;
            let result = input::load_bytes("stdin", &bytes);
            stdin_bytes = Some(bytes);
            result
        } else {
            input::load_path(path)
        };
        match result {
            Ok(p) => {
                if args.bundle.is_some() {
                    let bytes = match stdin_bytes {
                        Some(bytes) => bytes,
                        None => std::fs::read(path)
                            .with_context(|| format!("reading {}", path.display()))?,
                    };
                    raw_inputs.push((p.info.clone(), bytes));
                }
                parsed.push(p);
            }
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
    // Refuse a broken profile folder before any DNS query is sent.
    let custom_knowledge = match args.vendors.as_deref().map(Knowledge::with_vendor_dir) {
        Some(Ok(knowledge)) => Some(knowledge),
        Some(Err(error)) => {
            eprintln!("mailflow: {error}");
            return Ok(ExitCode::from(2));
        }
        None => None,
    };
    let knowledge: &Knowledge = custom_knowledge
        .as_ref()
        .unwrap_or_else(|| Knowledge::embedded());
    let online_results = if args.online {
        let selected = match engine::select(&case, options.selected.as_deref()) {
            Ok(index) => index,
            Err(error) => {
                eprintln!("mailflow: {error}");
                return Ok(ExitCode::from(2));
            }
        };
        let mut config = online::Config::default();
        if let Some(addr) = args.dns_server {
            config = config.with_nameserver(addr);
        }
        match online::run(&case, selected, &config, &|_| {}) {
            Ok(results) => Some(results),
            Err(error) => {
                eprintln!("mailflow: online checks skipped: {error}");
                None
            }
        }
    } else {
        None
    };
    let diagnosis = match engine::diagnose_in(&case, &options, online_results.as_ref(), knowledge) {
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
        OutputFormat::Html => Format::Html,
    };
    let report_options = export::Options {
        full_timeline: args.full,
        redact: args.redact,
        ..export::Options::now()
    };
    if let Some(path) = &args.bundle {
        let path = if path.is_dir() {
            let named = if args.redact {
                export::redact::redact(&diagnosis)
            } else {
                diagnosis.clone()
            };
            path.join(export::suggested_file_name(&named, "zip"))
        } else {
            path.clone()
        };
        export::bundle::write_bundle(&path, &diagnosis, &raw_inputs, &report_options)?;
        println!("{}", path.display());
        if args.output.is_none() {
            return Ok(ExitCode::SUCCESS);
        }
    }
    let mut rendered = export::render_with(&diagnosis, format, &report_options);
    if !rendered.ends_with('\n') {
        rendered.push('\n');
    }
    if let Some(path) = &args.output {
        export::write_atomic(path, rendered.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
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
