//! `glance mcp` driven by a real MCP client: the official Python SDK
//! (`tests/e2e/mcp_client.py`, package `mcp` from PyPI in a virtual
//! environment `.ci/run` makes). Every tool is called; a write sent to
//! `run_sql` is refused and changes nothing; the whole PostgreSQL safety
//! corpus goes through `run_sql` with the database's fingerprint unchanged;
//! `--allow-write` asks the person through elicitation; a client that
//! vanishes mid-statement ends the server and its query; stdout holds only
//! JSON-RPC lines while the log goes to `--log`; bad lines get errors and
//! the server goes on; a call cancelled while the person is asked runs
//! nothing, nor does one cancelled while it waits its turn; SIGTERM and
//! SIGHUP stop the statement and the server, SIGINT only the statement.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use serde_json::{Value as Json, json};

use crate::harness::{self, Cmd, TestDb, glance_bin, wait_until};
use crate::safety;

/// The Python with the `mcp` package: `GLANCE_TEST_MCP_PYTHON`, or the
/// virtual environment `.ci/run` creates.
fn python() -> PathBuf {
    let path = std::env::var_os("GLANCE_TEST_MCP_PYTHON").map_or_else(
        || {
            let home = std::env::var_os("HOME").unwrap_or_default();
            PathBuf::from(home).join(".cache/glance-ci/mcp-venv/bin/python")
        },
        PathBuf::from,
    );
    let works = Command::new(&path)
        .args(["-c", "import mcp"])
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(
        works,
        "these tests need Python with the MCP SDK at {}: run .ci/run, or \
         python3 -m venv ~/.cache/glance-ci/mcp-venv && \
         ~/.cache/glance-ci/mcp-venv/bin/pip install mcp==2.3.0 \
         (or point GLANCE_TEST_MCP_PYTHON at a Python that has it)",
        path.display()
    );
    path
}

