#!/bin/sh
# Whole-process benchmarks of the release binary against peers, in one run, printed as the
# Markdown table of the README's Performance section. What counts is each ratio: both
# sides run on the same machine in the same minutes (hyperfine alternates the commands of a
# group round by round), so a machine shared with other builds slows both alike.
#
#   benches/cli.sh                 # builds nothing: run `cargo build --release` (and
#                                  # `--example bare_window`) first
#   MAILFLOW=path/to/mailflow BARE=path/to/bare_window MAILAUTH=path/to/mailauth benches/cli.sh
#
# Needs: hyperfine, python3, GNU time (/usr/bin/time), node with mailauth 4.13.3
# (`npm install -g mailauth@4.13.3`), and for the window Xvfb, xev and stdbuf. Missing
# peers are reported as such; their rows are left out.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
target=${CARGO_TARGET_DIR:-$root/target}
mailflow=${MAILFLOW:-$target/release/mailflow}
bare=${BARE:-$target/release/examples/bare_window}
mailauth=${MAILAUTH:-$(command -v mailauth || true)}
rounds=${ROUNDS:-3}
shared=${SHARED:-$root/../shared}

[ -x "$mailflow" ] || { echo "no release binary at $mailflow" >&2; exit 2; }
work=$(mktemp -d)
xvfb_pid=
cleanup() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

python3 "$here/gen_inputs.py" "$work/in"
printf '{}\n' > "$work/empty-dns-cache.json"
# Exchange Online messages: the authored ones of the shared corpus.
messages=$(ls "$shared"/corpus/authored/exo-*.eml)
count=$(echo "$messages" | wc -l)
exo_one=$(echo "$messages" | head -n 1)
# shellcheck disable=SC2086
list=$(echo $messages)

# hyperfine ROUNDS times over a group; every run's time is kept (JSON per round).
group() {
    name=$1
    shift
    i=1
    while [ "$i" -le "$rounds" ]; do
        hyperfine --style none --export-json "$work/$name.$i.json" "$@" > /dev/null
        i=$((i + 1))
    done
}

group startup -N -i --warmup 5 --runs 40 \
    -n version "$mailflow --version" \
    -n unknown "$mailflow diagnose $work/in/unknown-12.bin" \
    -n exo "$mailflow diagnose $exo_one"

if [ -n "$mailauth" ]; then
    group messages --warmup 1 --runs 4 \
        -n mailflow "for f in $list; do $mailflow diagnose \$f > /dev/null; done" \
        -n mailauth "for f in $list; do $mailauth report --dns-cache $work/empty-dns-cache.json \$f > /dev/null; done"
fi

count_rows="python3 -c \"import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline='', encoding='utf-8-sig'))))\""
group traces -N --warmup 1 --runs 3 \
    -n csv100k "$mailflow diagnose $work/in/v2-100k.csv" \
    -n python100k "$count_rows $work/in/v2-100k.csv" \
    -n csv300k "$mailflow diagnose $work/in/v2-300k.csv" \
    -n utf16 "$mailflow diagnose $work/in/extended-100k-utf16.csv"

peak() { /usr/bin/time -f %M "$@" 2>&1 > /dev/null | tail -n 1; }
{
    echo "csv100k $(peak "$mailflow" diagnose "$work/in/v2-100k.csv") $(stat -c %s "$work/in/v2-100k.csv")"
    echo "csv300k $(peak "$mailflow" diagnose "$work/in/v2-300k.csv") $(stat -c %s "$work/in/v2-300k.csv")"
    echo "utf16 $(peak "$mailflow" diagnose "$work/in/extended-100k-utf16.csv") $(stat -c %s "$work/in/extended-100k-utf16.csv")"
    echo "eml150 $(peak "$mailflow" diagnose "$work/in/message-150mb.eml") $(stat -c %s "$work/in/message-150mb.eml")"
} > "$work/peaks.txt"

: > "$work/frames.txt"
if [ -x "$bare" ] && command -v Xvfb > /dev/null && command -v xev > /dev/null; then
    display=:$((90 + $$ % 9))
    Xvfb "$display" -screen 0 1920x1080x24 -nolisten tcp > /dev/null 2>&1 &
    xvfb_pid=$!
    sleep 1
    # A fresh home: no remembered window or case of an earlier run.
    mkdir -p "$work/home"
    HOME=$work/home DISPLAY=$display python3 "$here/first_frame.py" "$((rounds * 3))" \
        "mailflow=$mailflow" "bare=$bare" > "$work/frames.txt"
