#!/usr/bin/env bash
# glance against psql and mariadb: builds glance in release mode, starts a
# throwaway PostgreSQL cluster and a throwaway MariaDB server, seeds them
# deterministically, times the clients on the same queries and writes
# bench/RESULTS.md. See bench/README.md.
#
# Needs (Debian package): cargo, python3, hyperfine (hyperfine), /usr/bin/time
# (time), psql (postgresql-client), initdb/pg_ctl (postgresql), and for the
# MariaDB cases mariadb (mariadb-client), mariadb-install-db/mariadbd
# (mariadb-server). With
# BENCH_INSTALL=1, running as root, missing packages are installed with
# apt-get; otherwise the script stops and prints the command to run.
#
# Knobs (environment):
#   BENCH_RUNS=12       timed runs per client for the quick cases
#   BENCH_BIG_RUNS=6    timed runs per client for the 2M-row cases
#   BENCH_ROUNDS=2      each case's runs are split in this many alternating
#                       rounds (glance first, then psql first, …)
#   BENCH_RSS_RUNS=3    runs under /usr/bin/time for peak RSS
#   BENCH_ROWS=2000000  rows in the events table (PostgreSQL and MariaDB)
#   BENCH_OUT=bench/RESULTS.md
#   BENCH_SKIP_BUILD=1  use the existing target/release/glance
#   BENCH_CASES=introspect,own_time
#                       run only these cases (startup csv table big_values
#                       export first_page pager check migrate introspect
#                       context own_time mysql_startup mysql_csv chart); the
#                       medians are printed and BENCH_OUT is not written
#   BENCH_KEEP=DIR      copy the raw results (hyperfine JSON, server logs,
#                       own_time.json) to DIR at the end
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
runs=${BENCH_RUNS:-12}
big_runs=${BENCH_BIG_RUNS:-6}
rounds=${BENCH_ROUNDS:-2}
rss_runs=${BENCH_RSS_RUNS:-3}
rows=${BENCH_ROWS:-2000000}
out=${BENCH_OUT:-$here/RESULTS.md}
started_at=$(date +%s)

cases=${BENCH_CASES:-}
want() { [[ -z $cases || ,$cases, == *,$1,* ]]; }
needs_events() {
    local c
    for c in startup csv table big_values export first_page pager check; do want "$c" && return 0; done
    return 1
}

needs_mariadb() { want mysql_startup || want mysql_csv; }

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# --- prerequisites -----------------------------------------------------------

pg_bin() {
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return
    fi
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n $dir && -x $dir/initdb ]] && echo "$dir"
}

mariadb_bin() { # mariadb_bin NAME: the server program NAME, from PATH or sbin
    local dir
    command -v "$1" 2>/dev/null && return
    for dir in /usr/sbin /usr/local/sbin; do
        [[ -x $dir/$1 ]] && echo "$dir/$1" && return
    done
    true
}

