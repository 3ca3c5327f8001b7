"""The pager's memory: `glance repl` in an 80×24 pseudo-terminal under
`/usr/bin/time -v`, running `\\sql select * from TABLE`, pressing `G` to page
to the last row, then `q`, then ending the session. One run.

Prints JSON: {"peak_kib": maximum RSS of the whole session (from time -v),
"at_last_page_kib": VmRSS while the last page is shown, "after_q_kib": VmRSS
back at the prompt, "last_page_s": seconds from `G` to the last page,
"pages": the page count}.
"""

import argparse
import json
import os
import re
import select
import tempfile
import time

from ptyrun import Pty

LAST = re.compile(rb"-- page (\d+) of (\d+) \xc2\xb7")
PROMPT = b"=> "


def wait_regex(term, pattern, done, timeout=600.0):
    """Reads until `pattern` matches with `done(match)`; returns the match."""
    deadline = time.monotonic() + timeout
    while True:
        for match in pattern.finditer(term.seen):
            if done(match):
                term.seen = term.seen[match.end():]
                return match
        left = deadline - time.monotonic()
        if b"ERROR:" in term.seen:
            raise RuntimeError(f"glance failed: {term.seen[-400:]!r}")
        if left <= 0:
            raise TimeoutError(f"{pattern.pattern!r} did not appear: {term.seen[-400:]!r}")
        ready, _, _ = select.select([term.fd], [], [], min(left, 1.0))
        if ready:
            chunk = os.read(term.fd, 65536)
            if not chunk:
                raise EOFError(f"the program ended: {term.seen[-400:]!r}")
            term.seen += chunk
            # Only the tail can still hold a status line not yet seen.
            term.seen = term.seen[-8192:]


def glance_pid(time_pid):
    """The process /usr/bin/time started."""
    with open(f"/proc/{time_pid}/task/{time_pid}/children", encoding="ascii") as f:
        return int(f.read().split()[0])


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--glance", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--table", default="events")
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile(prefix="glance-pager-time.", delete=False) as out:
        time_out = out.name
    # No statement timeout: paging 2M rows on a busy machine may take longer.
    argv = ["/usr/bin/time", "-v", "-o", time_out, args.glance, "-d", args.url,
            "--statement-timeout", "0", "repl"]
    term = Pty(argv, env=dict(os.environ, TERM="xterm"), rows=24, cols=80)
    try:
        term.wait_for(PROMPT)
        pid = glance_pid(term.pid)
        term.send(f"\\sql select * from {args.table}\r")
        term.wait_for(b"-- page 1 of")
        sent = time.monotonic()
        term.send("G")
        last = wait_regex(term, LAST, lambda m: m.group(1) == m.group(2))
        last_page_s = time.monotonic() - sent
        at_last = vm_rss_kib(pid)
        term.send("q")
        term.wait_for(PROMPT)
        term.settle(quiet=0.5)
        after_q = vm_rss_kib(pid)
        term.send("\x04")
        _, status = os.waitpid(term.pid, 0)
        term.pid = None
    finally:
        if term.pid is not None:
            term.close()
        else:
            os.close(term.fd)
    with open(time_out, encoding="utf-8") as f:
        report = f.read()
    os.unlink(time_out)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    print(json.dumps({
        "peak_kib": int(peak.group(1)) if peak else None,
        "at_last_page_kib": at_last,
        "after_q_kib": after_q,
        "last_page_s": last_page_s,
        "pages": int(last.group(1)),
        "exit_status": status,
    }))


if __name__ == "__main__":
    main()