fi

python3 - "$work" "$rounds" "$count" <<'EOF'
import json, statistics, sys, platform, datetime, os
work, rounds, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def times(group):
    out = {}
    for i in range(1, rounds + 1):
        path = os.path.join(work, "%s.%d.json" % (group, i))
        if not os.path.exists(path):
            continue
        for result in json.load(open(path))["results"]:
            out.setdefault(result["command"], []).extend(result["times"])
    return {k: statistics.median(v) for k, v in out.items()}

def ms(s):
    return "%.1f ms" % (s * 1000) if s < 1 else "%.2f s" % s

rows = []
def row(what, mine, peer, ratio, target, met):
    rows.append("| %s | %s | %s | %s | %s | %s |" % (what, mine, peer, ratio, target, "yes" if met else "**no**"))

s = times("startup")
row("`mailflow --version`", ms(s["version"]), "", "1×", "", True)
row("`diagnose` of a 12-byte unknown file (exit 2)", ms(s["unknown"]), "`--version`", "%.2f×" % (s["unknown"] / s["version"]), "≤ 2×", s["unknown"] <= 2 * s["version"])
row("`diagnose` of an Exchange Online message", ms(s["exo"]), "`--version`", "%.2f×" % (s["exo"] / s["version"]), "≤ 2.5×", s["exo"] <= 2.5 * s["version"])
m = times("messages")
if m:
    mine, peer = m["mailflow"] / count, m["mailauth"] / count
    row("per Exchange Online message (%d, one process each)" % count, ms(mine), "mailauth report: " + ms(peer), "%.0f× faster" % (peer / mine), "≥ 100× faster", peer / mine >= 100)
t = times("traces")
row("100 000-row V2 CSV", ms(t["csv100k"]), "Python csv.reader count: " + ms(t["python100k"]), "%.2f×" % (t["csv100k"] / t["python100k"]), "< 1×", t["csv100k"] < t["python100k"])
row("300 000-row V2 CSV", ms(t["csv300k"]), "the 100 000 rows", "%.2f×" % (t["csv300k"] / t["csv100k"]), "≤ 3.1×", t["csv300k"] <= 3.1 * t["csv100k"])
row("100 000-event UTF-16 LE extended report", ms(t["utf16"]), "the V2 CSV, per row", "%.2f×" % (t["utf16"] / t["csv100k"]), "≤ 1.5×", t["utf16"] <= 1.5 * t["csv100k"])
targets = {"csv100k": ("peak memory, 100 000-row V2 CSV", 1.5), "csv300k": ("peak memory, 300 000-row V2 CSV", None),
           "utf16": ("peak memory, UTF-16 report", None), "eml150": ("peak memory, 150 MB .eml", 1.2)}
for line in open(os.path.join(work, "peaks.txt")):
    name, kb, size = line.split()
    peak, size = int(kb) * 1024, int(size)
    what, limit = targets[name]
    row(what, "%.0f MB" % (peak / 1e6), "file: %.0f MB" % (size / 1e6), "%.2f×" % (peak / size),
        "≤ %.1f×" % limit if limit else "", limit is None or peak <= limit * size)
frames = dict((l.split()[0], l.split()[1:]) for l in open(os.path.join(work, "frames.txt")) if l.strip())
if frames.get("mailflow", ["none"])[0] != "none" and frames.get("bare", ["none"])[0] != "none":
    a, b = float(frames["mailflow"][0]), float(frames["bare"][0])
    row("first frame under Xvfb (window mapped)", "%.0f ms" % a, "bare eframe window: %.0f ms" % b, "%.2f×" % (a / b), "≤ 1.3×", a <= 1.3 * b)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
print("Measured %s on %s (%d cores, %s), medians of %d interleaved rounds:\n" % (
    datetime.date.today().isoformat(), cpu, os.cpu_count(), platform.system(), rounds))
print("| what | Mailflow | compared with | ratio | target | met |")
print("|---|---|---|---|---|---|")
print("\n".join(rows))
EOF
