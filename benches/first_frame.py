#!/usr/bin/env python3
"""Time to first frame of GUI programs under an X server (Xvfb), interleaved.

eframe keeps its window hidden until the first frame is painted and maps it right after
(egui PR 2279), so the root window's MapNotify event marks the first frame. `xev` watches
the root; each program is started, timed to that event and killed.

Usage: first_frame.py ROUNDS NAME=COMMAND...   (DISPLAY must name a running X server)
Prints one line per program: name, median ms, min ms.
"""

import shlex
import signal
import statistics
import subprocess
import sys
import time


def first_frame(command):
    watcher = subprocess.Popen(
        ["stdbuf", "-oL", "xev", "-root", "-event", "substructure"],
        stdout=subprocess.PIPE, text=True)
    time.sleep(0.2)  # xev selects its events before the program starts
    start = time.monotonic()
    program = subprocess.Popen(shlex.split(command), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    elapsed = None
    for line in watcher.stdout:
        if line.startswith("MapNotify"):
            elapsed = time.monotonic() - start
            break
    program.send_signal(signal.SIGTERM)
    try:
        program.wait(timeout=5)
    except subprocess.TimeoutExpired:
        program.kill()
        program.wait()
    watcher.kill()
    watcher.wait()
    return elapsed


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rounds = int(sys.argv[1])
    programs = [arg.split("=", 1) for arg in sys.argv[2:]]
    times = {name: [] for name, _ in programs}
    for _ in range(rounds):
        for name, command in programs:
            elapsed = first_frame(command)
            if elapsed is not None:
                times[name].append(elapsed * 1000)
            time.sleep(0.3)
    for name, _ in programs:
        if times[name]:
            print("%s %.1f %.1f" % (name, statistics.median(times[name]), min(times[name])))
        else:
            print("%s none none" % name)


if __name__ == "__main__":
    main()
