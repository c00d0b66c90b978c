/* Test-only (dist/test-windows.sh, under Wine); NEVER shipped.
 *
 * Drags a message onto the Mailflow window the way classic Outlook does: as a virtual file
 * (FileGroupDescriptorW + FileContents as an IStream), with no path anywhere. Wine's
 * DoDragDrop tracks the cursor by itself, so the cursor is parked on the window and the drop
 * source lets go after a few polls.
 *
 *   outlookdrag.exe MESSAGE-FILE [--unreadable]
 * prints the drop effect Mailflow chose: "copy" when it read the message, "none" otherwise
 * (--unreadable: FileContents fails, as when Outlook cannot export the item). */
#define COBJMACROS
#include <windows.h>
#include <ole2.h>
#include <shlobj.h>
#include <stdio.h>
#include <wchar.h>

static UINT cf_group, cf_contents;
static HGLOBAL message;
static SIZE_T message_size;
static int unreadable;

/* --- IDataObject ------------------------------------------------------------------------ */
static HRESULT WINAPI do_qi(IDataObject *self, REFIID iid, void **out)
{
    if (IsEqualIID(iid, &IID_IUnknown) || IsEqualIID(iid, &IID_IDataObject)) { *out = self; return S_OK; }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG WINAPI do_addref(IDataObject *self) { return 2; }
static ULONG WINAPI do_release(IDataObject *self) { return 1; }
static HRESULT WINAPI do_query(IDataObject *self, FORMATETC *f)
{
    if (f->cfFormat == cf_group && (f->tymed & TYMED_HGLOBAL)) return S_OK;
    if (f->cfFormat == cf_contents && (f->tymed & TYMED_ISTREAM)) return S_OK;
    return DV_E_FORMATETC;
}
static HRESULT WINAPI do_get(IDataObject *self, FORMATETC *f, STGMEDIUM *m)
{
    if (do_query(self, f) != S_OK) return DV_E_FORMATETC;
    memset(m, 0, sizeof *m);
    if (f->cfFormat == cf_group) {
        HGLOBAL h = GlobalAlloc(GMEM_MOVEABLE | GMEM_ZEROINIT, sizeof(FILEGROUPDESCRIPTORW));
        FILEGROUPDESCRIPTORW *g = GlobalLock(h);
        g->cItems = 1;
        g->fgd[0].dwFlags = FD_FILESIZE;
        g->fgd[0].nFileSizeLow = (DWORD)message_size;
        lstrcpyW(g->fgd[0].cFileName, L"Undeliverable: test message.msg");
        GlobalUnlock(h);
        m->tymed = TYMED_HGLOBAL;
        m->hGlobal = h;
        return S_OK;
    }
    if (unreadable || f->lindex != 0) return E_FAIL;
    IStream *stream;
    HGLOBAL copy = GlobalAlloc(GMEM_MOVEABLE, message_size);
    memcpy(GlobalLock(copy), GlobalLock(message), message_size);
    GlobalUnlock(copy);
    GlobalUnlock(message);
    if (CreateStreamOnHGlobal(copy, TRUE, &stream) != S_OK) return E_OUTOFMEMORY;
    m->tymed = TYMED_ISTREAM;
    m->pstm = stream;
    return S_OK;
}
static HRESULT WINAPI do_notimpl() { return E_NOTIMPL; }
static HRESULT WINAPI do_enum(IDataObject *self, DWORD dir, IEnumFORMATETC **out)
{
    FORMATETC formats[2] = {
        { (CLIPFORMAT)cf_group, NULL, DVASPECT_CONTENT, -1, TYMED_HGLOBAL },
        { (CLIPFORMAT)cf_contents, NULL, DVASPECT_CONTENT, 0, TYMED_ISTREAM },
    };
    if (dir != DATADIR_GET) return E_NOTIMPL;
    return SHCreateStdEnumFmtEtc(2, formats, out);
}
static IDataObjectVtbl data_vtbl = {
    do_qi, do_addref, do_release, do_get, (void *)do_notimpl, do_query, (void *)do_notimpl,
    (void *)do_notimpl, do_enum, (void *)do_notimpl, (void *)do_notimpl, (void *)do_notimpl,
};
static IDataObject data = { &data_vtbl };

/* --- IDropSource: let go after a few polls ---------------------------------------------- */
static int polls;
static HRESULT WINAPI ds_qi(IDropSource *self, REFIID iid, void **out)
{
    if (IsEqualIID(iid, &IID_IUnknown) || IsEqualIID(iid, &IID_IDropSource)) { *out = self; return S_OK; }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG WINAPI ds_addref(IDropSource *self) { return 2; }
static ULONG WINAPI ds_release(IDropSource *self) { return 1; }
static HRESULT WINAPI ds_continue(IDropSource *self, BOOL esc, DWORD keys)
{
    return ++polls < 6 ? S_OK : DRAGDROP_S_DROP;
}
static HRESULT WINAPI ds_feedback(IDropSource *self, DWORD effect) { return DRAGDROP_S_USEDEFAULTCURSORS; }
static IDropSourceVtbl source_vtbl = { ds_qi, ds_addref, ds_release, ds_continue, ds_feedback };
static IDropSource source = { &source_vtbl };

/* The wizard's top-level window: titled "Mailflow", or "Mailflow — <subject>" once a
   case is open. */
static BOOL CALLBACK mailflow_window(HWND w, LPARAM found) {
    wchar_t title[256];
    if (GetWindowTextW(w, title, 256) > 0 && wcsncmp(title, L"Mailflow", 8) == 0
        && (title[8] == L'\0' || title[8] == L' ')) {
        *(HWND *)found = w;
        return FALSE;
    }
    return TRUE;
}

int wmain(int argc, wchar_t **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: outlookdrag MESSAGE-FILE [--unreadable]\n"); return 2; }
    unreadable = argc > 2 && !lstrcmpW(argv[2], L"--unreadable");
    HANDLE file = CreateFileW(argv[1], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) { fprintf(stderr, "outlookdrag: cannot open the message\n"); return 2; }
    message_size = GetFileSize(file, NULL);
    message = GlobalAlloc(GMEM_MOVEABLE, message_size);
    DWORD got = 0;
    ReadFile(file, GlobalLock(message), (DWORD)message_size, &got, NULL);
    GlobalUnlock(message);
    CloseHandle(file);

    OleInitialize(NULL);
    cf_group = RegisterClipboardFormatW(L"FileGroupDescriptorW");
    cf_contents = RegisterClipboardFormatW(L"FileContents");
    HWND window = NULL;
    EnumWindows(mailflow_window, (LPARAM)&window);
    if (!window) { fprintf(stderr, "outlookdrag: no Mailflow window\n"); return 2; }
    RECT r;
    GetWindowRect(window, &r);
    SetForegroundWindow(window);
    SetCursorPos((r.left + r.right) / 2, (r.top + r.bottom) / 2);
    DWORD effect = DROPEFFECT_NONE;
    HRESULT hr = DoDragDrop(&data, &source, DROPEFFECT_COPY | DROPEFFECT_MOVE, &effect);
    printf("%s\n", hr == DRAGDROP_S_DROP && effect == DROPEFFECT_COPY ? "copy"
                   : effect == DROPEFFECT_MOVE ? "move" : "none");
    OleUninitialize();
    return 0;
}
