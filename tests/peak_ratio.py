#!/usr/bin/env python3
"""Peak memory of `mailflow diagnose` against the size of its input, for every big input that
is not a message trace (issue 19: at most 3x the input under the 200 MB input limit).

Each input of 10 MB or more runs in every format (json, md, text, html), with and without
--redact, writing to stdout, to --output FILE and to --bundle DIR. The inputs are the big
files of ../shared/badinput/gen (gen_hostile.py, gen_badinput.py --big) and, made here one
at a time and removed after use, a 199 MB input of each family that copies its text: a
header field (one line, folded, a Received name), a body, a pasted header block, bounces
whose report, returned original, base64, quoted-printable or HTML part is huge, and .msg
files with a huge subject.

A run costs the process's fixed memory (code, knowledge tables, the redaction's compiled
expressions) plus what the input adds. The same command on a 1 KB message, run alongside,
measures the fixed part: the script fails when what the input adds exceeds LIMIT (2.5) times
its size, and prints both ratios, worst first. Trace CSVs are left out (their rows are
evidence and stream separately).

usage: tests/peak_ratio.py MAILFLOW_BINARY [--only SUBSTRING] [--quick]
  --quick: json and text only, --output and --bundle only
"""
import base64
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import forked

LIMIT = 2.5
MIN_BYTES = 10 * 1000 * 1000
HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "..", "..", "shared", "badinput", "gen")
NEAR = 190 << 20

RCV = ("Received: from mail.example.com (mail.example.com [203.0.113.5]) by "
       "AM0PR01MB1234.eurprd01.prod.outlook.com with Microsoft SMTP Server; "
       "Fri, 20 Nov 2026 08:15:03 +0000\r\n")
BASE = ("From: Alice Example <alice@example.com>\r\nTo: Bob Example <bob@example.net>\r\n"
        "Date: Fri, 20 Nov 2026 08:15:02 +0000\r\nMessage-ID: <near-{n}@example.com>\r\n"
        "MIME-Version: 1.0\r\n")
NDR_HEAD = (b"Delivery has failed to these recipients or groups:\r\n\r\nbob@example.net\r\n"
            b"Remote server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'\r\n\r\n")
DSN_HEAD = (b"From: MAILER-DAEMON@example.net\r\nTo: alice@example.com\r\n"
            b"Date: Fri, 20 Nov 2026 08:15:02 +0000\r\nMessage-ID: <dsn@example.net>\r\n"
            b"Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
            b"--B\r\nContent-Type: text/plain\r\n\r\nI could not deliver it.\r\n\r\n"
            b"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net"
            b"\r\n\r\nFinal-Recipient: rfc822; bob@example.net\r\nAction: failed\r\nStatus: 5.1.1"
            b"\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
            b"--B\r\nContent-Type: message/rfc822\r\n\r\n")
TINY = (RCV + BASE.replace("{n}", "tiny") + "Subject: tiny\r\n\r\nbody\r\n").encode()


def head(n, subject="near"):
    return (RCV + BASE.replace("{n}", n) + "Subject: " + subject + "\r\n").encode()


