#!/usr/bin/env bash
# Tests the Windows packages under Wine on Debian: builds them with dist/build-windows.sh
# (same environment variables), then runs the .exe from the zip under wine64 and checks that
#   - it is a GUI-subsystem .exe with version information, and the zip holds exe/README/LICENSE;
#   - `--version` prints the version;
#   - every file in ../shared/samples/trace/ and a dozen of ../shared/corpus/ diagnose to the
#     same JSON as the Linux build (MAILFLOW_LINUX_BIN, default: cargo build --bin mailflow);
#   - drive-letter and \\?\ paths, backslashes, spaces and non-ASCII names work in arguments,
#     error lines and --output; output is UTF-8;
#   - a bad input exits 2 with one line on stderr;
#   - the installer runs silently (/S) without admin rights, the installed exe runs, "Open with"
#     is registered without taking the default handler, the uninstaller removes it all;
#   - the wizard's window comes up under Xvfb (screenshot: $out/windows-wizard-wine.png), reads
#     a message dragged as Outlook does (a virtual file, dist/wine/outlookdrag.c), says what to
#     do when that cannot be read, and its settings land under %APPDATA%.
# Wine 8.0 lacks ProcessPrng (bcryptprimitives.dll), which Rust's standard library imports:
# a shim built here from dist/wine/processprng.c goes into the throw-away Wine prefix's
# system32, never next to the packaged files.
# Needs: wine64, xvfb, x11-utils, mingw-w64, nsis, python3 (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
shared=${MAILFLOW_SHARED:-$root/../shared}
out=${MAILFLOW_WIN_OUT:-dist/out}

WINE=$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)
WINESERVER=$(command -v wineserver || echo /usr/lib/wine/wineserver64)
for tool in "$WINE" "$WINESERVER" Xvfb xwininfo x86_64-w64-mingw32-gcc python3; do
  command -v "$tool" >/dev/null || {
    echo "test-windows: $tool not found (Debian: apt-get install wine64 xvfb x11-utils mingw-w64)" >&2
    exit 1
  }
done
[ -d "$shared/samples/trace" ] || { echo "test-windows: $shared/samples/trace not found" >&2; exit 1; }

fail=0
pass() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

dist/build-windows.sh
version=$(cargo metadata --no-deps --format-version 1 \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["packages"][0]["version"])')
zip="$out/mailflow-$version-windows-x86_64.zip"
setup="$out/mailflow-$version-windows-x86_64-setup.exe"

linux=${MAILFLOW_LINUX_BIN:-}
if [ -z "$linux" ]; then
  cargo build --locked --bin mailflow
  linux="${CARGO_TARGET_DIR:-target}/debug/mailflow"
fi

