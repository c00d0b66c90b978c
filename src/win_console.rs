//! Windows: `mailflow.exe` is a GUI-subsystem program, so opening the wizard from Explorer, the
//! Start menu or "Open with" shows no console window. Typed in cmd or PowerShell it has no
//! console of its own either, so [`attach_parent_console`] borrows the console of the shell that
//! started it: `mailflow diagnose …`, `--help` and error lines print there. Output already
//! redirected to a file or a pipe keeps going there.
//!
//! Output is UTF-8 whatever the console's code page: the standard library writes to a console
//! with `WriteConsoleW` (UTF-16) and hands files and pipes the UTF-8 bytes unchanged, so the
//! shell's code page is never changed behind the user's back.

use windows_sys::Win32::Foundation::{GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE};
use windows_sys::Win32::Storage::FileSystem::{
    CreateFileW, FILE_SHARE_READ, FILE_SHARE_WRITE, OPEN_EXISTING,
};
use windows_sys::Win32::System::Console::{
    ATTACH_PARENT_PROCESS, AttachConsole, GetStdHandle, STD_ERROR_HANDLE, STD_HANDLE,
    STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, SetStdHandle,
};

/// Attaches to the parent process's console, when it has one, and points each standard handle
/// that has nowhere to go (not redirected by the shell) at it. Started from Explorer there is no
/// parent console and nothing changes.
///
/// `unsafe` is allowed here alone because the Win32 console API is only reachable through FFI;
/// every call takes plain values or a NUL-terminated buffer that outlives the call.
#[allow(unsafe_code)]
pub fn attach_parent_console() {
    let unset = |id: STD_HANDLE| {
        // SAFETY: GetStdHandle takes a constant and only reads the process's handle table.
        let handle = unsafe { GetStdHandle(id) };
        handle.is_null() || handle == INVALID_HANDLE_VALUE
    };
    let streams = [STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE];
    if !streams.into_iter().any(unset) {
        return;
    }
    // SAFETY: a constant argument; fails harmlessly when there is no parent console.
    if unsafe { AttachConsole(ATTACH_PARENT_PROCESS) } == 0 {
        return;
    }
    for id in streams.into_iter().filter(|&id| unset(id)) {
        let device = if id == STD_INPUT_HANDLE {
            "CONIN$"
        } else {
            "CONOUT$"
        };
        let name: Vec<u16> = device.encode_utf16().chain(std::iter::once(0)).collect();
        // SAFETY: `name` is NUL-terminated and alive for the call; no security attributes and
        // no template handle (null pointers are documented as allowed).
        let handle = unsafe {
            CreateFileW(
                name.as_ptr(),
                GENERIC_READ | GENERIC_WRITE,
                FILE_SHARE_READ | FILE_SHARE_WRITE,
                std::ptr::null(),
                OPEN_EXISTING,
                0,
                std::ptr::null_mut(),
            )
        };
        if handle != INVALID_HANDLE_VALUE {
            // SAFETY: `handle` is a console handle this process owns for its whole life.
            unsafe { SetStdHandle(id, handle) };
        }
    }
}
