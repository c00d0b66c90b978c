#!/bin/sh
# Seeds each fuzz target from small real inputs, at run time, into fuzz/seeds/<target>/.
#
# Why a separate, untracked directory: the project carries no third-party data, so the
# samples and the public corpus in ../shared are read from where they are and never land in
# fuzz/corpus/ (libFuzzer writes new inputs only to the FIRST corpus directory it is given;
# the seed directory after it is read, not written). Usage, from the checkout:
#
#     fuzz/seed.sh [SHARED_DIR]      # SHARED_DIR defaults to ../shared
#     cargo +nightly fuzz run message -O fuzz/corpus/message fuzz/seeds/message -- -runs=1000000
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${1:-$root/../shared}
seeds=$here/seeds
fixtures=$root/tests/fixtures

rm -rf "$seeds"
for target in message bounce outlook_msg trace_csv trace_text diagnose_input; do
    mkdir -p "$seeds/$target" "$here/corpus/$target"
done

# Copies files under 64 KiB (the -max_len the runs use) into one target's seed directory.
seed() {
    target=$1
    shift
    for file in "$@"; do
        [ -f "$file" ] || continue
        [ "$(wc -c <"$file")" -le 65536 ] || continue
        cp "$file" "$seeds/$target/$(echo "$file" | tr '/' '_')"
    done
}

# Our own fixtures.
seed message "$fixtures"/headers/*.* "$fixtures"/headers/verdicts/*
seed bounce "$fixtures"/ndr/*.* "$fixtures"/ndr/families/*
seed trace_csv "$fixtures"/trace/*.csv
seed trace_text "$fixtures"/trace/*.txt "$fixtures"/trace/*.json
seed diagnose_input "$fixtures"/headers/*.* "$fixtures"/ndr/*.* "$fixtures"/trace/*

# Real samples, read in place from ../shared.
if [ -d "$shared" ]; then
    samples=$shared/samples/trace
    maildir=$shared/corpus/sisimai/maildir/bsd
    seed message "$samples"/15-*.txt "$maildir"/arf-0*.eml "$maildir"/rfc3834-*.eml
    seed bounce "$samples"/06-*.txt "$maildir"/lhost-office365-*.eml \
        "$maildir"/lhost-exchange*.eml "$maildir"/lhost-outlook-*.eml "$maildir"/rfc3464-*.eml \
        "$maildir"/lhost-postfix-0*.eml "$maildir"/lhost-exim-0*.eml
    seed trace_csv "$samples"/*.csv
    seed trace_text "$samples"/*.txt "$samples"/*.json "$samples"/*.log
    seed diagnose_input "$samples"/* "$maildir"/lhost-office365-*.eml
fi

# Outlook .msg: compound files this script builds (a header, one FAT sector, one directory
# sector and the transport-header stream), so the fuzzer starts past the signature checks.
python3 - "$seeds/outlook_msg" <<'EOF'
import os, struct, sys

SECT, END, FREE, FATSECT = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD


def entry(name, kind, right, child, start, size):
    raw = name.encode("utf-16-le") + b"\0\0"
    out = raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, FREE, right, child)
    return out + b"\0" * 36 + struct.pack("<IQ", start, size)


def compound(streams):
    streams = sorted(streams, key=lambda s: (len(s[0]), s[0].upper()))
    fat, body, starts, sector = [FATSECT, END], b"", [], 2
    for _, data in streams:
        count = (len(data) + SECT - 1) // SECT
        starts.append(sector)
        fat += [sector + k + 1 for k in range(count - 1)] + [END]
        body += data.ljust(count * SECT, b"\0")
        sector += count
    entries = [entry("Root Entry", 5, FREE, 1 if streams else FREE, END, 0)]
    for i, (name, data) in enumerate(streams):
        right = i + 2 if i + 1 < len(streams) else FREE
        entries.append(entry(name, 2, right, FREE, starts[i], len(data)))
    while len(entries) % 4:
        entries.append(b"\0" * 64 + struct.pack("<HBBIII", 0, 0, 0, FREE, FREE, FREE) + b"\0" * 48)
    head = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16
    head += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    head += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
    head += struct.pack("<I", 0) + struct.pack("<I", FREE) * 108
    fat_sector = b"".join(struct.pack("<I", x) for x in fat).ljust(SECT, b"\xff")
    return head + fat_sector + b"".join(entries) + body


def utf16(text):
    return text.encode("utf-16-le").ljust(4096, b"\0")


headers = ("Received: from mail.contoso.example ([192.0.2.7]) by mx.fabrikam.example; "
           "Thu, 3 Dec 2026 09:00:00 +0000\r\nFrom: a@contoso.example\r\nTo: b@fabrikam.example\r\n"
           "Subject: Quarterly numbers\r\nMessage-ID: <seed@contoso.example>\r\n")
props = ("__properties_version1.0", b"\0" * 4096)
seeds = {
    "headers.msg": [props, ("__substg1.0_007D001F", utf16(headers))],
    "report.msg": [props, ("__substg1.0_001A001F", utf16("REPORT.IPM.Note.NDR")),
                   ("__substg1.0_0037001F", utf16("Undeliverable: Quarterly numbers")),
                   ("__substg1.0_1000001F", utf16("550 5.1.10 RESOLVER.ADR.RecipientNotFound"))],
    "empty.msg": [props],
}
for name, streams in seeds.items():
    with open(os.path.join(sys.argv[1], name), "wb") as f:
        f.write(compound(streams))
EOF

for target in "$seeds"/*; do
    echo "$(basename "$target"): $(ls "$target" | wc -l) seeds"
done
