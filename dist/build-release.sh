#!/usr/bin/env bash
# Builds the release binary and every package this machine can build, into dist/out/:
#   - mailflow_<version>_<arch>.deb   (cargo-deb; installs binary, desktop entry, icons)
#   - mailflow-<version>-linux-<arch>.tar.gz (binary, README, LICENSE, desktop entry, icons)
# Windows and macOS packages need their own toolchains (see README: Packaging).
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist/out
mkdir -p "$out"

version=$(cargo metadata --no-deps --format-version 1 \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["packages"][0]["version"])')
arch=$(dpkg --print-architecture 2>/dev/null || uname -m)

cargo build --release --locked
strip_size=$(stat -c %s target/release/mailflow)

if ! command -v cargo-deb >/dev/null 2>&1; then
  echo "installing cargo-deb (once)…"
  cargo install cargo-deb --locked
fi
cargo deb --no-build --output "$out/"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
dir="$stage/mailflow-$version"
mkdir -p "$dir/icons"
cp target/release/mailflow README.md LICENSE dist/mailflow.desktop "$dir/"
cp assets/icon.svg assets/icons/*.png "$dir/icons/"
tar -C "$stage" -czf "$out/mailflow-$version-linux-$arch.tar.gz" "mailflow-$version"

if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate dist/mailflow.desktop && echo "desktop entry: valid"
fi

echo
echo "binary: target/release/mailflow ($strip_size bytes)"
echo "packages in $out:"
ls -l "$out" | awk 'NR>1 {print "  " $9 "  " $5 " bytes"}'
