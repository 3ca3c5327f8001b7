"""First page in the REPL: time from pressing Enter on `\\sql select * from T`
to the pager's status line, for the 2M-row `events` and the 1,000-row
`events_1k`, each run in a fresh `glance repl` in an 80×24 pseudo-terminal.

Prints JSON: {"events": [ms, …], "events_1k": [ms, …]}.
"""

import argparse
import json
import os
import time

from ptyrun import Pty

STATUS = "-- page 1 of".encode()


def first_page_ms(glance, url, table):
    term = Pty([glance, "-d", url, "repl"], env=dict(os.environ, TERM="xterm"), rows=24, cols=80)
    try:
        term.settle(quiet=0.5)
        term.send(f"\\sql select * from {table}")
        term.settle(quiet=0.2)
        sent = time.monotonic()
        term.send("\r")
        seen = term.wait_for(STATUS)
        term.send("q")
        return (seen - sent) * 1000.0
    finally:
        term.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--glance", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    times = {"events": [], "events_1k": []}
    for _ in range(args.runs):
        for table in times:
            times[table].append(first_page_ms(args.glance, args.url, table))
    print(json.dumps(times))


if __name__ == "__main__":
    main()