/// Runs the client on `glance mcp ARGS`, making `calls` (and answering
/// elicitations with `answers`, when given); its JSON report.
fn client(args: &[&str], calls: &[(&str, Json)], answers: Option<&[bool]>) -> Json {
    let args = [&["mcp"][..], args].concat();
    let mut spec = json!({
        "command": glance_bin(),
        "args": args,
        "env": {"LANG": "C.UTF-8"},
        "calls": calls.iter().map(|(name, arguments)| json!([name, arguments])).collect::<Vec<_>>(),
    });
    if let Some(answers) = answers {
        spec["answers"] = json!(answers);
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/e2e/mcp_client.py");
    let out = Cmd::new(python()).arg(script).stdin(spec.to_string()).run();
    out.success();
    serde_json::from_str(out.stdout.trim())
        .unwrap_or_else(|e| panic!("the client printed no report ({e})\n{out}"))
}

fn shop() -> TestDb {
    let db = harness::db("mcp");
    db.execute(
        "create table customers (id int primary key, name text, status text);
         insert into customers values (1, 'Ann', 'active'), (2, 'Bo', 'active'), (3, 'Cy', 'gone');
         create table orders (id int primary key, customer_id int references customers, total numeric);
         insert into orders select g, 1 + g % 3, g * 2 from generate_series(1, 40) g;
         analyze;",
    );
    db
}

#[test]
fn a_real_client_lists_and_calls_every_tool_and_a_write_runs_nothing() {
    let db = shop();
    let before = db.fingerprint();
    let report = client(
        &["-d", db.url()],
        &[
            ("list_tables", json!({})),
            ("describe_table", json!({"table": "orders"})),
            (
                "run_sql",
                json!({"sql": "select id, name from customers order by id", "max_rows": 2}),
            ),
            (
                "explain",
                json!({"sql": "select * from orders where customer_id = 2"}),
            ),
            (
                "classify_sql",
                json!({"sql": "update customers set status = 'x' where id = 1"}),
            ),
            ("slow_queries", json!({})),
            (
                "index_advice",
                json!({"sql": "select * from orders where customer_id = 2"}),
            ),
            ("check_quality", json!({"table": "orders"})),
            (
                "run_sql",
                json!({"sql": "update customers set status = 'x' where id = 1"}),
            ),
            ("describe_table", json!({"table": "missing"})),
        ],
        None,
    );
    assert_eq!(report["protocol"], "2025-11-25", "{report}");
    let names: Vec<&str> = report["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "list_tables",
            "describe_table",
            "run_sql",
            "explain",
            "classify_sql",
            "slow_queries",
            "index_advice",
            "check_quality"
        ]
    );
    assert!(
        report["tools"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["readOnlyHint"] == true),
        "{report}"
    );
    let results = report["results"].as_array().unwrap();
    for (n, result) in results[..8].iter().enumerate() {
        assert_eq!(result["isError"], false, "call {n}: {result}");
        assert!(
            result["text"]
                .as_str()
                .unwrap()
                .contains("not instructions"),
            "call {n}: {result}"
        );
    }
    let tables: Vec<&Json> = results[0]["structured"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["Name"])
        .collect();
    assert_eq!(tables, [&json!("customers"), &json!("orders")]);
    assert_eq!(
        results[2]["structured"]["rows"],
        json!([{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bo"}])
    );
    assert_eq!(results[2]["structured"]["truncated"], true);
    assert_eq!(results[4]["structured"]["level"], "write");
    let refused = &results[8];
    assert_eq!(refused["isError"], true, "{refused}");
    assert_eq!(refused["structured"]["level"], "write", "{refused}");
    assert!(
        refused["text"].as_str().unwrap().contains("--allow-write"),
        "{refused}"
    );
    assert_eq!(results[9]["isError"], true);
    assert_eq!(
        db.query_scalar("select status from customers where id = 1")
            .as_deref(),
        Some("active")
    );
    assert_eq!(db.fingerprint(), before);
}

#[test]
fn writes_run_only_when_allowed_and_the_person_says_yes() {
    let db = shop();
    let update = |id: i32| {
        (
            "run_sql",
            json!({"sql": format!("update customers set status = 'vip' where id = {id}")}),
        )
    };
    let report = client(
        &["--allow-write", "-d", db.url()],
        &[update(1), update(2)],
        Some(&[true, false]),
    );
    let run_sql = report["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "run_sql")
        .unwrap();
    assert_eq!(run_sql["readOnlyHint"], false);
    let results = report["results"].as_array().unwrap();
    assert_eq!(results[0]["isError"], false, "{report}");
    assert_eq!(results[0]["structured"]["row_count"], 1);
    assert_eq!(results[1]["isError"], true, "{report}");
    let asked = report["asked"].as_array().unwrap();
    assert_eq!(asked.len(), 2);
    assert!(
        asked[0]
            .as_str()
            .unwrap()
            .contains("update customers set status = 'vip' where id = 1"),
        "{asked:?}"
    );
    assert_eq!(
        db.query_scalar("select string_agg(status, ',' order by id) from customers")
            .as_deref(),
        Some("vip,active,gone")
    );
    // A client that cannot ask the person gets a refusal, allowed or not.
    let report = client(&["--allow-write", "-d", db.url()], &[update(3)], None);
    let refused = &report["results"][0];
    assert_eq!(refused["isError"], true, "{report}");
    assert!(
        refused["text"].as_str().unwrap().contains("elicitation"),
        "{refused}"
    );
    assert_eq!(
        db.query_scalar("select status from customers where id = 3")
            .as_deref(),
        Some("gone")
    );
}

/// Statements per server: each batch ends with a fingerprint check.
const BATCH: usize = 50;

#[test]
#[allow(clippy::print_stdout)] // the counts are this test's report
fn the_whole_safety_corpus_through_run_sql_changes_nothing() {
    let started = Instant::now();
    let db = safety::seeded("mcp_corpus");
    let mut checker = db.client();
    checker
        .batch_execute("listen chan")
        .expect("listen for notifications");
    let baseline = safety::fingerprint(&mut checker);
    let rows = safety::corpus("pg");
    let (mut ran, mut refused, mut rejected) = (0, 0, 0);
    let (mut failed, mut problems) = (Vec::new(), Vec::new());
    for batch in rows.chunks(BATCH) {
        let calls: Vec<(&str, Json)> = batch
            .iter()
            .map(|(_, _, sql)| ("run_sql", json!({"sql": sql})))
            .collect();
        let report = client(&["-d", db.url()], &calls, None);
        for ((line, expected, sql), result) in
            batch.iter().zip(report["results"].as_array().unwrap())
        {
            let level = result["structured"]["level"].as_str();
            match (result["isError"] == true, level) {
                (false, _) if expected == "read_only" => ran += 1,
                (false, _) => problems.push(format!(
                    "line {line}: ran, but the corpus says {expected}: {sql}"
                )),
                (true, Some(level)) if level != "read_only" => refused += 1,
                // A read the server refused on this schema.
                (true, _) if expected == "read_only" => {
                    failed.push(format!("line {line}: {}", result["text"]))
                }
                // Unreadable input the server's parse rejected: no verdict.
                (true, _) => rejected += 1,
            }
        }
        let changed = safety::differences(&baseline, &safety::fingerprint(&mut checker));
        if !changed.is_empty() || !checker.notifications().is_empty() {
            problems.push(format!(
                "a statement of lines {}..{} changed the database: {changed:?}",
                batch[0].0,
                batch[batch.len() - 1].0
            ));
        }
    }
    println!(
        "run_sql over the corpus: {} statements: {ran} read-only ran, {refused} refused with \
         their verdict, {rejected} rejected by the server's parse, {} read-only failed on the \
         server: {failed:#?}; {:.1} s",
        rows.len(),
        failed.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        ran > 10 * failed.len(),
        "most reads should run: {ran} ran, failed: {failed:#?}"
    );
}

/// A read that runs for hours: a nested loop over the catalog, four deep.
const LONG: &str = "select count(*) from pg_class a, pg_class b, pg_class c, pg_class d";

#[test]
fn a_client_that_vanishes_mid_call_ends_the_server_and_its_query() {
    let db = shop();
    let home = harness::scratch_dir("mcp_vanish");
    let (server, mut stdin, mut stdout) = spawn(&["mcp", "-d", db.url()], &home);
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "vanishing", "version": "1"}}});
    writeln!(stdin, "{initialize}").unwrap();
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(
        serde_json::from_str::<Json>(&line).unwrap()["result"]["protocolVersion"],
        "2025-11-25"
    );
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "run_sql", "arguments": {"sql": LONG}}});
    writeln!(
        stdin,
        "{{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}}\n{call}"
    )
    .unwrap();
    let sleeping = format!(
        "select count(*) from pg_stat_activity where query = '{LONG}' and pid <> pg_backend_pid()"
    );
    wait_until("the statement runs", || {
        db.query_scalar(&sleeping).as_deref() == Some("1")
    });
    drop(stdin);
    let server = std::sync::Mutex::new(server);
    let exited = || server.lock().unwrap().try_wait().unwrap();
    wait_until("the server exits", || exited().is_some());
    assert_eq!(exited().and_then(|status| status.code()), Some(0));
    wait_until("the statement is gone", || {
        db.query_scalar(&sleeping).as_deref() == Some("0")
    });
}

