"""Writes bench/RESULTS.md from the files bench/run.sh left in its results
directory (hyperfine JSON exports, peak-RSS lists, helper outputs).
Standard library only."""

import argparse
import glob
import json
import os
import platform
import re
import statistics
import subprocess
from datetime import datetime, timezone

MIB = 1024.0


def read(path, default=None):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except FileNotFoundError:
        return default


def read_json(path):
    text = read(path)
    return json.loads(text) if text else None


class Case:
    """One side-by-side case: wall times (s) per tool and peak RSS (KiB);
    `other` is the client glance is compared with (psql, mariadb)."""

    def __init__(self, results, name, other="psql"):
        self.other = other
        self.times = {"glance": [], other: []}
        for path in sorted(glob.glob(os.path.join(results, f"{name}.round*.json"))):
            for result in read_json(path)["results"]:
                self.times[result["command"]].extend(result["times"])
        self.rss = {}
        for tool in ("glance", other):
            text = read(os.path.join(results, f"{name}.{tool}.rss"), "")
            values = [int(v) for v in text.split() if v.isdigit()]
            self.rss[tool] = values

    def median(self, tool):
        return statistics.median(self.times[tool]) if self.times[tool] else None

    def ratio(self):
        g, p = self.median("glance"), self.median(self.other)
        return g / p if g is not None and p else None

    def rss_mib(self, tool):
        return statistics.median(self.rss[tool]) / MIB if self.rss[tool] else None


def ms(seconds):
    return f"{seconds * 1000:,.1f} ms" if seconds is not None else "—"


def spread(values):
    if not values:
        return "—"
    return f"{min(values) * 1000:,.1f}–{max(values) * 1000:,.1f} ms"


def mib(value):
    return f"{value:,.1f} MiB" if value is not None else "—"


def met(ok):
    return "**yes**" if ok else "**no**"