check_prerequisites() {
    local missing=()
    command -v cargo >/dev/null || die "cargo is missing: install Rust from https://rustup.rs"
    command -v python3 >/dev/null || missing+=(python3)
    command -v hyperfine >/dev/null || missing+=(hyperfine)
    [[ -x /usr/bin/time ]] || missing+=(time)
    command -v psql >/dev/null || missing+=(postgresql-client)
    [[ -n $(pg_bin) ]] || missing+=(postgresql)
    if ((EUID == 0)); then command -v runuser >/dev/null || missing+=(util-linux); fi
    if needs_mariadb; then
        command -v mariadb >/dev/null || missing+=(mariadb-client)
        [[ -n $(mariadb_bin mariadbd) && -n $(mariadb_bin mariadb-install-db) ]] ||
            missing+=(mariadb-server)
    fi
    ((${#missing[@]} == 0)) && return
    if [[ ${BENCH_INSTALL:-0} == 1 && $EUID == 0 ]]; then
        say "installing ${missing[*]}"
        apt-get update -qq && apt-get install -y -qq "${missing[@]}" >&2
    else
        die "missing: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}
(or rerun as root with BENCH_INSTALL=1)"
    fi
}

# --- throwaway cluster -------------------------------------------------------

work=""
fake_pid=""
pg_user=""
pgbin=""

as_pg() {
    if [[ -n $pg_user ]]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi
}

cleanup() {
    if [[ -n $fake_pid ]]; then kill "$fake_pid" 2>/dev/null || true; fi
    if [[ -n ${BENCH_KEEP:-} && -n $work && -d $work/results ]]; then
        mkdir -p "$BENCH_KEEP" && cp -r "$work/results/." "$BENCH_KEEP/" || true
    fi
    if [[ -n $work && -d $work ]]; then
        if [[ -f $work/my/mariadbd.pid ]]; then
            kill -KILL "$(cat "$work/my/mariadbd.pid")" 2>/dev/null || true
        fi
        if [[ -f $work/pg/data/postmaster.pid ]]; then
            as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$work"
    fi
}

start_cluster() {
    pgbin=$(pg_bin)
    if ((EUID == 0)); then
        # initdb refuses to run as root: the server runs as an unprivileged user.
        if id postgres >/dev/null 2>&1; then
            pg_user=postgres
        else
            pg_user=glance-bench
            id "$pg_user" >/dev/null 2>&1 ||
                useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user"
        fi
        chown "$pg_user:" "$work/pg"
    fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    sock=$work/pg
    as_pg "$pgbin/initdb" -U postgres -A trust -E UTF8 --locale=C --no-sync -D "$work/pg/data" >/dev/null
    cat >>"$work/pg/data/postgresql.conf" <<EOF

# glance benchmark cluster
listen_addresses = ''
port = $port
unix_socket_directories = '$sock'
timezone = 'UTC'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
maintenance_work_mem = 256MB
max_locks_per_transaction = 1024
log_line_prefix = '[%a] '
EOF
    as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 60 start >/dev/null
}

# --- throwaway MariaDB -------------------------------------------------------

my_user=""
my_sock=""

as_my() {
    if [[ -n $my_user ]]; then runuser -u "$my_user" -- "$@"; else "$@"; fi
}

# The same way as the test harness (tests/e2e/mariadb_server.rs):
# mariadb-install-db into the work directory, then mariadbd as an
# unprivileged user on its own socket, reading no system configuration.
start_mariadb() {
    mkdir -p "$work/my"
    if ((EUID == 0)); then
        if id mysql >/dev/null 2>&1; then
            my_user=mysql
        else
            my_user=glance-bench
            id "$my_user" >/dev/null 2>&1 ||
                useradd --system --no-create-home --shell /usr/sbin/nologin "$my_user"
        fi
        chown "$my_user:" "$work/my"
    fi
    my_sock=$work/my/mariadbd.sock
    as_my "$(mariadb_bin mariadb-install-db)" --no-defaults --datadir="$work/my/data" \
        --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
        >"$work/my/install.log" 2>&1 ||
        die "mariadb-install-db failed: $(tail -n 20 "$work/my/install.log")"
    as_my "$(mariadb_bin mariadbd)" --no-defaults --datadir="$work/my/data" \
        --socket="$my_sock" --skip-networking --pid-file="$work/my/mariadbd.pid" \
        --log-error="$work/my/server.log" --skip-name-resolve --skip-log-bin \
        --character-set-server=utf8mb4 --default-time-zone=+00:00 \
        --innodb-buffer-pool-size=512M --innodb-log-file-size=256M \
        --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
        </dev/null >/dev/null 2>&1 &
    local _
    for _ in $(seq 600); do
        $(mariadb_cmd mysql) -e 'select 1' >/dev/null 2>&1 && return
        sleep 0.1
    done
    die "the throwaway MariaDB did not start: $(tail -n 20 "$work/my/server.log" 2>/dev/null)"
}

# --- helpers -----------------------------------------------------------------

psql_cmd() { # psql_cmd DB: the psql prefix for database DB
    echo "psql -X -q -h $sock -p $port -U postgres -d $1"
}

glance_url() { # glance_url DB
    echo "postgresql://postgres@/$1?host=$sock&port=$port"
}

mariadb_cmd() { # mariadb_cmd DB: the mariadb client prefix for database DB
    echo "mariadb --no-defaults -u root --socket=$my_sock $1"
}

glance_my_url() { # glance_my_url DB
    echo "mysql://root@localhost/$1?socket=$my_sock"
}

# bench_pair CASE RUNS GLANCE_CMD OTHER_CMD [OTHER]: hyperfine both commands
# in $rounds alternating rounds (each with one warm-up run per command), then
# peak RSS of each over $rss_runs runs. OTHER names the other client (psql).
bench_pair() {
    local name=$1 n=$2 glance=$3 psql=$4 other=${5:-psql} per_round r
    per_round=$(((n + rounds - 1) / rounds))
    ((per_round >= 2)) || per_round=2
    say "$name: hyperfine, $rounds rounds of $per_round runs each"
    for ((r = 1; r <= rounds; r++)); do
        local first=$glance second=$psql a=glance b=$other
        if ((r % 2 == 0)); then first=$psql second=$glance a=$other b=glance; fi
        hyperfine --style basic --warmup 1 --runs "$per_round" \
            --export-json "$work/results/$name.round$r.json" \
            -n "$a" "$first" -n "$b" "$second" >&2
    done
    rss "$name" glance "$glance"
    rss "$name" "$other" "$psql"
}

# rss CASE TOOL CMD: peak RSS in KiB of $rss_runs runs, one per line.
rss() {
    local name=$1 tool=$2 cmd=$3 i
    : >"$work/results/$name.$tool.rss"
    for ((i = 0; i < rss_runs; i++)); do
        /usr/bin/time -f '%M' -o "$work/results/time.out" bash -c "$cmd" >/dev/null 2>&1
        tail -n 1 "$work/results/time.out" >>"$work/results/$name.$tool.rss"
    done
}

# --- main --------------------------------------------------------------------

check_prerequisites
trap cleanup EXIT
trap 'exit 130' INT TERM
work=$(mktemp -d "${TMPDIR:-/tmp}/glance-bench.XXXXXX")
chmod 755 "$work"
mkdir -p "$work/pg" "$work/results" "$work/home"

build_seconds=""
build_scope=""
if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
    say "building glance (cargo build --release --locked)"
    if [[ -d $root/target/release/deps ]]; then
        # Dependencies stay built: the time is glance's own crate.
        (cd "$root" && cargo clean --release -p glance >/dev/null 2>&1)
        build_scope="the glance crate (dependencies already built)"
    else
        build_scope="everything (fresh target directory)"
    fi
    build_start=$(date +%s%N)
    (cd "$root" && cargo build --release --locked >&2)
    build_seconds=$((($(date +%s%N) - build_start) / 1000000000))
fi
glance_bin=$root/target/release/glance
[[ -x $glance_bin ]] || die "$glance_bin is missing: run without BENCH_SKIP_BUILD"

if want context; then
say "context test (cargo test --release … big_schema_recall)"
(cd "$root" && cargo test --release --locked --lib big_schema_recall -- --nocapture) \
    >"$work/context_test.out" 2>&1 || die "the context test failed: $(tail -n 20 "$work/context_test.out")"
else
    : >"$work/context_test.out"
fi
rustc_version=$(rustc --version)

say "starting a throwaway PostgreSQL cluster"
start_cluster
results=$work/results
grep -E 'context recall|missing' "$work/context_test.out" >"$results/context_test.txt" || true
server_version=$($(psql_cmd postgres) -Atc 'show server_version')

# glance reads no config, history or keys of the person running the bench.
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share \
    XDG_STATE_HOME=$work/home/.local/state XDG_CACHE_HOME=$work/home/.cache
unset PAGER PSQL_PAGER PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE \
    ANTHROPIC_API_KEY GEMINI_API_KEY GOOGLE_API_KEY AZURE_OPENAI_API_KEY OPENAI_BASE_URL \
    GLANCE_PROVIDER GLANCE_MODEL GLANCE_CONFIG NO_COLOR 2>/dev/null || true

say "seeding events ($rows rows) and wide (2,000 tables)"
seed_start=$(date +%s)
$(psql_cmd postgres) -v ON_ERROR_STOP=1 -c 'create database events' -c 'create database wide' >/dev/null
if needs_events; then
$(psql_cmd events) -v ON_ERROR_STOP=1 -v rows="$rows" -f "$here/seed-events.sql" >/dev/null
$(psql_cmd events) -c 'vacuum analyze' >/dev/null
fi
if want introspect || want context || want own_time; then
$(psql_cmd wide) -v ON_ERROR_STOP=1 -f "$here/seed-wide.sql" >/dev/null
$(psql_cmd wide) -c 'vacuum analyze' >/dev/null
fi
echo "$(($(date +%s) - seed_start))" >"$results/seed_seconds"

g_events="$glance_bin -d '$(glance_url events)'"
g_wide="$glance_bin -d '$(glance_url wide)'"
p_events=$(psql_cmd events)
p_wide=$(psql_cmd wide)

want startup && bench_pair startup "$runs" \
    "$g_events ask --sql 'select 1'" \
    "$p_events -c 'select 1'"

want csv && bench_pair csv "$big_runs" \
    "$g_events ask --format csv --sql 'select * from events' > /dev/null" \
    "$p_events --csv -c 'select * from events' > /dev/null"

want table && bench_pair table "$big_runs" \
    "$g_events ask --format table --sql 'select * from events' > /dev/null" \
    "$p_events -P pager=off -c 'select * from events' > /dev/null"

# Big values: 20 rows of 50 MB each, drawn as a table and written as CSV.
# Peak RSS must stay within 3 × the largest row + 64 MiB (207 MiB); psql
# holds the whole result, so it is not run here.
if want big_values; then
say "big values: peak RSS of 20 rows of 50 MB"
big_sql="select n, repeat('x', 50000000) as big from generate_series(1, 20) n"
for format in table csv; do
    rss "big_values_$format" glance \
        "$g_events --statement-timeout 0 ask --format $format --sql \"$big_sql\" > /dev/null"
done
fi

# Export: glance's time is measured inside one REPL session (from sending
# `\export` to its completion), psql's is `\copy … to stdout` into a file.
if want export; then
say "export: glance REPL, $big_runs exports"
python3 "$here/repl_export.py" --glance "$glance_bin" --url "$(glance_url events)" \
    --file "$work/export.csv" --runs "$big_runs" >"$results/export.glance.json"
hyperfine --style basic --warmup 1 --runs "$big_runs" --export-json "$results/export.round1.json" \
    -n psql "$p_events -c '\\copy (select * from events) to stdout csv' > $work/copy.csv" >&2
rss export glance "printf '%s\n' '\\sql select * from events' '\\export csv $work/export.csv!' \
    | $g_events repl"
rss export psql "$p_events -c '\\copy (select * from events) to stdout csv' > $work/copy.csv"
fi

if want first_page; then
say "first page in the REPL (pseudo-terminal)"
python3 "$here/first_page.py" --glance "$glance_bin" --url "$(glance_url events)" \
    --runs "$runs" >"$results/first_page.json"
fi

# The pager's memory: `G` to the last of the 2M rows, then `q`, in one
# REPL session under /usr/bin/time -v; psql holds the whole result however
# it pages, so it runs with its pager off, output to /dev/null.
say "pager memory: G to the last row in the REPL, then q"
if want pager; then
python3 "$here/pager_rss.py" --glance "$glance_bin" --url "$(glance_url events)" \
    >"$results/pager_rss.json"
/usr/bin/time -v -o "$results/pager_rss.psql.time" \
    $p_events -P pager=off -c 'select * from events' >/dev/null
fi

# `\chart all` over $rows generated rows in a piped REPL: the rows stream
# into the chart in bounded memory, so the peak RSS stays near that of the
# same session without the chart (both printed; the first run's rows go to
# /dev/null as CSV).
if want chart; then
    say "chart memory: \\chart all over $rows rows"
    chart_sql="select g % 1000 as v, g as n from generate_series(1, $rows) g;"
    printf '\\o /dev/null\n\\sql %s\n\\o\n\\chart all\n' "$chart_sql" >"$work/chart.in"
    printf '\\o /dev/null\n\\sql %s\n' "$chart_sql" >"$work/chart_base.in"
    chart_cmd="$glance_bin --format csv --no-history -d '$(glance_url postgres)'"
    rss chart_all glance "$chart_cmd < '$work/chart.in'"
    rss chart_all without_chart "$chart_cmd < '$work/chart_base.in'"
    say "chart_all peak RSS (KiB): with \\chart all $(paste -sd' ' "$results/chart_all.glance.rss"), without $(paste -sd' ' "$results/chart_all.without_chart.rss")"
fi

# Data-quality checks on the 2M-row table, as a person would run them
# (default sampling), against psql counting its rows.
want check && bench_pair check "$big_runs" \
    "$g_events check events > /dev/null" \
    "$p_events -c 'select count(*) from events' > /dev/null"

# Migration validation on the shop database (seed-shop.sql): glance's live
# check of an up/down pair (catalog fingerprints, file nodes, up, down, all
# rolled back) against psql running the same pair in a transaction it
# rolls back.
if want migrate; then
say "seeding shop"
$(psql_cmd postgres) -v ON_ERROR_STOP=1 -c 'create database shop' >/dev/null
$(psql_cmd shop) -v ON_ERROR_STOP=1 -f "$here/seed-shop.sql" >/dev/null
$(psql_cmd shop) -c 'vacuum analyze' >/dev/null
printf '%s\n' "set lock_timeout = '2s';" \
    'alter table customers add column deleted_at timestamptz;' >"$work/up.sql"
printf '%s\n' "set lock_timeout = '2s';" \
    'alter table customers drop column deleted_at;' >"$work/down.sql"
bench_pair migrate "$runs" \
    "$glance_bin -d '$(glance_url shop)' migrate --up '$work/up.sql' --down '$work/down.sql' > /dev/null" \
    "$(psql_cmd shop) -v ON_ERROR_STOP=1 -c begin -f '$work/up.sql' -f '$work/down.sql' -c rollback > /dev/null"
fi

# Introspection: statements and their server time from the server log
# (log_min_duration_statement = 0 on the wide database, one run of each).
export OPENAI_API_KEY=sk-bench-not-used
intro_question="Which customers placed the most orders last month?"
if want introspect; then
$(psql_cmd postgres) -c "alter database wide set log_min_duration_statement = 0" >/dev/null
intro_question="Which customers placed the most orders last month?"
export OPENAI_API_KEY=sk-bench-not-used
log_mark=$(wc -l <"$work/pg/server.log")
eval "$g_wide ask --show-prompt '$intro_question'" >/dev/null
tail -n +"$((log_mark + 1))" "$work/pg/server.log" >"$results/introspect.glance.log"
log_mark=$(wc -l <"$work/pg/server.log")
$p_wide -At -f "$here/catalog.sql" >/dev/null
tail -n +"$((log_mark + 1))" "$work/pg/server.log" >"$results/introspect.psql.log"
$(psql_cmd postgres) -c "alter database wide reset log_min_duration_statement" >/dev/null

bench_pair introspect "$runs" \
    "$g_wide ask --show-prompt '$intro_question' > /dev/null" \
    "$p_wide -At -f '$here/catalog.sql' > /dev/null"
fi

if want context; then
say "prompt context: the 36 questions of the context test, live"
eval "$g_wide --format json --context-tokens 100000000 ask --show-prompt '$intro_question'" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["context"]["tokens"])' \
        >"$results/whole_schema_tokens"
python3 "$here/context_recall.py" --glance "$glance_bin" --url "$(glance_url wide)" \
    --source "$root/src/agent/context/mod.rs" >"$results/context_live.json"
fi

if want own_time; then
say "glance's own time per question (fake OpenAI server)"
python3 "$here/fake_openai.py" --port-file "$work/fake.port" &
fake_pid=$!
for _ in $(seq 50); do [[ -s $work/fake.port ]] && break; sleep 0.1; done
[[ -s $work/fake.port ]] || die "the fake OpenAI server did not start"
python3 "$here/own_time.py" --glance "$glance_bin" --url "$(glance_url wide)" \
    --base-url "http://127.0.0.1:$(cat "$work/fake.port")/v1" --runs "$runs" \
    --source "$root/src/agent/context/mod.rs" >"$results/own_time.json"
kill "$fake_pid" 2>/dev/null || true
fi

# MariaDB: the same 2M rows (bench/seed-events-mysql.sql) read by glance and
# by the mariadb client, both through the server's socket. The client has
# no CSV output: its --batch (tab-separated) output is the nearest.
mariadb_version=""
if needs_mariadb; then
say "starting a throwaway MariaDB server"
start_mariadb
mariadb_version=$($(mariadb_cmd mysql) -N -e 'select version()')
$(mariadb_cmd mysql) -e 'create database events'
g_my="$glance_bin -d '$(glance_my_url events)'"
m_events=$(mariadb_cmd events)

# Before seeding: InnoDB flushes the 2M rows in the background for a
# while afterwards, and the disk it keeps busy slows glance's history
# write, not the client that writes nothing.
want mysql_startup && bench_pair mysql_startup "$runs" \
    "$g_my ask --sql 'select 1'" \
    "$m_events --batch -e 'select 1'" mariadb

if want mysql_csv; then
say "seeding events on MariaDB ($rows rows)"
seed_start=$(date +%s)
{ echo "set @rows = $rows;"; cat "$here/seed-events-mysql.sql"; } | $(mariadb_cmd events) >/dev/null
echo "$(($(date +%s) - seed_start))" >"$results/mysql_seed_seconds"
bench_pair mysql_csv "$big_runs" \
    "$g_my ask --format csv --sql 'select * from events' > /dev/null" \
    "$m_events --batch -e 'select * from events' > /dev/null" mariadb
fi
fi

if [[ -n $cases ]]; then
    say "medians of the selected cases ($cases); $out is not written"
    python3 - "$results" <<'PY'
import glob, json, os, statistics, sys
results = sys.argv[1]
times = {}
for path in sorted(glob.glob(os.path.join(results, "*.round*.json"))):
    case = os.path.basename(path).split(".round")[0]
    for r in json.load(open(path))["results"]:
        times.setdefault((case, r["command"]), []).extend(r["times"])
cases = sorted({case for case, _ in times})
for case in cases:
    med = {tool: statistics.median(t) * 1000 for (c, tool), t in times.items() if c == case}
    line = ", ".join(f"{tool} {ms:.1f} ms" for tool, ms in sorted(med.items()))
    other = next((tool for tool in med if tool != "glance"), None)
    ratio = f", ratio {med['glance'] / med[other]:.2f}x" if "glance" in med and other else ""
    rss = []
    for tool in sorted(med):
        kib = [int(v) for v in open(os.path.join(results, f"{case}.{tool}.rss")).read().split()]
        rss.append(f"{tool} {statistics.median(kib) / 1024:.1f} MiB")
    print(f"{case}: median {line}{ratio}; peak RSS {', '.join(rss)}")
path = os.path.join(results, "own_time.json")
if os.path.exists(path):
    print("own_time:", open(path).read().strip()[:2000])
log = os.path.join(results, "introspect.glance.log")
if os.path.exists(log):
    print("introspect statements (server log):")
    for line in open(log):
        if "duration:" in line:
            print("  " + line.strip()[:160])
PY
    exit 0
fi

say "writing $out"
python3 "$here/report.py" --results "$results" --out "$out" \
    --glance "$glance_bin" --root "$root" --server-version "$server_version" --rustc "$rustc_version" \
    --build-seconds "$build_seconds" --build-scope "$build_scope" --rows "$rows" \
    --mariadb-version "$mariadb_version" \
    --total-seconds "$(($(date +%s) - started_at))"
say "done in $(($(date +%s) - started_at)) s"
