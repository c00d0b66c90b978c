//! Dropping a message straight out of classic Outlook on Windows.
//!
//! Outlook hands a dragged message over as a *virtual file* (the `FileGroupDescriptorW` and
//! `FileContents` clipboard formats), not as a path, and winit only understands paths
//! (`CF_HDROP`): such a drop would silently do nothing. On Windows, [`install`] puts a drop
//! target of our own on the wizard's window. Files from Explorer arrive as before (egui's
//! dropped files); a message from Outlook is read from its virtual file and arrives as dropped
//! bytes; when Outlook's data cannot be read, a notice says what to do instead ([`NOTICE`]).
//!
//! Reading the descriptor is plain Rust, tested on every platform; only the COM glue is
//! Windows-only.

use thiserror::Error;

/// What to do when a message dragged out of Outlook could not be read.
pub const NOTICE: &str = "Outlook handed the message over as a virtual file, and it could not \
be read. Drag the message from Outlook to the desktop (or a folder) first and drop the saved \
.msg file here, or open it in Outlook and use File › Save As, then Open… the saved file.";

/// The heading of [`NOTICE`].
pub const NOTICE_TITLE: &str = "The message from Outlook could not be read";

/// Bytes of one `FILEDESCRIPTORW`: flags, CLSID, size/point, attributes, three times, the size
/// and a 260-character name.
const DESCRIPTOR_BYTES: usize = 592;
/// Where `cFileName` starts in a `FILEDESCRIPTORW`.
const NAME_OFFSET: usize = 72;
/// `cFileName` is `WCHAR[MAX_PATH]`.
const NAME_UNITS: usize = 260;
/// Where `nFileSizeHigh` starts (`nFileSizeLow` follows).
const SIZE_OFFSET: usize = 64;
/// `FD_FILESIZE`: the size fields are valid.
const FD_FILESIZE: u32 = 0x40;

/// One virtual file announced by a `FILEGROUPDESCRIPTORW`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VirtualFile {
    /// The name the source proposes (Outlook: the subject plus `.msg`).
    pub name: String,
    /// The size, when the source states it.
    pub size: Option<u64>,
}

/// Why a `FILEGROUPDESCRIPTORW` could not be read.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DescriptorError {
    /// Fewer bytes than the item count needs: a broken or foreign descriptor.
    #[error("the file group descriptor has {len} bytes, too few for {count} files")]
    Truncated {
        /// Bytes received.
        len: usize,
        /// Files announced.
        count: u64,
    },
}

/// Reads the names and sizes out of a `FILEGROUPDESCRIPTORW` (a `u32` count, then that many
/// `FILEDESCRIPTORW`s). The count is checked against the length before anything is allocated.
pub fn parse_file_group_descriptor(bytes: &[u8]) -> Result<Vec<VirtualFile>, DescriptorError> {
    let count = u32_at(bytes, 0).map_or(0, u64::from);
    let items = bytes.get(4..).unwrap_or_default();
    let available = (items.len() / DESCRIPTOR_BYTES) as u64;
    if bytes.len() < 4 || available < count {
        return Err(DescriptorError::Truncated {
            len: bytes.len(),
            count,
        });
    }
    Ok(items
        .chunks_exact(DESCRIPTOR_BYTES)
        .take(count as usize)
        .map(|item| {
            let flags = u32_at(item, 0).unwrap_or(0);
            let size = (flags & FD_FILESIZE != 0).then(|| {
                let high = u32_at(item, SIZE_OFFSET).map_or(0, u64::from);
                let low = u32_at(item, SIZE_OFFSET + 4).map_or(0, u64::from);
                (high << 32) | low
            });
            let units: Vec<u16> = item
                .get(NAME_OFFSET..NAME_OFFSET + 2 * NAME_UNITS)
                .unwrap_or_default()
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                .take_while(|&unit| unit != 0)
                .collect();
            VirtualFile {
                name: String::from_utf16_lossy(&units),
                size,
            }
        })
        .collect())
}

/// A little-endian `u32` at `offset`, if the bytes reach that far.
fn u32_at(bytes: &[u8], offset: usize) -> Option<u32> {
    let field = bytes.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_le_bytes(field.try_into().ok()?))
}