scratch=$(mktemp -d /tmp/mailflow-wine.XXXXXX)
xvfb_pid=""
gui_pid=""
cleanup() {
  [ -n "$gui_pid" ] && kill "$gui_pid" 2>/dev/null || true
  WINEPREFIX="$scratch/prefix" "$WINESERVER" -k 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# --- the packages -------------------------------------------------------------------------
python3 - "$zip" "$scratch/app" "mailflow-$version" <<'PY' && pass "zip holds exactly mailflow.exe, README.md, LICENSE" || bad "zip contents"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = sorted(z.namelist())
top = sys.argv[3]
assert names == [f"{top}/LICENSE", f"{top}/README.md", f"{top}/mailflow.exe"], names
z.extractall(sys.argv[2])
PY
app="$scratch/app/mailflow-$version"
exe="$app/mailflow.exe"
x86_64-w64-mingw32-objdump -p "$exe" | grep -c 'Subsystem.*Windows GUI' >/dev/null \
  && pass "GUI-subsystem exe (no console window from Explorer)" || bad "subsystem"
strings -el "$exe" | grep -cx "$version" >/dev/null && strings -el "$exe" | grep -cx "Mailflow" >/dev/null \
  && pass "version information embedded" || bad "version resource"
x86_64-w64-mingw32-objdump -h "$exe" | grep -c '\.rsrc' >/dev/null && pass "resources (icon, manifest) embedded" || bad ".rsrc"
[ -s "$setup" ] && pass "installer $(basename "$setup")" || bad "installer missing"

# --- a throw-away Wine prefix with the ProcessPrng shim -----------------------------------
export WINEPREFIX="$scratch/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
unset DISPLAY
"$WINE" wineboot -i >/dev/null 2>&1 || true
"$WINESERVER" -w
x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  dist/wine/processprng.c dist/wine/bcryptprimitives.def -lbcrypt
win() { "$WINE" "$@"; }
winpath() { "$WINE" winepath -w "$1" 2>/dev/null | tr -d '\r'; }

v=$(win "$exe" --version | tr -d '\r')
[ "$v" = "mailflow $version" ] && pass "--version: $v" || bad "--version printed '$v'"

# --- the same JSON as the Linux build -----------------------------------------------------
inputs=()
for f in "$shared"/samples/trace/*; do
  case "$(basename "$f")" in README*|SHA256SUMS) continue ;; esac
  inputs+=("$f")
done
mapfile -t corpus < <(find "$shared/corpus" -type f -name '*.eml' | LC_ALL=C sort)
step=$(( ${#corpus[@]} / 12 )); [ "$step" -ge 1 ] || step=1
for ((i = 0, n = 0; i < ${#corpus[@]} && n < 12; i += step, n++)); do inputs+=("${corpus[$i]}"); done
same=0
for f in "${inputs[@]}"; do
  rel=$(realpath --relative-to="$root" "$f")
  "$linux" diagnose "$rel" >"$scratch/linux.json" 2>"$scratch/linux.err" || true
  win "$exe" diagnose "$rel" >"$scratch/win.json" 2>"$scratch/win.err" || true
  if cmp -s "$scratch/linux.json" "$scratch/win.json" && cmp -s "$scratch/linux.err" "$scratch/win.err"; then
    same=$((same + 1))
  else
    bad "$rel: the Windows JSON differs from Linux's"
    diff <(head -c 3000 "$scratch/linux.json") <(head -c 3000 "$scratch/win.json") | head -20 || true
  fi
done
[ "$same" -eq "${#inputs[@]}" ] && pass "$same inputs: same JSON as the Linux build"

# --- Windows paths: drive letters, backslashes, spaces, non-ASCII, \\?\ -------------------
mkdir -p "$scratch/Case files ü/out dir"
sample=$(ls "$shared"/samples/trace/06-* | head -1)
cp "$sample" "$scratch/Case files ü/Zustellbericht ✉ 06.txt"
# Expected: the same .exe given the plain relative path (the Linux comparison is above).
win "$exe" diagnose "$(realpath --relative-to="$root" "$scratch/Case files ü/Zustellbericht ✉ 06.txt")" >"$scratch/expected.json"
wsample=$(winpath "$scratch/Case files ü/Zustellbericht ✉ 06.txt")
case "$wsample" in [A-Z]:\\*) ;; *) bad "winepath gave '$wsample'" ;; esac
win "$exe" diagnose "$wsample" >"$scratch/win.json" \
  && cmp -s "$scratch/expected.json" "$scratch/win.json" \
  && pass "drive-letter path with spaces and non-ASCII name: $wsample" || bad "path $wsample"
wout="$(winpath "$scratch/Case files ü/out dir")\\report ü.json"
win "$exe" diagnose --output "$wout" "$wsample" >/dev/null \
  && cmp -s "$scratch/expected.json" "$scratch/Case files ü/out dir/report ü.json" \
  && pass "--output $wout" || bad "--output $wout"
win "$exe" diagnose -o "\\\\?\\$(winpath "$scratch/Case files ü/out dir")\\verbatim.json" "$wsample" >/dev/null \
  && cmp -s "$scratch/expected.json" "$scratch/Case files ü/out dir/verbatim.json" \
  && pass "--output with a \\\\?\\ path" || bad "--output \\\\?\\ path"

# --- a bad input: exit 2, one line naming the file ----------------------------------------
printf '\x00\x01\x02 not a message \xff\xfe' >"$scratch/Case files ü/bad input.bin"
wbad=$(winpath "$scratch/Case files ü/bad input.bin")
set +e
win "$exe" diagnose "$wbad" >"$scratch/bad.out" 2>"$scratch/bad.err"; code=$?
set -e
lines=$(wc -l <"$scratch/bad.err")
if [ "$code" -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF "bad input.bin" "$scratch/bad.err" && [ ! -s "$scratch/bad.out" ]; then
  pass "bad input: exit 2, one line: $(tr -d '\r' <"$scratch/bad.err")"
else
  bad "bad input: exit $code, $lines lines: $(cat "$scratch/bad.err")"
fi
set +e
win "$exe" diagnose 'Q:\no such folder\missing message.eml' >/dev/null 2>"$scratch/missing.err"; code=$?
set -e
[ "$code" -eq 2 ] && [ "$(wc -l <"$scratch/missing.err")" -eq 1 ] && grep -qF 'Q:\no such folder\missing message.eml' "$scratch/missing.err" \
  && pass "missing file: exit 2, the Windows path in the error line" || bad "missing file: exit $code: $(cat "$scratch/missing.err")"

# --- the installer: per-user, silent, "Open with", uninstaller -----------------------------
win "$setup" /S; "$WINESERVER" -w
installed=$(find "$WINEPREFIX/drive_c/users" -path '*/AppData/Local/Programs/Mailflow/mailflow.exe' | head -1)
if [ -n "$installed" ]; then
  pass "installed per-user: ${installed#"$WINEPREFIX/drive_c/"}"
  v=$(win "$installed" --version | tr -d '\r')
  [ "$v" = "mailflow $version" ] && pass "installed exe runs: $v" || bad "installed exe printed '$v'"
else
  bad "installer /S did not install into %LOCALAPPDATA%\\Programs\\Mailflow"
fi
find "$WINEPREFIX/drive_c/users" -name 'Mailflow.lnk' | grep -c 'Start Menu' >/dev/null && pass "Start-menu entry" || bad "no Start-menu entry"
win reg query 'HKCU\Software\Classes\.eml\OpenWithProgids' 2>/dev/null | grep -c 'Mailflow.eml' >/dev/null \
  && win reg query 'HKCU\Software\Classes\.msg\OpenWithProgids' 2>/dev/null | grep -c 'Mailflow.msg' >/dev/null \
  && pass '"Open with" for .eml and .msg' || bad '"Open with" not registered'
if win reg query 'HKCU\Software\Classes\.eml' /ve 2>/dev/null | grep -ci 'Mailflow' >/dev/null; then
  bad "the installer took over .eml's default handler"
else
  pass ".eml's default handler left alone"
fi
win reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Mailflow' 2>/dev/null | grep -c UninstallString >/dev/null \
  && pass "listed in Apps & features" || bad "no uninstall entry"
if [ -n "$installed" ]; then
  win "$(dirname "$installed")/uninstall.exe" /S; "$WINESERVER" -w
  sleep 1; "$WINESERVER" -w
  if [ ! -e "$(dirname "$installed")" ] && ! find "$WINEPREFIX/drive_c/users" -name 'Mailflow.lnk' | grep -c . >/dev/null \
    && ! win reg query 'HKCU\Software\Classes\Mailflow.eml' >/dev/null 2>&1 \
    && ! win reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Mailflow' >/dev/null 2>&1; then
    pass "uninstaller removed the program, shortcut and registry entries"
  else
    bad "uninstaller left things behind"
  fi
fi

# --- the wizard under Xvfb ----------------------------------------------------------------
display=""
for n in $(seq 91 120); do
  [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || { display=$n; break; }
done
mkdir -p "$scratch/fb"
Xvfb ":$display" -screen 0 1400x900x24 -fbdir "$scratch/fb" -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
sleep 2
export DISPLAY=":$display"
win "$exe" >"$scratch/gui.out" 2>&1 &
gui_pid=$!
geometry=""
for _ in $(seq 1 90); do
  geometry=$(xwininfo -root -tree 2>/dev/null | grep -m1 '"Mailflow"' || true)
  [ -n "$geometry" ] && break
  sleep 1
done
if [ -n "$geometry" ]; then
  sleep 8  # first frames: fonts, GL
  read -r w h x y < <(echo "$geometry" | sed -E 's/.* ([0-9]+)x([0-9]+)\+-?[0-9]+\+-?[0-9]+ +\+(-?[0-9]+)\+(-?[0-9]+).*/\1 \2 \3 \4/')
  shot="$out/windows-wizard-wine.png"
  if python3 dist/wine/xwd2png.py "$scratch/fb/Xvfb_screen0" "$shot" "$x" "$y" "$w" "$h"; then
    pass "the wizard's window is up (${w}x${h}); screenshot $shot"
  else
    bad "the wizard's window is blank (screenshot $shot)"
  fi
  # A message dragged the way classic Outlook does it: a virtual file, no path.
  x86_64-w64-mingw32-gcc -O2 -municode -o "$scratch/outlookdrag.exe" dist/wine/outlookdrag.c \
    -lole32 -luuid -lshell32 -loleaut32
  eml=$(winpath "$(ls "$shared"/samples/trace/15-* | head -1)")
  effect=$(win "$scratch/outlookdrag.exe" "$eml" 2>&1 | tr -d '\r' || true)
  [ "$effect" = "copy" ] && pass "an Outlook virtual-file drop is read (drop effect: copy)" \
    || bad "Outlook virtual-file drop: drop effect '$effect'"
  sleep 3
  # A failing drag tool is reported by the check below, not by `set -e`.
  effect=$(win "$scratch/outlookdrag.exe" "$eml" --unreadable 2>&1 | tr -d '\r' || true)
  sleep 3
  notice="$out/windows-outlook-drop-wine.png"
  python3 dist/wine/xwd2png.py "$scratch/fb/Xvfb_screen0" "$notice" >/dev/null || true
  [ "$effect" = "none" ] && pass "an unreadable Outlook drop is refused with a notice (screenshot $notice)" \
    || bad "unreadable Outlook drop: drop effect '$effect'"
  win taskkill /IM mailflow.exe >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do kill -0 "$gui_pid" 2>/dev/null || break; sleep 1; done
  kill "$gui_pid" 2>/dev/null || true
  gui_pid=""
  find "$WINEPREFIX/drive_c/users" -ipath '*/AppData/Roaming/mailflow/*' -type f | grep -c . >/dev/null \
    && pass "settings saved under %APPDATA%\\mailflow" || bad "no settings under %APPDATA%\\mailflow"
else
  bad "no Mailflow window within 90 s: $(head -c 2000 "$scratch/gui.out")"
fi

echo
if [ "$fail" -eq 0 ]; then echo "test-windows: all checks passed"; else echo "test-windows: FAILED"; exit 1; fi
