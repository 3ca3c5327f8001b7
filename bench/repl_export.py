"""`\\export csv FILE!` timed inside one `glance repl` session in script mode.

The session runs `\\sql select * from events` once (its rows go to
`\\o /dev/null`), then, `--runs` times, sends `\\export csv FILE!` followed by
`\\conninfo` and times from sending the export to the `\\conninfo` answer:
only the export (which runs the statement again through COPY) and one
trivial command are timed, not start-up, connection or the first run.

Prints JSON: {"times_ms": [ms, …], "bytes": size of the file}.
"""

import argparse
import json
import os
import subprocess
import time

MARK = b"connected to "


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--glance", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--file", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sql", default="select * from events")
    args = parser.parse_args()
    repl = subprocess.Popen(
        [args.glance, "-d", args.url, "repl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )

    def send(line):
        repl.stdin.write(line.encode() + b"\n")
        repl.stdin.flush()

    def wait_mark():
        seen = b""
        while True:
            line = repl.stdout.readline()
            if not line:
                raise SystemExit(f"glance repl ended early; last output: {seen[-400:]!r}")
            seen += line
            if MARK in line:
                return time.monotonic()

    send("\\o /dev/null")
    send(f"\\sql {args.sql}")
    send("\\o")
    send("\\conninfo")
    wait_mark()
    times = []
    for _ in range(args.runs):
        started = time.monotonic()
        send(f"\\export csv {args.file}!")
        send("\\conninfo")
        times.append((wait_mark() - started) * 1000.0)
    send("\\q")
    repl.stdin.close()
    repl.wait(timeout=60)
    print(json.dumps({"times_ms": times, "bytes": os.path.getsize(args.file)}))


if __name__ == "__main__":
    main()