def repeat(line, total):
    return line * (total // len(line))


def cfb(streams):
    """A compound file (version 4, 4096-byte sectors) with `streams` at its root."""
    sect, end, free, fatsect = 4096, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    streams = sorted(streams, key=lambda s: (len(s[0]), s[0].upper()))
    counts = [(len(b) + sect - 1) // sect for _, b in streams]
    nfat = 1
    while nfat * (sect // 4) < nfat + 1 + sum(counts):
        nfat += 1
    fat, starts, nxt = [fatsect] * nfat + [end], [], nfat + 1
    for n in counts:
        starts.append(nxt)
        fat += [nxt + k + 1 if k < n - 1 else end for k in range(n)]
        nxt += n
    fat += [free] * (nfat * (sect // 4) - len(fat))

    def entry(name, kind, right, child, start, size):
        n = name.encode("utf-16-le") + b"\0\0"
        return (n.ljust(64, b"\0") + struct.pack("<HBBIII", len(n), kind, 1, free, right, child)
                + b"\0" * 36 + struct.pack("<IQ", start, size))

    entries = [entry("Root Entry", 5, free, 1, end, 0)]
    for i, (name, b) in enumerate(streams):
        entries.append(entry(name, 2, i + 2 if i + 1 < len(streams) else free, free,
                             starts[i], len(b)))
    while len(entries) % 32:
        entries.append(b"\0" * 64 + struct.pack("<HBBIII", 0, 0, 0, free, free, free)
                       + b"\0" * 48)
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 4, 0xFFFE, 12, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, nfat, nfat, 0, 4096, end, 0, end, 0)
              + b"".join(struct.pack("<I", i) for i in range(nfat))
              + struct.pack("<I", free) * (109 - nfat)).ljust(sect, b"\0")
    parts = [header, b"".join(struct.pack("<I", x) for x in fat), b"".join(entries)]
    parts += [b.ljust(n * sect, b"\0") for (_, b), n in zip(streams, counts)]
    return parts


def near_limit():
    """(name, function returning the file's parts) of each 199 MB family."""
    filler = b"The message could not be delivered because of an unspecified issue xx\r\n"
    props = ("__properties_version1.0", b"\0" * 4096)
    return [
        ("subject_190mb.eml", lambda: [head("s", "S" * NEAR), b"\r\nbody\r\n"]),
        ("folded_190mb.eml", lambda: [head("f"), b"X-Folded: a", repeat(b"\r\n b", NEAR),
                                      b"\r\n\r\nbody\r\n"]),
        ("received_from_190mb.eml", lambda: [b"Received: from " + b"a" * NEAR + b" by b.example;"
                                             b" Fri, 20 Nov 2026 08:15:02 +0000\r\n", head("r"),
                                             b"\r\nbody\r\n"]),
        ("body_190mb.eml", lambda: [head("b"), b"Content-Type: text/plain\r\n\r\n",
                                    repeat(b"A" * 76 + b"\r\n", NEAR)]),
        ("headers_paste_190mb.txt", lambda: [b"Received: from a by b; Fri, 20 Nov 2026 08:15:02"
                                             b" +0000\r\nX-Long: ", b"x " * (NEAR // 2), b"\r\n"]),
        ("bounce_subject_190mb.eml", lambda: [head("u", "Undeliverable: " + "U" * NEAR),
                                              b"\r\nbody\r\n"]),
        ("bounce_body_190mb.eml", lambda: [head("nb", "Undeliverable: Angebot"),
                                           b"Content-Type: text/plain\r\n\r\n", NDR_HEAD,
                                           repeat(filler, NEAR)]),
        ("bounce_base64_190mb.eml", lambda: [
            head("n64", "Undeliverable: Angebot"),
            b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n",
            base64.encodebytes(NDR_HEAD + repeat(filler, NEAR * 3 // 4))]),
        ("bounce_qp_190mb.eml", lambda: [
            head("nqp", "Undeliverable: Angebot"),
            b"Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
            NDR_HEAD, repeat(b"not delivered =E2=80=94 an issue in transit x=\r\nx\r\n", NEAR)]),
        ("bounce_html_190mb.eml", lambda: [
            head("nh", "Undeliverable: Angebot"), b"Content-Type: text/html\r\n\r\n<p>",
            NDR_HEAD, b"</p>", repeat(b"<p>not delivered &amp; an issue in transit</p>\r\n", NEAR)]),
        ("dsn_original_190mb.eml", lambda: [RCV.encode(), DSN_HEAD, head("o", "S" * NEAR),
                                            b"\r\nbody\r\n--B--\r\n"]),
        ("dsn_original_body_190mb.eml", lambda: [RCV.encode(), DSN_HEAD, head("ob"), b"\r\n",
                                                 repeat(b"A" * 76 + b"\r\n", NEAR),
                                                 b"--B--\r\n"]),
        ("msg_transport_subject_190mb.msg", lambda: cfb([props, (
            "__substg1.0_007D001F",
            (RCV + BASE + "Subject: " + "S" * (NEAR // 2) + "\r\n").encode("utf-16-le"))])),
        ("msg_draft_subject_190mb.msg", lambda: cfb([props, (
            "__substg1.0_0037001F", ("S" * (NEAR // 2)).encode("utf-16-le"))])),
    ]


def peak_kb(args):
    """Runs `args` in a forked child, so the children's peak read after it is this run's."""
    run = lambda: subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL).returncode
    return forked.in_child(run)


def commands(binary, path, out_dir, quick):
    """Every (label, argv) a file is run with."""
    formats = ("json", "text") if quick else ("json", "md", "text", "html")
    modes = ("output", "bundle") if quick else ("stdout", "output", "bundle")
    for fmt in formats:
        for redact in (False, True):
            for mode in modes:
                args = [binary, "diagnose", "--format", fmt]
                if mode == "output":
                    args += ["--output", os.path.join(out_dir, "report." + fmt)]
                elif mode == "bundle":
                    args += ["--bundle", out_dir]
                if redact:
                    args.append("--redact")
                yield "%-4s %-8s %-6s" % (fmt, "--redact" if redact else "", mode), args + [path]


def measure(binary, path, out_dir, tiny, quick, rows):
    size = os.path.getsize(path)
    name = os.path.basename(path)
    for label, args in commands(binary, path, out_dir, quick):
        code, kb = peak_kb(args)
        _, fixed_kb = peak_kb(args[:-1] + [tiny])
        for leftover in os.listdir(out_dir):
            os.remove(os.path.join(out_dir, leftover))
        added = max(kb - fixed_kb, 0) * 1024 / size
        rows.append((added, kb * 1024 / size, name, label, kb // 1024, fixed_kb // 1024,
                     size / 1e6, code))
        print("%5.2f %5.2f  %-34s %s %5d MB (fixed %3d MB)  input %6.1f MB  exit %d" % rows[-1],
              file=sys.stderr, flush=True)


def write(name, path):
    """Writes the near-limit input `name` to `path`."""
    parts = dict(near_limit())[name]
    with open(path, "wb") as f:
        for part in parts():
            f.write(part)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--write":
        write(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    quick = "--quick" in sys.argv
    work = tempfile.mkdtemp(prefix="mailflow-peak-")
    rows = []
    try:
        inputs = os.path.join(work, "in")
        out_dir = os.path.join(work, "out")
        os.makedirs(out_dir)
        tiny = os.path.join(work, "tiny.eml")
        with open(tiny, "wb") as f:
            f.write(TINY)
        subprocess.run([sys.executable, os.path.join(GEN, "gen_hostile.py"), inputs],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, os.path.join(GEN, "gen_badinput.py"), "--big",
                        "--out", inputs], check=True, stdout=subprocess.DEVNULL)
        for name in sorted(os.listdir(inputs)):
            path = os.path.join(inputs, name)
            if (os.path.getsize(path) >= MIN_BYTES and "trace" not in name
                    and not name.endswith((".csv", ".tsv", ".md"))
                    and (only is None or only in name)):
                measure(binary, path, out_dir, tiny, quick, rows)
            os.remove(path)
        for name, _ in near_limit():
            if only is not None and only not in name:
                continue
            path = os.path.join(inputs, name)
            # Written by a child: a parent grown by 200 MB of parts would lend its size to
            # every run it forks (a fork's resident size counts until it execs).
            subprocess.run([sys.executable, os.path.abspath(__file__), "--write", name, path],
                           check=True)
            measure(binary, path, out_dir, tiny, quick, rows)
            os.remove(path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows.sort(reverse=True)
    print("added  whole  input                              format mode        peak")
    for row in rows:
        print("%5.2f %5.2f  %-34s %s %5d MB (fixed %3d MB)  input %6.1f MB  exit %d" % row)
    over = [r for r in rows if r[0] > LIMIT]
    if over:
        print("%d runs add more than %.1fx their input" % (len(over), LIMIT))
        sys.exit(1)
    print("%d runs, none adds more than %.1fx its input" % (len(rows), LIMIT))


if __name__ == "__main__":
    main()
