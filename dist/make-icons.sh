#!/usr/bin/env bash
# Renders assets/icon.svg to the PNG sizes desktops and the window icon use
# (assets/icons/mailflow-<size>.png), then packs the Windows .ico from them
# (dist/windows/mailflow.ico). Needs rsvg-convert (Debian: librsvg2-bin) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p assets/icons
for size in 16 32 48 64 128 256 512; do
  rsvg-convert --width "$size" --height "$size" assets/icon.svg -o "assets/icons/mailflow-$size.png"
done
ls -l assets/icons
python3 dist/windows/make-ico.py