def machine(args):
    cpu = "unknown"
    cpuinfo = read("/proc/cpuinfo", "")
    found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    if found:
        cpu = found.group(1).strip()
    memory = re.search(r"^MemTotal:\s*(\d+) kB", read("/proc/meminfo", ""), re.M)
    os_name = re.search(r'^PRETTY_NAME="?([^"\n]+)', read("/etc/os-release", ""), re.M)

    def git(*words):
        return subprocess.run(["git", "-C", args.root, *words], capture_output=True,
                              text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} logical cores"),
        ("memory", f"{int(memory.group(1)) / MIB / MIB:.1f} GiB" if memory else "unknown"),
        ("OS", f"{os_name.group(1) if os_name else platform.system()}, kernel {platform.release()}"),
        ("PostgreSQL", args.server_version),
        ("MariaDB", args.mariadb_version or "not run"),
        ("glance", f"commit {commit}, {args.rustc}"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    for flag in ("--results", "--out", "--glance", "--root", "--server-version", "--rustc",
                 "--build-seconds", "--build-scope", "--rows", "--total-seconds"):
        parser.add_argument(flag, required=True)
    parser.add_argument("--mariadb-version", default="")
    args = parser.parse_args()
    results = args.results
    path = lambda name: os.path.join(results, name)  # noqa: E731
    rows = int(args.rows)
    lines = []
    add = lines.append
    summary = []

    add("# Benchmark results: glance against psql and mariadb")
    add("")
    add(f"Written by `bench/run.sh` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC "
        f"(whole run {int(args.total_seconds) // 60} min {int(args.total_seconds) % 60} s, "
        f"seeding {read(path('seed_seconds'), '?')} s"
        + (f", on MariaDB {read(path('mysql_seed_seconds'))} s"
           if read(path('mysql_seed_seconds')) else "")
        + "). Re-run with `bench/run.sh`; "
        "see bench/README.md for the method and the knobs.")
    add("")
    add("| machine | |")
    add("| --- | --- |")
    for key, value in machine(args):
        add(f"| {key} | {value} |")
    add("")

    def pair_section(name, title, glance_cmd, psql_cmd, target_ratio, rss_limit=None,
                     other="psql"):
        case = Case(results, name, other)
        ratio = case.ratio()
        ok = ratio is not None and ratio <= target_ratio
        target = f"≤ {target_ratio}× wall"
        if rss_limit is not None:
            g_rss = case.rss_mib("glance")
            ok = ok and g_rss is not None and g_rss <= rss_limit
            target += f", peak RSS ≤ {rss_limit} MiB"
        summary.append((title, f"{ratio:.2f}×" if ratio else "—", target, met(ok)))
        add(f"### {title}")
        add("")
        add(f"glance: `{glance_cmd}`  ")
        add(f"{other}: `{psql_cmd}`")
        add("")
        add("| | median wall | min–max | runs | peak RSS (median) |")
        add("| --- | ---: | ---: | ---: | ---: |")
        for tool in ("glance", other):
            add(f"| {tool} | {ms(case.median(tool))} | {spread(case.times[tool])} | "
                f"{len(case.times[tool])} | {mib(case.rss_mib(tool))} |")
        add("")
        add(f"Ratio glance/{other} {ratio:.2f}× (target {target}): {met(ok)}." if ratio else
            "No ratio: a side has no timings.")
        add("")
        return case

    add("## Cases")
    add("")
    pair_section("startup", "Start-up", "glance ask --sql 'select 1'", "psql -X -c 'select 1'", 1.5)
    pair_section("csv", f"{rows:,} rows to CSV",
                 "glance ask --format csv --sql 'select * from events' > /dev/null",
                 "psql -X --csv -c 'select * from events' > /dev/null", 1.0, rss_limit=40)

    # Export: glance timed inside the REPL, psql by hyperfine.
    export = Case(results, "export")
    g_export = read_json(path("export.glance.json")) or {"times_ms": []}
    g_times = [t / 1000.0 for t in g_export["times_ms"]]
    g_med = statistics.median(g_times) if g_times else None
    p_med = export.median("psql")
    ratio = g_med / p_med if g_med and p_med else None
    ok = ratio is not None and ratio <= 1.2
    summary.append((f"{rows:,} rows export", f"{ratio:.2f}×" if ratio else "—", "≤ 1.2× wall",
                    met(ok)))
    add(f"### {rows:,} rows export")
    add("")
    add("glance: `\\export csv FILE!` after `\\sql select * from events`, timed inside one "
        "`glance repl` session from sending the command to its completion "
        "(bench/repl_export.py)  ")
    add("psql: `psql -X -c '\\copy (select * from events) to stdout csv' > FILE`")
    add("")
    add("| | median wall | min–max | runs | peak RSS (median) |")
    add("| --- | ---: | ---: | ---: | ---: |")
    add(f"| glance | {ms(g_med)} | {spread(g_times)} | {len(g_times)} | "
        f"{mib(export.rss_mib('glance'))} ¹ |")
    add(f"| psql | {ms(p_med)} | {spread(export.times['psql'])} | {len(export.times['psql'])} | "
        f"{mib(export.rss_mib('psql'))} |")
    add("")
    add("¹ the whole REPL session: the `\\sql` run that prints every row to the pipe, "
        "then the export.")
    add("")
    add(f"Ratio glance/psql {ratio:.2f}× (target ≤ 1.2× wall): {met(ok)}." if ratio else
        "No ratio.")
    add("")

    if args.mariadb_version:
        pair_section("mysql_startup", "MariaDB: start-up", "glance ask --sql 'select 1'",
                     "mariadb --batch -e 'select 1'", 1.5, other="mariadb")
        pair_section("mysql_csv", f"MariaDB: {rows:,} rows to CSV",
                     "glance ask --format csv --sql 'select * from events' > /dev/null",
                     "mariadb --batch -e 'select * from events' > /dev/null", 1.0, rss_limit=40,
                     other="mariadb")

    pair_section("table", f"{rows:,} rows as a table, not a terminal",
                 "glance ask --format table --sql 'select * from events' > /dev/null",
                 "psql -X -P pager=off -c 'select * from events' > /dev/null", 1.0, rss_limit=40)

    pair_section("check", f"Data-quality checks of {rows:,} rows",
                 "glance check events > /dev/null",
                 "psql -X -c 'select count(*) from events' > /dev/null", 3.0)

    pair_section("migrate", "Validating a migration on the shop database (200,000 customers)",
                 "glance migrate --up up.sql --down down.sql > /dev/null",
                 "psql -X -c begin -f up.sql -f down.sql -c rollback > /dev/null", 3.0)

    # Big values.
    big_limit = (3 * 50_000_000 + 64 * MIB * 1024) / (MIB * 1024)
    big_rss = {f: Case(results, f"big_values_{f}").rss_mib("glance") for f in ("table", "csv")}
    ok = all(v is not None and v <= big_limit for v in big_rss.values())
    summary.append(("20 rows of 50 MB, peak memory",
                    ", ".join(f"{mib(v)} ({f})" for f, v in big_rss.items()),
                    f"≤ {big_limit:.0f} MiB (3 × row + 64 MiB)", met(ok)))
    add("### Big values")
    add("")
    add("`glance --statement-timeout 0 ask --format FORMAT --sql \"select n, repeat('x', "
        "50000000) as big from generate_series(1, 20) n\" > /dev/null`: peak RSS (median of the "
        "runs under /usr/bin/time). Tables cut each value after 10,000 characters; "
        "CSV writes whole values.")
    add("")
    add("| format | peak RSS |")
    add("| --- | ---: |")
    for f, v in big_rss.items():
        add(f"| {f} | {mib(v)} |")
    add("")
    add(f"Target ≤ {big_limit:.0f} MiB (3 × the largest row + 64 MiB): {met(ok)}.")
    add("")

    # First page.
    first = read_json(path("first_page.json")) or {}
    big = [t / 1000.0 for t in first.get("events", [])]
    small = [t / 1000.0 for t in first.get("events_1k", [])]
    big_med = statistics.median(big) if big else None
    small_med = statistics.median(small) if small else None
    ok = big_med is not None and big_med <= 0.1 and small_med is not None and small_med <= 0.1
    summary.append(("First page in the REPL",
                    f"{ms(big_med)} ({rows:,} rows), {ms(small_med)} (1,000 rows)",
                    "≤ 100 ms, independent of size", met(ok)))
    add("### First page in the REPL")
    add("")
    add("`glance repl` in an 80×24 pseudo-terminal: time from pressing Enter on "
        "`\\sql select * from TABLE` to the pager's status line (`-- page 1 of …`), a fresh "
        "session per run (bench/first_page.py).")
    add("")
    add("| table | median | min–max | runs |")
    add("| --- | ---: | ---: | ---: |")
    add(f"| events ({rows:,} rows) | {ms(big_med)} | {spread(big)} | {len(big)} |")
    add(f"| events_1k (1,000 rows) | {ms(small_med)} | {spread(small)} | {len(small)} |")
    add("")
    add(f"Target ≤ 100 ms for both, whatever the size: {met(ok)}.")
    add("")

    # Pager memory.
    pager = read_json(path("pager_rss.json")) or {}
    psql_time = read(path("pager_rss.psql.time"), "")
    psql_peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", psql_time)
    kib = lambda v: v / MIB if v is not None else None  # noqa: E731
    g_peak = kib(pager.get("peak_kib"))
    p_peak = kib(int(psql_peak.group(1))) if psql_peak else None
    ok = g_peak is not None and g_peak <= 64
    summary.append(("Pager: G to the last row, peak memory",
                    f"{mib(g_peak)} (psql {mib(p_peak)})", "≤ 64 MiB", met(ok)))
    add("### Pager memory")
    add("")
    add("glance: `glance repl` in an 80×24 pseudo-terminal under `/usr/bin/time -v`: "
        "`\\sql select * from events`, `G` to the last page, `q`, Ctrl-D; one run "
        "(bench/pager_rss.py)  ")
    add("psql: `/usr/bin/time -v psql -X -P pager=off -c 'select * from events' > /dev/null`")
    add("")
    add("| | peak RSS | RSS on the last page | RSS after `q` | `G` to the last page |")
    add("| --- | ---: | ---: | ---: | ---: |")
    last_s = pager.get("last_page_s")
    add(f"| glance | {mib(g_peak)} | {mib(kib(pager.get('at_last_page_kib')))} | "
        f"{mib(kib(pager.get('after_q_kib')))} | "
        f"{ms(last_s)} ({pager.get('pages', 0):,} pages) |")
    add(f"| psql | {mib(p_peak)} | | | |")
    add("")
    add(f"Target peak RSS ≤ 64 MiB whatever the row count: {met(ok)}.")
    add("")

    # Introspection.
    intro = pair_section("introspect", "Introspection of the 2,000-table database",
                         "glance ask --show-prompt 'Which customers placed the most orders "
                         "last month?' > /dev/null  (OPENAI_API_KEY set to a dummy; no model "
                         "is called)",
                         "psql -X -At -f bench/catalog.sql > /dev/null", 2.0)
    def logged(tool):
        """[(ms, statement)] that `tool` ran, from its slice of the server log
        (entries start with `[application_name] `; statements span lines)."""
        text = read(path(f"introspect.{tool}.log"), "") or ""
        entries = re.split(r"\n(?=\[)", text)
        found = []
        for entry in entries:
            m = re.match(r"\[(\w+)\] LOG:  duration: ([0-9.]+) ms  (?:statement|execute [^:]*): (.*)",
                         entry, re.S)
            if m and m.group(1) == tool:
                found.append((float(m.group(2)), " ".join(m.group(3).split())))
        return found

    glance_log, psql_log = logged("glance"), logged("psql")
    statements, server_ms = len(glance_log), sum(ms for ms, _ in glance_log)
    psql_statements, psql_server_ms = len(psql_log), sum(ms for ms, _ in psql_log)
    g_rss = intro.rss_mib("glance")
    st_ok = 0 < statements <= 6
    rss_ok = g_rss is not None and g_rss <= 30
    add(f"Statements glance ran (server log, `log_min_duration_statement = 0`): {statements}, "
        f"{server_ms:,.1f} ms of server time; psql: {psql_statements}, {psql_server_ms:,.1f} ms. "
        f"Target ≤ 6 round trips: {met(st_ok)}.  ")
    add(f"Peak RSS of the whole glance process, an upper bound for the catalog's memory: "
        f"{mib(g_rss)}. Target ≤ 30 MiB: {met(rss_ok)}.")
    add("")
    add("glance's statements, slowest first (server time):")
    add("")
    for took, statement in sorted(glance_log, reverse=True):
        short = statement.replace("`", "'")
        short = short if len(short) <= 110 else short[:107] + "…"
        add(f"- {took:,.1f} ms: `{short}`")
    add("")
    summary.append(("Introspection: statements, memory",
                    f"{statements} statements, {mib(g_rss)} peak", "≤ 6 round trips, ≤ 30 MiB",
                    met(st_ok and rss_ok)))

    # Prompt context.
    test_lines = (read(path("context_test.txt"), "") or "").splitlines()
    live = read_json(path("context_live.json"))
    whole = read(path("whole_schema_tokens"), "")
    whole = f"{int(whole):,}" if whole.isdigit() else "?"
    add("### Prompt context")
    add("")
    add("The schema part of the prompt for the 36 questions of the context test, with the "
        "default budget of 8,000 tokens.")
    add("")
    add("- unit test `agent::context::tests::big_schema_recall` (generated 2,000-table "
        "catalog, `cargo test --release`):")
    add("")
    for line in test_lines or ["(the test printed nothing: did it fail?)"]:
        add(f"      {line.strip()}")
    add("")
    live_ok = False
    if live:
        avg = sum(live["tokens"]) / len(live["tokens"])
        recall = live["hits"] / live["questions"]
        live_ok = recall >= 0.95 and max(live["tokens"]) <= 8000
        add(f"- live, the seeded `wide` database through `glance ask --show-prompt --format "
            f"json`: needed tables sent in full for {live['hits']}/{live['questions']} "
            f"questions ({recall:.1%}), {avg:,.0f} tokens on average, at most "
            f"{max(live['tokens']):,}.")
        for miss in live["misses"]:
            add(f"    - {miss}")
    add(f"- the whole schema as compact text (same format, unlimited budget): {whole} tokens.")
    add("")
    test_recall = re.search(r"context recall \d+/\d+ = ([\d.]+)%", " ".join(test_lines))
    test_ok = test_recall is not None and float(test_recall.group(1)) >= 95
    add(f"Target ≤ 8,000 tokens with the needed tables in ≥ 95% of the questions: unit test "
        f"{met(test_ok)}, live database {met(live_ok)}.")
    add("")
    summary.append(("Prompt context",
                    f"test {test_recall.group(1) if test_recall else '?'}% recall; live "
                    f"{live['hits']}/{live['questions']}" if live else "—",
                    "≤ 8,000 tokens, ≥ 95% recall", met(test_ok and live_ok)))

    # Own time.
    own = read_json(path("own_time.json")) or {"runs": []}
    add("### glance's own time per question")
    add("")
    add("`glance ask --format json QUESTION` on the `wide` database against a fake OpenAI "
        "server that answers at once (bench/fake_openai.py); wall time measured around the "
        "process, the rest from the JSON's `timings`.")
    add("")
    keys = sorted({k for run in own["runs"] for k in run["timings"]})
    add("| | median | min–max |")
    add("| --- | ---: | ---: |")
    walls = [r["wall_ms"] / 1000.0 for r in own["runs"]]
    add(f"| wall (process) | {ms(statistics.median(walls) if walls else None)} | {spread(walls)} |")
    for key in keys:
        values = [r["timings"][key] / 1000.0 for r in own["runs"] if key in r["timings"]]
        add(f"| `timings.{key}` | {ms(statistics.median(values))} | {spread(values)} |")
    if "glance_ms" in keys:
        own_values = [r["timings"]["glance_ms"] / 1000.0 for r in own["runs"]]
        how = "`timings.glance_ms`"
    else:
        external = [k for k in keys if k in ("llm_ms", "db_ms")]
        own_values = [(r["wall_ms"] - sum(r["timings"].get(k, 0) for k in external)) / 1000.0
                      for r in own["runs"]]
        how = ("wall − " + " − ".join(f"`{k}`" for k in external) +
               " (so it includes process start-up, connecting and introspection, which "
               "`timings` does not yet separate)")
        add(f"| wall − {' − '.join(external)} | "
            f"{ms(statistics.median(own_values) if own_values else None)} | "
            f"{spread(own_values)} |")
    add("")
    own_med = statistics.median(own_values) if own_values else None
    ok = own_med is not None and own_med <= 0.010
    add(f"glance's own time, from {how}: {ms(own_med)}. Target ≤ 10 ms: {met(ok)}.")
    add("")
    summary.append(("glance's own time per question", ms(own_med), "≤ 10 ms", met(ok)))

    # Build.
    size = os.path.getsize(args.glance)
    add("## Build")
    add("")
    build = (f"{args.build_seconds} s, building {args.build_scope}" if args.build_seconds
             else "not measured (BENCH_SKIP_BUILD=1)")
    add(f"- release binary: {size / MIB / MIB:.1f} MiB ({size:,} bytes), profile from "
        "Cargo.toml `[profile.release]`")
    add(f"- `cargo build --release --locked`: {build}")
    add("")

    head = ["## Summary", "", "| case | glance/psql (or mariadb) or figure | target | met |",
            "| --- | --- | --- | --- |"]
    head += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in summary]
    head.append("")
    machine_end = lines.index("## Cases")
    lines[machine_end:machine_end] = head
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines).rstrip() + "\n")


if __name__ == "__main__":
    main()
