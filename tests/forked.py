"""Runs a function in a forked child and returns its JSON-able result with the child's
peak memory: the children's maximum resident size read inside the child, after its own
children ended, is that run's alone (in the parent it is the maximum over every run so
far). Shared by tests/hostile.py and tests/peak_ratio.py."""

import json
import os
import resource


def in_child(work):
    """(work(), peak KB of the processes work() started and waited for)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        result = work()
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        os.write(write, json.dumps([result, peak]).encode())
        os._exit(0)
    os.close(write)
    data = b""
    while True:
        chunk = os.read(read, 65536)
        if not chunk:
            break
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    result, peak = json.loads(data.decode())
    return result, peak