/// Puts Mailflow's own drop target on the wizard's window (Windows; elsewhere nothing to do,
/// winit's drops already cover every source). Call once, from the app's creation.
#[cfg(feature = "gui")]
pub fn install(cc: &eframe::CreationContext<'_>) {
    #[cfg(windows)]
    com::install(cc);
    #[cfg(not(windows))]
    let _ = cc;
}

#[cfg(all(windows, feature = "gui"))]
#[allow(
    unsafe_code,
    reason = "OLE drag and drop is only reachable through COM: a hand-written IDropTarget \
              and calls into the source's IDataObject/IStream. Every pointer comes from OLE \
              for the duration of the call; the target itself lives as long as the process."
)]
mod com {
    use std::ffi::{OsString, c_void};
    use std::os::windows::ffi::OsStringExt as _;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Mutex, PoisonError};

    use eframe::egui;
    use raw_window_handle::{HasWindowHandle as _, RawWindowHandle};
    use windows_sys::Win32::Foundation::{E_NOINTERFACE, E_POINTER, HWND, POINTL, S_OK};
    use windows_sys::Win32::System::Com::{
        DVASPECT_CONTENT, FORMATETC, STGMEDIUM, TYMED_HGLOBAL, TYMED_ISTREAM,
    };
    use windows_sys::Win32::System::DataExchange::RegisterClipboardFormatW;
    use windows_sys::Win32::System::Memory::{GlobalLock, GlobalSize, GlobalUnlock};
    use windows_sys::Win32::System::Ole::{
        CF_HDROP, DROPEFFECT_COPY, DROPEFFECT_NONE, OleInitialize, RegisterDragDrop,
        ReleaseStgMedium, RevokeDragDrop,
    };
    use windows_sys::Win32::UI::Shell::DragQueryFileW;
    use windows_sys::core::{GUID, HRESULT, IID_IUnknown};

    use super::{NOTICE, NOTICE_TITLE, parse_file_group_descriptor};
    use crate::input::MAX_INPUT_BYTES;

    /// `IID_IDropTarget`.
    const IID_IDROPTARGET: GUID = GUID::from_u128(0x0000_0122_0000_0000_c000_0000_0000_0046);

    /// What the drop target found, waiting for the next frame.
    #[derive(Default)]
    struct Pending {
        hovered: Vec<egui::HoveredFile>,
        dropped: Vec<egui::DroppedFileHandle>,
        notice: bool,
    }

    type Shared = Arc<Mutex<Pending>>;

    /// Hands [`Pending`] to egui: hovered and dropped files go into the frame's raw input
    /// exactly where winit's would, and the notice shows as a modal.
    struct DropPlugin {
        shared: Shared,
    }

    impl egui::plugin::Plugin for DropPlugin {
        fn debug_name(&self) -> &'static str {
            "outlook_drop"
        }

        fn input_hook(&mut self, _ctx: &egui::Context, input: &mut egui::RawInput) {
            let mut pending = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
            input.hovered_files.extend(pending.hovered.iter().cloned());
            input.dropped_files.append(&mut pending.dropped);
        }

        fn on_end_pass(&mut self, ui: &mut egui::Ui) {
            let mut pending = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
            if !pending.notice {
                return;
            }
            let modal =
                egui::Modal::new(egui::Id::unique("outlook_drop_notice")).show(ui.ctx(), |ui| {
                    ui.set_max_width(460.0);
                    ui.heading(NOTICE_TITLE);
                    ui.label(NOTICE);
                    ui.button("OK").clicked()
                });
            if modal.inner || modal.should_close() {
                pending.notice = false;
            }
        }
    }

    /// A path dropped from Explorer (what winit would have delivered).
    #[derive(Debug)]
    struct PathFile(PathBuf);

    impl egui::DroppedFile for PathFile {
        fn path(&self) -> &Path {
            &self.0
        }

        fn bytes(&self) -> Result<Vec<u8>, String> {
            std::fs::read(&self.0).map_err(|error| error.to_string())
        }
    }

    /// A virtual file's contents: no path, the bytes themselves.
    #[derive(Debug)]
    struct BytesFile(Vec<u8>);

    impl egui::DroppedFile for BytesFile {
        fn path(&self) -> &Path {
            Path::new("")
        }

        fn bytes(&self) -> Result<Vec<u8>, String> {
            Ok(self.0.clone())
        }
    }

    /// The IDropTarget vtable.
    #[repr(C)]
    struct DropTargetVtbl {
        query_interface:
            unsafe extern "system" fn(*mut DropTarget, *const GUID, *mut *mut c_void) -> HRESULT,
        add_ref: unsafe extern "system" fn(*mut DropTarget) -> u32,
        release: unsafe extern "system" fn(*mut DropTarget) -> u32,
        drag_enter: unsafe extern "system" fn(
            *mut DropTarget,
            *mut c_void,
            u32,
            POINTL,
            *mut u32,
        ) -> HRESULT,
        drag_over: unsafe extern "system" fn(*mut DropTarget, u32, POINTL, *mut u32) -> HRESULT,
        drag_leave: unsafe extern "system" fn(*mut DropTarget) -> HRESULT,
        drop: unsafe extern "system" fn(
            *mut DropTarget,
            *mut c_void,
            u32,
            POINTL,
            *mut u32,
        ) -> HRESULT,
    }

    static VTBL: DropTargetVtbl = DropTargetVtbl {
        query_interface,
        add_ref,
        release,
        drag_enter,
        drag_over,
        drag_leave,
        drop,
    };

    /// Our IDropTarget. Leaked on purpose: it serves the one window for the whole process, so
    /// reference counting has nothing to free.
    #[repr(C)]
    struct DropTarget {
        vtbl: &'static DropTargetVtbl,
        shared: Shared,
        ctx: egui::Context,
        file_group: u16,
        file_contents: u16,
        effect: AtomicU32,
    }

    /// The first entries of IDataObject's vtable (only GetData and QueryGetData are called).
    #[repr(C)]
    struct DataObjectVtbl {
        query_interface: usize,
        add_ref: usize,
        release: usize,
        get_data:
            unsafe extern "system" fn(*mut c_void, *const FORMATETC, *mut STGMEDIUM) -> HRESULT,
        get_data_here: usize,
        query_get_data: unsafe extern "system" fn(*mut c_void, *const FORMATETC) -> HRESULT,
    }

    /// The first entries of IStream's vtable (ISequentialStream::Read).
    #[repr(C)]
    struct StreamVtbl {
        query_interface: usize,
        add_ref: usize,
        release: usize,
        read: unsafe extern "system" fn(*mut c_void, *mut c_void, u32, *mut u32) -> HRESULT,
    }

    pub(super) fn install(cc: &eframe::CreationContext<'_>) {
        let Ok(handle) = cc.window_handle() else {
            return;
        };
        let RawWindowHandle::Win32(win32) = handle.as_raw() else {
            return;
        };
        let hwnd = win32.hwnd.get() as HWND;
        // SAFETY: reserved argument null; OLE is initialised once per thread (S_FALSE when
        // winit already did).
        if unsafe { OleInitialize(std::ptr::null()) } < 0 {
            return;
        }
        let shared = Shared::default();
        let target = Box::leak(Box::new(DropTarget {
            vtbl: &VTBL,
            shared: Arc::clone(&shared),
            ctx: cc.egui_ctx.clone(),
            file_group: clipboard_format("FileGroupDescriptorW"),
            file_contents: clipboard_format("FileContents"),
            effect: AtomicU32::new(DROPEFFECT_NONE),
        }));
        // SAFETY: `hwnd` is the live window of this thread; winit's target is replaced by
        // ours, which never dies.
        let registered = unsafe {
            RevokeDragDrop(hwnd);
            RegisterDragDrop(hwnd, std::ptr::from_mut(target).cast())
        };
        if registered == S_OK {
            cc.egui_ctx.add_plugin(DropPlugin { shared });
        }
    }

    fn clipboard_format(name: &str) -> u16 {
        let wide: Vec<u16> = name.encode_utf16().chain(std::iter::once(0)).collect();
        // SAFETY: NUL-terminated and alive for the call. Format ids fit in 16 bits.
        (unsafe { RegisterClipboardFormatW(wide.as_ptr()) }) as u16
    }

    unsafe extern "system" fn query_interface(
        this: *mut DropTarget,
        iid: *const GUID,
        out: *mut *mut c_void,
    ) -> HRESULT {
        if out.is_null() || iid.is_null() {
            return E_POINTER;
        }
        // SAFETY: OLE passes a valid IID and out pointer.
        let iid = unsafe { &*iid };
        let known = [IID_IUnknown, IID_IDROPTARGET].iter().any(|k| {
            k.data1 == iid.data1
                && k.data2 == iid.data2
                && k.data3 == iid.data3
                && k.data4 == iid.data4
        });
        // SAFETY: `out` checked non-null above.
        unsafe {
            *out = if known {
                this.cast()
            } else {
                std::ptr::null_mut()
            }
        };
        if known { S_OK } else { E_NOINTERFACE }
    }

    unsafe extern "system" fn add_ref(_this: *mut DropTarget) -> u32 {
        1
    }

    unsafe extern "system" fn release(_this: *mut DropTarget) -> u32 {
        1
    }

    unsafe extern "system" fn drag_enter(
        this: *mut DropTarget,
        data: *mut c_void,
        _keys: u32,
        _point: POINTL,
        effect: *mut u32,
    ) -> HRESULT {
        // SAFETY: `this` is our leaked target; `data` is the source's IDataObject.
        let target = unsafe { &*this };
        let hovered: Vec<egui::HoveredFile> = if let Some(paths) = unsafe { dropped_paths(data) } {
            paths
                .into_iter()
                .map(|path| egui::HoveredFile {
                    path: Some(path),
                    ..Default::default()
                })
                .collect()
        } else if let Some(files) = unsafe { virtual_files(target, data) } {
            files
                .into_iter()
                .map(|file| egui::HoveredFile {
                    path: Some(PathBuf::from(file.name)),
                    ..Default::default()
                })
                .collect()
        } else {
            Vec::new()
        };
        // COPY, never MOVE: a move would make Outlook delete the dragged message.
        let chosen = if hovered.is_empty() {
            DROPEFFECT_NONE
        } else {
            DROPEFFECT_COPY
        };
        target.effect.store(chosen, Ordering::Relaxed);
        target
            .shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .hovered = hovered;
        target.ctx.request_repaint();
        if !effect.is_null() {
            // SAFETY: OLE's in/out effect pointer.
            unsafe { *effect &= chosen };
        }
        S_OK
    }

    unsafe extern "system" fn drag_over(
        this: *mut DropTarget,
        _keys: u32,
        _point: POINTL,
        effect: *mut u32,
    ) -> HRESULT {
        // SAFETY: as in drag_enter.
        let target = unsafe { &*this };
        if !effect.is_null() {
            unsafe { *effect &= target.effect.load(Ordering::Relaxed) };
        }
        S_OK
    }

    unsafe extern "system" fn drag_leave(this: *mut DropTarget) -> HRESULT {
        // SAFETY: as in drag_enter.
        let target = unsafe { &*this };
        target
            .shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .hovered
            .clear();
        target.ctx.request_repaint();
        S_OK
    }

    unsafe extern "system" fn drop(
        this: *mut DropTarget,
        data: *mut c_void,
        _keys: u32,
        _point: POINTL,
        effect: *mut u32,
    ) -> HRESULT {
        // SAFETY: as in drag_enter.
        let target = unsafe { &*this };
        let mut dropped: Vec<egui::DroppedFileHandle> = Vec::new();
        let mut notice = false;
        if let Some(paths) = unsafe { dropped_paths(data) } {
            dropped.extend(
                paths
                    .into_iter()
                    .map(|p| Arc::new(PathFile(p)) as egui::DroppedFileHandle),
            );
        } else if let Some(files) = unsafe { virtual_files(target, data) } {
            for index in 0..files.len() {
                match unsafe { virtual_contents(target, data, index) } {
                    Some(bytes) if !bytes.is_empty() => dropped.push(Arc::new(BytesFile(bytes))),
                    _ => notice = true,
                }
            }
            notice |= files.is_empty();
        }
        let chosen = if dropped.is_empty() {
            DROPEFFECT_NONE
        } else {
            DROPEFFECT_COPY
        };
        {
            let mut pending = target.shared.lock().unwrap_or_else(PoisonError::into_inner);
            pending.hovered.clear();
            pending.dropped.extend(dropped);
            pending.notice |= notice;
        }
        target.ctx.request_repaint();
        if !effect.is_null() {
            // SAFETY: OLE's in/out effect pointer.
            unsafe { *effect &= chosen };
        }
        S_OK
    }

    /// An owned STGMEDIUM, released when dropped.
    struct Medium(STGMEDIUM);

    impl Drop for Medium {
        fn drop(&mut self) {
            // SAFETY: the medium came from GetData and is released exactly once.
            unsafe { ReleaseStgMedium(&mut self.0) };
        }
    }

    /// IDataObject::GetData for one format.
    unsafe fn get_data(data: *mut c_void, format: u16, index: i32, tymed: i32) -> Option<Medium> {
        if data.is_null() {
            return None;
        }
        let request = FORMATETC {
            cfFormat: format,
            ptd: std::ptr::null_mut(),
            dwAspect: DVASPECT_CONTENT,
            lindex: index,
            tymed: tymed as u32,
        };
        // SAFETY: `data` is an IDataObject, whose first field points at its vtable.
        let vtbl = unsafe { &**data.cast::<*const DataObjectVtbl>() };
        // SAFETY: zeroed STGMEDIUM is the documented empty medium.
        let mut medium: STGMEDIUM = unsafe { std::mem::zeroed() };
        // SAFETY: both pointers live for the call.
        if unsafe { (vtbl.query_get_data)(data, &request) } != S_OK
            || unsafe { (vtbl.get_data)(data, &request, &mut medium) } != S_OK
        {
            return None;
        }
        Some(Medium(medium))
    }

    /// The bytes of an HGLOBAL medium.
    unsafe fn global_bytes(medium: &Medium) -> Option<Vec<u8>> {
        // SAFETY: the medium's tymed says HGLOBAL; locked while copied.
        unsafe {
            let global = medium.0.u.hGlobal;
            let size = GlobalSize(global);
            let ptr = GlobalLock(global);
            if ptr.is_null() {
                return None;
            }
            let bytes = std::slice::from_raw_parts(ptr.cast::<u8>(), size).to_vec();
            GlobalUnlock(global);
            Some(bytes)
        }
    }

    /// Paths from Explorer (CF_HDROP).
    unsafe fn dropped_paths(data: *mut c_void) -> Option<Vec<PathBuf>> {
        let medium = unsafe { get_data(data, CF_HDROP, -1, TYMED_HGLOBAL) }?;
        // SAFETY: an HDROP is the HGLOBAL of a CF_HDROP medium; buffers are sized by the
        // first call of each pair.
        let paths = unsafe {
            let hdrop = medium.0.u.hGlobal;
            let count = DragQueryFileW(hdrop, u32::MAX, std::ptr::null_mut(), 0);
            (0..count)
                .filter_map(|i| {
                    let len = DragQueryFileW(hdrop, i, std::ptr::null_mut(), 0);
                    let mut buffer = vec![0u16; len as usize + 1];
                    let copied = DragQueryFileW(hdrop, i, buffer.as_mut_ptr(), len + 1) as usize;
                    buffer.truncate(copied);
                    (copied > 0).then(|| PathBuf::from(OsString::from_wide(&buffer)))
                })
                .collect::<Vec<_>>()
        };
        (!paths.is_empty()).then_some(paths)
    }

    /// The virtual files a source announces (FileGroupDescriptorW), if any.
    unsafe fn virtual_files(
        target: &DropTarget,
        data: *mut c_void,
    ) -> Option<Vec<super::VirtualFile>> {
        let medium = unsafe { get_data(data, target.file_group, -1, TYMED_HGLOBAL) }?;
        let bytes = unsafe { global_bytes(&medium) }?;
        parse_file_group_descriptor(&bytes).ok()
    }

    /// The contents of virtual file `index` (FileContents), from an HGLOBAL or an IStream,
    /// read up to one byte over the input limit so the engine can say it is too large.
    unsafe fn virtual_contents(
        target: &DropTarget,
        data: *mut c_void,
        index: usize,
    ) -> Option<Vec<u8>> {
        let index = i32::try_from(index).ok()?;
        let medium = unsafe {
            get_data(
                data,
                target.file_contents,
                index,
                TYMED_ISTREAM | TYMED_HGLOBAL,
            )
        }?;
        let limit = usize::try_from(MAX_INPUT_BYTES + 1).unwrap_or(usize::MAX);
        if medium.0.tymed == TYMED_HGLOBAL as u32 {
            let mut bytes = unsafe { global_bytes(&medium) }?;
            bytes.truncate(limit);
            return Some(bytes);
        }
        if medium.0.tymed != TYMED_ISTREAM as u32 {
            return None;
        }
        // SAFETY: the medium's tymed says IStream; Read fills at most `chunk.len()` bytes.
        let stream = unsafe { medium.0.u.pstm };
        if stream.is_null() {
            return None;
        }
        let vtbl = unsafe { &**stream.cast::<*const StreamVtbl>() };
        let mut bytes = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        while bytes.len() < limit {
            let mut read = 0u32;
            let result = unsafe {
                (vtbl.read)(
                    stream,
                    chunk.as_mut_ptr().cast(),
                    chunk.len() as u32,
                    &mut read,
                )
            };
            if result < 0 {
                return None;
            }
            if read == 0 {
                break;
            }
            bytes.extend_from_slice(chunk.get(..read as usize)?);
        }
        bytes.truncate(limit);
        Some(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FILEGROUPDESCRIPTORW as Outlook writes it: one entry per message.
    fn descriptor(files: &[(&str, Option<u64>)]) -> Vec<u8> {
        let mut bytes = (files.len() as u32).to_le_bytes().to_vec();
        for (name, size) in files {
            let mut item = vec![0u8; DESCRIPTOR_BYTES];
            if let Some(size) = size {
                item[..4].copy_from_slice(&FD_FILESIZE.to_le_bytes());
                item[SIZE_OFFSET..SIZE_OFFSET + 4]
                    .copy_from_slice(&((size >> 32) as u32).to_le_bytes());
                item[SIZE_OFFSET + 4..SIZE_OFFSET + 8]
                    .copy_from_slice(&(*size as u32).to_le_bytes());
            }
            for (i, unit) in name.encode_utf16().enumerate() {
                item[NAME_OFFSET + 2 * i..NAME_OFFSET + 2 * i + 2]
                    .copy_from_slice(&unit.to_le_bytes());
            }
            bytes.extend(item);
        }
        bytes
    }

    #[test]
    fn reads_names_and_sizes_of_outlook_messages() {
        let bytes = descriptor(&[
            ("Undeliverable: Quarterly report.msg", Some(48_128)),
            ("Réunion – ordre du jour.msg", None),
        ]);
        let files = parse_file_group_descriptor(&bytes).expect("well-formed descriptor");
        assert_eq!(
            files,
            vec![
                VirtualFile {
                    name: "Undeliverable: Quarterly report.msg".into(),
                    size: Some(48_128)
                },
                VirtualFile {
                    name: "Réunion – ordre du jour.msg".into(),
                    size: None
                },
            ]
        );
    }

    #[test]
    fn sizes_over_four_gigabytes_combine_both_halves() {
        let bytes = descriptor(&[("big.msg", Some((5 << 32) | 7))]);
        let files = parse_file_group_descriptor(&bytes).expect("well-formed descriptor");
        assert_eq!(files.first().and_then(|f| f.size), Some((5 << 32) | 7));
    }

    #[test]
    fn a_count_beyond_the_bytes_is_refused_before_allocating() {
        let mut bytes = descriptor(&[("one.msg", None)]);
        bytes[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            parse_file_group_descriptor(&bytes),
            Err(DescriptorError::Truncated {
                len: 4 + DESCRIPTOR_BYTES,
                count: u64::from(u32::MAX)
            })
        );
        assert!(parse_file_group_descriptor(&[1, 0]).is_err());
    }

    #[test]
    fn an_empty_group_announces_no_files() {
        assert_eq!(
            parse_file_group_descriptor(&0u32.to_le_bytes()),
            Ok(Vec::new())
        );
    }

    #[test]
    fn a_name_without_terminator_stops_at_max_path() {
        let long = "x".repeat(NAME_UNITS + 40);
        let bytes = descriptor(&[(&long[..NAME_UNITS], None)]);
        let files = parse_file_group_descriptor(&bytes).expect("well-formed descriptor");
        assert_eq!(files.first().map(|f| f.name.len()), Some(NAME_UNITS));
    }
}
