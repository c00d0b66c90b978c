//! Mailflow: `mailflow` opens the wizard; `mailflow diagnose …` runs the engine headless.

// Windows: no console window behind the wizard; the CLI borrows the shell's (win_console).
#![cfg_attr(windows, windows_subsystem = "windows")]

mod cli;
#[cfg(windows)]
mod win_console;

use std::process::ExitCode;

use clap::Parser as _;

/// mimalloc instead of the system allocator: parsing a 100 000-row trace makes millions of
/// small allocations, where glibc's allocator costs a third of the run time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's C API, of the copy the `mimalloc` crate links in.
// `unsafe_code` is allowed here alone: declaring a C function is unsafe by nature; the call
// itself is safe (an option index and a value, no pointers).
#[allow(unsafe_code)]
mod allocator {
    use std::ffi::{c_int, c_long};

    unsafe extern "C" {
        safe fn mi_option_set(option: c_int, value: c_long);
    }

    /// `mi_option_destroy_on_exit` in `mimalloc.h` (the same index in mimalloc 2 and 3).
    const DESTROY_ON_EXIT: c_int = 22;

    /// Lets the process end without mimalloc's clean-up: by default its exit handler
    /// returns every freed page to the kernel one `madvise` at a time, which the kernel's
    /// unmapping at exit does anyway. A value above 1 makes mimalloc skip that handler (a
    /// statically linked allocator has nothing else to release). The purge was 14 % of a
    /// run on a 12-byte file.
    pub fn skip_clean_up_at_exit() {
        mi_option_set(DESTROY_ON_EXIT, 2);
    }
}

fn main() -> ExitCode {
    allocator::skip_clean_up_at_exit();
    #[cfg(windows)]
    win_console::attach_parent_console();
    let args = cli::Cli::parse();
    let result = match &args.command {
        Some(cli::Command::Diagnose(diagnose)) => Ok(cli::diagnose(diagnose)),
        None => run_gui(&args.files, args.vendors.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("mailflow: {error:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(feature = "gui")]
fn run_gui(
    files: &[std::path::PathBuf],
    vendors: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    use mailflow::knowledge::Knowledge;
    // Loaded once and kept for the life of the window, which every analysis borrows.
    let knowledge: &'static Knowledge = match vendors {
        Some(dir) => Box::leak(Box::new(Knowledge::with_vendor_dir(dir)?)),
        None => Knowledge::embedded(),
    };
    mailflow::ui::run(files, knowledge)
        .map_err(|error| anyhow::anyhow!("cannot open the window: {error}"))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "gui"))]
#[allow(
    clippy::unnecessary_wraps,
    reason = "same signature as the GUI build's run_gui"
)]
fn run_gui(
    _files: &[std::path::PathBuf],
    _vendors: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    eprintln!("mailflow: built without the GUI; use `mailflow diagnose --help`");
    Ok(ExitCode::from(2))
}