#[test]
fn stdout_carries_only_the_protocol_and_the_log_goes_to_its_file() {
    let db = shop();
    let log = harness::scratch_dir("mcp_log").join("server.log");
    let lines = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "piped", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
               "params": {"name": "run_sql", "arguments": {"sql": "select name from customers where id = 1"}}}),
    ];
    let input: String = lines.iter().map(|line| format!("{line}\n")).collect();
    let out = harness::glance()
        .args(["mcp", "-d", db.url(), "--log"])
        .arg(&log)
        .stdin(input)
        .run();
    out.success();
    let answers = json_lines(&out.stdout);
    assert_eq!(answers.len(), 2, "{out}");
    assert_eq!(
        answers[1]["result"]["structuredContent"]["rows"],
        json!([{"name": "Ann"}])
    );
    assert!(!out.stderr.contains("glance mcp:"), "{out}");
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("glance mcp: piped connected (protocol 2025-11-25)"),
        "{logged}"
    );
    assert!(
        logged.contains("run_read_only_sql(select name from customers where id = 1): ok"),
        "{logged}"
    );
    assert!(
        logged.contains("the client closed the connection"),
        "{logged}"
    );
}

#[test]
fn bad_lines_get_errors_and_the_server_keeps_serving() {
    let dir = harness::scratch_dir("mcp_bad_lines");
    let path = dir.join("t.db");
    rusqlite::Connection::open(&path)
        .and_then(|conn| conn.execute_batch("create table t (a int);"))
        .expect("create sqlite file");
    let mut input = b"\xff\xfe not UTF-8\n".to_vec();
    input.extend_from_slice(b"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]\n");
    input.extend_from_slice(b"{\"jsonrpc\":\"2.0\",\"id\":{\"x\":1},\"method\":\"ping\"}\n");
    input.extend(std::iter::repeat_n(b' ', 9 << 20));
    input.extend_from_slice(b"\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n");
    let out = harness::glance()
        .args(["mcp", "-d", path.to_str().unwrap()])
        .stdin(input)
        .run();
    out.success();
    let answers = json_lines(&out.stdout);
    let codes: Vec<&Json> = answers.iter().map(|a| &a["error"]["code"]).collect();
    assert_eq!(
        codes,
        [
            &json!(-32700),
            &json!(-32600),
            &json!(-32600),
            &json!(-32700),
            &Json::Null
        ],
        "{out}"
    );
    assert!(answers[..4].iter().all(|a| a["id"].is_null()), "{out}");
    assert!(
        answers[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not take batches"),
        "{out}"
    );
    assert_eq!(answers[4], json!({"jsonrpc": "2.0", "id": 2, "result": {}}));
}

/// Each line of `stdout` as JSON; anything else fails the test.
fn json_lines(stdout: &str) -> Vec<Json> {
    stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON-RPC ({e}): {line}"))
        })
        .collect()
}

