#!/usr/bin/env bash
# Cross-builds Mailflow for 64-bit Windows on Debian and packages it, into dist/out/:
#   - mailflow-<version>-windows-x86_64.zip        (mailflow.exe, README.md, LICENSE)
#   - mailflow-<version>-windows-x86_64-setup.exe  (NSIS, per-user: no admin rights needed)
# The .exe carries its icon, version information and manifest (build.rs, dist/windows/).
#
# Needs: rustup target x86_64-pc-windows-gnu, Debian's mingw-w64 (linker, windres) and nsis
# (makensis); python3 writes the zip. Environment:
#   MAILFLOW_WIN_PROFILE  cargo profile, default `release` (what ships); dist/test-windows.sh
#                         may use `wintest` (no LTO) for a cheaper test-only build
#   MAILFLOW_WIN_OUT      output folder, default dist/out
#   CARGO_TARGET_DIR      as usual (a separate one keeps a shared target dir unlocked)
#   MAILFLOW_WIN_EXE      package this already built mailflow.exe instead of building one
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
profile=${MAILFLOW_WIN_PROFILE:-release}
out=${MAILFLOW_WIN_OUT:-dist/out}
target_dir=${CARGO_TARGET_DIR:-target}

for tool in x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres makensis python3; do
  command -v "$tool" >/dev/null || {
    echo "build-windows: $tool not found (Debian: apt-get install mingw-w64 nsis python3)" >&2
    exit 1
  }
done
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target"
fi

version=$(cargo metadata --no-deps --format-version 1 \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["packages"][0]["version"])')

start=$(date +%s)
if [ -n "${MAILFLOW_WIN_EXE:-}" ]; then
  exe=$MAILFLOW_WIN_EXE
else
  cargo build --locked --profile "$profile" --target "$target" --bin mailflow
  exe="$target_dir/$target/$profile/mailflow.exe"
fi
seconds=$(( $(date +%s) - start ))
[ -f "$exe" ] || { echo "build-windows: $exe was not built" >&2; exit 1; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
dir="$stage/mailflow-$version"
mkdir -p "$dir"
cp "$exe" "$dir/mailflow.exe"
cp README.md LICENSE "$dir/"

zip="$out/mailflow-$version-windows-x86_64.zip"
python3 - "$stage" "mailflow-$version" "$zip.part" <<'PY'
import sys, zipfile
from pathlib import Path
stage, top, dest = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for f in sorted((stage / top).iterdir()):
        z.write(f, f"{top}/{f.name}")
PY
mv "$zip.part" "$zip"

setup="$out/mailflow-$version-windows-x86_64-setup.exe"
makensis -V2 -WX -INPUTCHARSET UTF8 \
  -DVERSION="$version" -DSTAGE="$dir" -DICON="$PWD/dist/windows/mailflow.ico" \
  -DOUTFILE="$setup.part" dist/windows/installer.nsi
mv "$setup.part" "$setup"

echo
echo "cross build ($profile): ${seconds} s"
echo "mailflow.exe: $(stat -c %s "$exe") bytes"
echo "packages in $out:"
for f in "$zip" "$setup"; do echo "  $(basename "$f")  $(stat -c %s "$f") bytes"; done
