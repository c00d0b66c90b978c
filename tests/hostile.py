#!/usr/bin/env python3
"""Every hostile input through every report format, with and without --redact.

Generates ../shared/badinput/gen/gen_hostile.py's output and gen_badinput.py --big into a
temporary folder (about 1 GB, removed at the end), then runs `mailflow diagnose` twice per
file: once plain and once with --redact, each run writing all four formats (--bundle holds
the HTML, JSON and Markdown reports, --output the text one). A run fails the script when it
exits other than 0 (diagnosed) or 2 (refused with one stderr line), takes over 10 s, or
peaks over 1 GB of memory.

usage: tests/hostile.py MAILFLOW_BINARY [--only SUBSTRING]
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

import forked

TIME_LIMIT_S = 10.0
PEAK_LIMIT_KB = 1024 * 1024
HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "..", "..", "shared", "badinput", "gen")


def run(binary, path, redact, out_dir):
    """One run; returns a failure message or None, and the figures."""
    bundle = os.path.join(out_dir, "case.zip")
    text = os.path.join(out_dir, "report.txt")
    args = [binary, "diagnose", "--format", "text", "--output", text, "--bundle", bundle]
    if redact:
        args.append("--redact")
    args.append(path)
    start = time.monotonic()
    child = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    timed_out = False
    try:
        stdout, stderr = child.communicate(timeout=TIME_LIMIT_S * 3)
    except subprocess.TimeoutExpired:
        child.kill()
        stdout, stderr = child.communicate()
        timed_out = True
    elapsed = time.monotonic() - start
    # communicate() reaped the child; its peak is the children's maximum so far, which
    # run() keeps per file by running each in a fresh fork below.
    for name in ("case.zip", "report.txt"):
        p = os.path.join(out_dir, name)
        if os.path.exists(p):
            os.remove(p)
    leftovers = [n for n in os.listdir(out_dir) if n.endswith(".tmp")]
    # A run killed for taking too long cannot clean up; its files must not be blamed on
    # the next input.
    for name in leftovers:
        os.remove(os.path.join(out_dir, name))
    code = child.returncode
    problem = None
    if timed_out or elapsed > TIME_LIMIT_S:
        problem = "took %.1f s" % elapsed
    elif code not in (0, 2):
        problem = "exit %s: %s" % (code, stderr.decode("utf-8", "replace")[-300:])
    elif code == 2 and len(stderr.decode("utf-8", "replace").strip().splitlines()) != 1:
        problem = "refused without one stderr line: %r" % stderr[:300]
    elif code == 0 and stdout.strip() != bundle.encode():
        problem = "stdout is not the bundle path: %r" % stdout[:200]
    elif leftovers:
        problem = "left temporary files %s" % leftovers
    return problem, code, elapsed


def measured(binary, path, redact, out_dir):
    """run() in a forked child, so the peak memory read after it is this run's alone."""
    (problem, code, elapsed), peak = forked.in_child(lambda: run(binary, path, redact, out_dir))
    return problem, code, elapsed, peak


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    only = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--only" else None
    work = tempfile.mkdtemp(prefix="mailflow-hostile-")
    try:
        inputs = os.path.join(work, "in")
        out_dir = os.path.join(work, "out")
        os.makedirs(out_dir)
        subprocess.run([sys.executable, os.path.join(GEN, "gen_hostile.py"), inputs],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, os.path.join(GEN, "gen_badinput.py"), "--big",
                        "--out", inputs], check=True, stdout=subprocess.DEVNULL)
        files = sorted(n for n in os.listdir(inputs)
                       if not n.endswith((".tsv", ".md")) and (only is None or only in n))
        failures = []
        slowest = (0.0, "")
        peak = (0, "")
        counts = {0: 0, 2: 0}
        for name in files:
            path = os.path.join(inputs, name)
            for redact in (False, True):
                problem, code, elapsed, kb = measured(binary, path, redact, out_dir)
                label = "%s%s" % (name.encode("unicode_escape").decode(),
                                  " --redact" if redact else "")
                counts[code] = counts.get(code, 0) + 1
                slowest = max(slowest, (elapsed, label))
                peak = max(peak, (kb, label))
                if kb > PEAK_LIMIT_KB:
                    problem = (problem + "; " if problem else "") + "peak %d MB" % (kb // 1024)
                if problem:
                    failures.append("%s: %s" % (label, problem))
                    print("FAIL", label, problem, flush=True)
        print("%d files, %d runs: %d diagnosed, %d refused; slowest %.1f s (%s); peak %d MB (%s)"
              % (len(files), 2 * len(files), counts.get(0, 0), counts.get(2, 0),
                 slowest[0], slowest[1], peak[0] // 1024, peak[1]))
        if failures:
            print("%d failures" % len(failures))
            sys.exit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