#[test]
fn cancelling_a_call_while_the_person_is_asked_runs_nothing() {
    let dir = harness::scratch_dir("mcp_cancel");
    let path = dir.join("t.db");
    rusqlite::Connection::open(&path)
        .and_then(|conn| conn.execute_batch("create table t (a int); insert into t values (1);"))
        .expect("create sqlite file");
    let (mut server, mut stdin, mut stdout) = spawn(
        &["mcp", "--allow-write", "-d", path.to_str().unwrap()],
        &dir,
    );
    let mut read = || {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        serde_json::from_str::<Json>(&line).unwrap()
    };
    let lines = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {"elicitation": {}},
            "clientInfo": {"name": "cancelling", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
               "params": {"name": "run_sql", "arguments": {"sql": "delete from t"}}}),
    ];
    for line in lines {
        writeln!(stdin, "{line}").unwrap();
    }
    assert_eq!(read()["id"], 1);
    let asked = read();
    assert_eq!(asked["method"], "elicitation/create");
    let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                        "params": {"requestId": 2}});
    let ping = json!({"jsonrpc": "2.0", "id": 3, "method": "ping"});
    writeln!(stdin, "{cancel}\n{ping}").unwrap();
    let withdrawn = read();
    assert_eq!(withdrawn["method"], "notifications/cancelled");
    assert_eq!(withdrawn["params"]["requestId"], asked["id"]);
    assert_eq!(read(), json!({"jsonrpc": "2.0", "id": 3, "result": {}}));
    drop(stdin);
    assert!(server.wait().unwrap().success());
    let rows: i64 = rusqlite::Connection::open(&path)
        .and_then(|conn| conn.query_row("select count(*) from t", [], |row| row.get(0)))
        .unwrap();
    assert_eq!(rows, 1);
}

/// `notifications/cancelled` for a call whose statement runs stops the
/// statement; the call gets no response and the server answers the next.
#[test]
fn cancelling_a_running_call_stops_its_statement_and_the_server_goes_on() {
    let db = shop();
    let home = harness::scratch_dir("mcp_cancel_running");
    let (mut server, mut stdin, mut stdout) = spawn(&["mcp", "-d", db.url()], &home);
    let mut read = || {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        serde_json::from_str::<Json>(&line).unwrap()
    };
    // pg_sleep is refused by run_sql (it holds the session): a long read.
    let sleep = LONG;
    let lines = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "cancelling", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
               "params": {"name": "run_sql", "arguments": {"sql": sleep}}}),
    ];
    for line in lines {
        writeln!(stdin, "{line}").unwrap();
    }
    assert_eq!(read()["id"], 1);
    let sleeping = format!(
        "select count(*) from pg_stat_activity where query = '{sleep}' \
         and state = 'active' and pid <> pg_backend_pid()"
    );
    wait_until("the long read runs", || {
        db.query_scalar(&sleeping).as_deref() == Some("1")
    });
    let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                        "params": {"requestId": 2, "reason": "enough"}});
    let count = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
        "params": {"name": "run_sql", "arguments": {"sql": "select count(*) as n from orders"}}});
    writeln!(stdin, "{cancel}\n{count}").unwrap();
    let next = read();
    assert_eq!(next["id"], 3, "the cancelled call gets no response: {next}");
    assert_eq!(next["result"]["isError"], false, "{next}");
    assert_eq!(
        next["result"]["structuredContent"]["rows"][0]["n"], 40,
        "{next}"
    );
    wait_until("the long read is gone", || {
        db.query_scalar(&sleeping).as_deref() == Some("0")
    });
    drop(stdin);
    assert!(server.wait().unwrap().success());
}

/// On SQLite `index_advice` builds candidates in a transaction it rolls
/// back, holding the write lock: it is not announced as read-only there,
/// and not as destructive either.
#[test]
fn sqlite_index_advice_is_not_announced_read_only() {
    let dir = harness::scratch_dir("mcp_sqlite_hints");
    let path = dir.join("t.db");
    rusqlite::Connection::open(&path)
        .and_then(|conn| conn.execute_batch("create table t (a int);"))
        .expect("create sqlite file");
    let (mut server, mut stdin, mut stdout) = spawn(&["mcp", "-d", path.to_str().unwrap()], &dir);
    let lines = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "hints", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
    ];
    for line in lines {
        writeln!(stdin, "{line}").unwrap();
    }
    drop(stdin);
    let mut text = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut text).unwrap();
    assert!(server.wait().unwrap().success());
    let listed = json_lines(&text);
    let tools = listed[1]["result"]["tools"].as_array().unwrap();
    let advice = tools.iter().find(|t| t["name"] == "index_advice").unwrap();
    assert_eq!(advice["annotations"]["readOnlyHint"], false, "{advice}");
    assert_eq!(advice["annotations"]["destructiveHint"], false, "{advice}");
    assert!(
        advice["description"]
            .as_str()
            .unwrap()
            .contains("rolled back"),
        "{advice}"
    );
}

/// `glance ARGS` with piped stdin and stdout, for a test to speak to.
fn spawn(args: &[&str], home: &Path) -> (Child, ChildStdin, BufReader<ChildStdout>) {
    let mut server = Command::new(glance_bin())
        .args(args)
        .env_clear()
        .envs(harness::clean_env(home))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start glance mcp");
    let stdin = server.stdin.take().unwrap();
    let stdout = BufReader::new(server.stdout.take().unwrap());
    (server, stdin, stdout)
}

/// The next JSON-RPC line the server writes.
fn read_json(stdout: &mut BufReader<ChildStdout>) -> Json {
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON-RPC ({e}): {line}"))
}

/// Calls the client cancels while they wait behind another (here one
/// whose write the person is asked about) are dropped: nobody is asked,
/// nothing runs, no response; the call ahead of them is answered.
#[test]
fn cancelling_a_queued_call_drops_it_unasked_and_unrun() {
    let db = shop();
    let home = harness::scratch_dir("mcp_cancel_queued");
    let (mut server, mut stdin, mut stdout) =
        spawn(&["mcp", "--allow-write", "-d", db.url()], &home);
    let insert = |id: u64, customer: u64| {
        json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": "run_sql",
            "arguments": {"sql": format!("insert into customers values ({customer}, 'New', 'new')")}}})
    };
    let lines = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {"elicitation": {}},
            "clientInfo": {"name": "queueing", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        insert(2, 10),
    ];
    for line in lines {
        writeln!(stdin, "{line}").unwrap();
    }
    assert_eq!(read_json(&mut stdout)["id"], 1);
    let asked = read_json(&mut stdout);
    assert_eq!(asked["method"], "elicitation/create", "{asked}");
    let long = json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call",
        "params": {"name": "run_sql", "arguments": {"sql": LONG}}});
    let cancel = |id: u64| json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": id}});
    let yes = json!({"jsonrpc": "2.0", "id": asked["id"],
        "result": {"action": "accept", "content": {"run": true}}});
    let ping = json!({"jsonrpc": "2.0", "id": 5, "method": "ping"});
    for line in [insert(3, 11), long, cancel(3), cancel(4), yes, ping] {
        writeln!(stdin, "{line}").unwrap();
    }
    let answered = read_json(&mut stdout);
    assert_eq!(answered["id"], 2, "{answered}");
    assert_eq!(answered["result"]["isError"], false, "{answered}");
    // The hours-long read, had it run, would hold the ping back.
    assert_eq!(
        read_json(&mut stdout),
        json!({"jsonrpc": "2.0", "id": 5, "result": {}}),
        "no elicitation and no response for the cancelled calls"
    );
    assert_eq!(
        db.query_scalar("select string_agg(id::text, ',' order by id) from customers where id > 3")
            .as_deref(),
        Some("10")
    );
    drop(stdin);
    assert!(server.wait().unwrap().success());
}

/// SIGTERM and SIGHUP (a client's shutdown) cancel the running statement
/// and end the server with status 0, as closing stdin does; SIGINT
/// cancels the statement and the server goes on.
#[test]
fn termination_signals_stop_the_statement_and_the_server_and_sigint_only_the_statement() {
    use rustix::process::{Pid, Signal, kill_process};
    let db = shop();
    let running = format!(
        "select count(*) from pg_stat_activity where query = '{LONG}' and state = 'active' \
         and datname = current_database() and pid <> pg_backend_pid()"
    );
    let start = |signal: &str| {
        let home = harness::scratch_dir(&format!("mcp_{signal}"));
        let (server, mut stdin, mut stdout) = spawn(&["mcp", "-d", db.url()], &home);
        let lines = [
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": {},
                "clientInfo": {"name": "signalling", "version": "1"}}}),
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                   "params": {"name": "run_sql", "arguments": {"sql": LONG}}}),
        ];
        for line in lines {
            writeln!(stdin, "{line}").unwrap();
        }
        assert_eq!(read_json(&mut stdout)["id"], 1);
        wait_until("the long read runs", || {
            db.query_scalar(&running).as_deref() == Some("1")
        });
        let pid = Pid::from_raw(i32::try_from(server.id()).unwrap()).unwrap();
        (server, pid, stdin, stdout)
    };
    for (name, signal) in [("term", Signal::TERM), ("hup", Signal::HUP)] {
        let (server, pid, _stdin, _stdout) = start(name);
        kill_process(pid, signal).unwrap();
        let server = std::sync::Mutex::new(server);
        let exited = || server.lock().unwrap().try_wait().unwrap();
        wait_until("the server exits", || exited().is_some());
        assert_eq!(exited().and_then(|status| status.code()), Some(0), "{name}");
        wait_until("the long read is gone", || {
            db.query_scalar(&running).as_deref() == Some("0")
        });
    }
    let (mut server, pid, mut stdin, mut stdout) = start("int");
    kill_process(pid, Signal::INT).unwrap();
    let stopped = read_json(&mut stdout);
    assert_eq!(stopped["id"], 2, "{stopped}");
    assert_eq!(stopped["result"]["isError"], true, "{stopped}");
    wait_until("the long read is gone", || {
        db.query_scalar(&running).as_deref() == Some("0")
    });
    let ping = json!({"jsonrpc": "2.0", "id": 3, "method": "ping"});
    writeln!(stdin, "{ping}").unwrap();
    assert_eq!(
        read_json(&mut stdout),
        json!({"jsonrpc": "2.0", "id": 3, "result": {}})
    );
    drop(stdin);
    assert!(server.wait().unwrap().success());
}
