//! The person's own tools (`[tools.NAME]`) end to end: small scripts in a
//! scratch folder, the real binary, a SQLite file and a fake OpenAI
//! server. Asserts what runs, what asks first, what the model gets back
//! and that a plugin's SQL never runs by itself.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::fake_llm::{FakeLlm, Reply};
use crate::fake_tool_calls::{offered, results};
use crate::harness::{self, Cmd, Repl, glance};

/// A scratch folder with a SQLite shop and a config naming `plugins`
/// (TOML tables, `{dir}` standing for the folder).
struct Setup {
    dir: PathBuf,
    db: PathBuf,
    config: PathBuf,
}

fn setup(hint: &str, plugins: &str) -> Setup {
    let dir = harness::scratch_dir(hint);
    let db = dir.join("shop.db");
    rusqlite::Connection::open(&db)
        .and_then(|conn| {
            conn.execute_batch(
                "create table items (id integer primary key, name text, price real);
                 insert into items values (1, 'pen', 1.5), (2, 'ink', 4.0);",
            )
        })
        .expect("seed the shop");
    let config = dir.join("config.toml");
    let text = plugins.replace("{dir}", &dir.to_string_lossy());
    std::fs::write(&config, text).unwrap();
    Setup { dir, db, config }
}

/// Writes an executable shell script `name` into `dir`.
fn script(dir: &Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_string_lossy().into_owned()
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/plugins")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn ask(setup: &Setup, fake: &FakeLlm, args: &[&str]) -> Cmd {
    let mut cmd = glance()
        .args(["ask", "-d"])
        .arg(&setup.db)
        .args(["how many items are there?", "--format", "csv"])
        .args(args)
        .env("GLANCE_CONFIG", &setup.config);
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    cmd
}

/// The REPL on the setup's shop with `args`, reading `input` from a pipe.
fn piped_repl(setup: &Setup, fake: &FakeLlm, args: &[&str], input: &str) -> harness::Output {
    let mut cmd = glance()
        .args(["repl", "-d"])
        .arg(&setup.db)
        .args(args)
        .env("GLANCE_CONFIG", &setup.config)
        .stdin(input);
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    cmd.run()
}

/// The REPL on the setup's shop, at its first prompt.
fn start_repl(setup: &Setup) -> Repl {
    let env = [("GLANCE_CONFIG", setup.config.to_string_lossy().into_owned())];
    let db = setup.db.to_string_lossy().into_owned();
    let mut repl = harness::pty_with_env(["repl", "-d", db.as_str()], &env);
    repl.expect_prompt();
    repl
}

fn count_items(setup: &Setup) -> Option<i64> {
    let conn = rusqlite::Connection::open(&setup.db).ok()?;
    conn.query_row("select count(*) from items", [], |r| r.get(0))
        .ok()
}

#[test]
fn the_model_calls_plugins_and_their_sql_is_only_data() {
    let setup = setup(
        "plugins_model",
        &format!(
            "[tools.metric]\ncommand = [\"{}\"]\ndescription = \"a metric's SQL\"\nread_only = true\n\
             [tools.today]\ncommand = [\"{}\"]\nread_only = true\n\
             [tools.suggest]\ncommand = [\"{{dir}}/suggest.sh\"]\nread_only = true\n",
            example("metric.py"),
            example("today.sh"),
        ),
    );
    script(
        &setup.dir,
        "suggest.sh",
        r#"echo '{"sql": "DROP TABLE items"}'"#,
    );
    let fake = FakeLlm::openai(vec![
        Reply::call("metric", json!({"metric": "items"})),
        Reply::call("today", json!({})),
        Reply::call("suggest", json!({})),
        Reply::sql("drop table items"),
    ]);
    let out = ask(&setup, &fake, &[]).run();
    out.stderr_has("→ metric(items)").stderr_has("→ suggest()");
    assert_ne!(out.code, Some(0), "the final DROP needs a terminal: {out}");
    assert_eq!(count_items(&setup), Some(2), "{out}");
    let requests = fake.requests();
    assert!(offered(&requests[0].body).contains(&"metric".to_string()));
    let back = results(&requests[3].body);
    assert!(back[0].1.contains("<tool_result>"), "{}", back[0].1);
    assert!(
        back[0].1.contains("select count(*) as items from items"),
        "{}",
        back[0].1
    );
    assert!(back[0].1.contains(r#""dialect":"sqlite""#), "{}", back[0].1);
    assert!(back[1].1.contains(r#""database":"shop""#), "{}", back[1].1);
    assert!(back[2].1.contains("DROP TABLE items"), "{}", back[2].1);
}

#[test]
fn ask_refuses_a_plugin_that_writes_without_allow_tools() {
    let setup = setup(
        "plugins_refuse",
        "[tools.note]\ncommand = [\"{dir}/note.sh\"]\n",
    );
    script(&setup.dir, "note.sh", "cat > \"$0.ran\"; echo noted");
    let marker = setup.dir.join("note.sh.ran");
    let script_calls = || {
        FakeLlm::openai(vec![
            Reply::call("note", json!({"text": "hello"})),
            Reply::sql("select count(*) as n from items"),
        ])
    };
    let fake = script_calls();
    let out = ask(&setup, &fake, &[]).run();
    out.success()
        .stdout_has("n\n2\n")
        .stderr_has("tool note was not run: it is not read-only");
    assert!(!marker.exists(), "{out}");
    let back = results(&fake.requests()[1].body);
    assert!(back[0].1.contains("not run"), "{}", back[0].1);

    let fake = script_calls();
    let out = ask(&setup, &fake, &["--allow-tools"]).run();
    out.success().stdout_has("n\n2\n");
    let input = std::fs::read_to_string(&marker).unwrap();
    assert!(input.contains(r#""arguments":{"text":"hello"}"#), "{input}");
    assert!(results(&fake.requests()[1].body)[0].1.contains("noted"));
}

#[test]
fn broken_and_hanging_plugins_are_errors_and_the_question_goes_on() {
    let setup = setup(
        "plugins_broken",
        "[tools.missing]\ncommand = [\"{dir}/nowhere\"]\nread_only = true\n\
         [tools.crash]\ncommand = [\"{dir}/crash.sh\"]\nread_only = true\n\
         [tools.hang]\ncommand = [\"{dir}/hang.sh\"]\nread_only = true\ntimeout = \"1s\"\n",
    );
    script(
        &setup.dir,
        "crash.sh",
        "echo 'the disk is on fire' >&2; exit 1",
    );
    let pid_file = setup.dir.join("sleeper.pid");
    script(
        &setup.dir,
        "hang.sh",
        &format!("sleep 600 & echo $! > {}; wait", pid_file.display()),
    );
    let fake = FakeLlm::openai(vec![
        Reply::call("missing", json!({})),
        Reply::call("crash", json!({})),
        Reply::call("hang", json!({})),
        Reply::sql("select count(*) as n from items"),
    ]);
    let out = ask(&setup, &fake, &[]).run();
    out.success().stdout_has("n\n2\n");
    let back = results(&fake.requests()[3].body);
    assert!(
        back[0].1.contains("tool missing: cannot start"),
        "{}",
        back[0].1
    );
    assert!(
        back[1]
            .1
            .contains("tool crash: exited with status 1: the disk is on fire"),
        "{}",
        back[1].1
    );
    assert!(
        back[2].1.contains("tool hang: did not finish within 1s"),
        "{}",
        back[2].1
    );
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let stat = format!("/proc/{}/stat", pid.trim());
    harness::wait_until("the plugin's child to be gone", || {
        std::fs::read_to_string(&stat).map_or(true, |s| s.contains(") Z "))
    });
}

#[test]
fn tools_are_listed_and_called_by_hand_asking_before_writes() {
    let setup = setup(
        "plugins_repl",
        &format!(
            "[tools.today]\ncommand = [\"{}\"]\ndescription = \"today's date\"\nread_only = true\n\
             [tools.note]\ncommand = [\"{{dir}}/note.sh\"]\ndescription = \"keeps a note\"\n\
             [tools.slow]\ncommand = [\"{{dir}}/slow.sh\"]\nread_only = true\n",
            example("today.sh"),
        ),
    );
    script(&setup.dir, "slow.sh", "touch \"$0.ran\"; sleep 600");
    let slow_marker = setup.dir.join("slow.sh.ran");
    script(&setup.dir, "note.sh", "cat > \"$0.ran\"; echo noted");
    let marker = setup.dir.join("note.sh.ran");
    let mut repl = start_repl(&setup);
    repl.send_line("\\tools");
    repl.expect_all(&[
        "list_tables",
        "built-in",
        "today",
        "read-only",
        "note",
        "asks first",
    ]);
    repl.expect_prompt();
    repl.send_line("\\tool today");
    repl.expect("\"dialect\": \"sqlite\"");
    repl.expect_prompt();
    repl.send_line("\\tool note {\"text\": \"hi\"}");
    repl.expect("Run it? [y/N]");
    repl.send_line("n");
    repl.expect("declined");
    repl.expect_prompt();
    assert!(!marker.exists());
    repl.send_line("\\tool note {\"text\": \"hi\"}");
    repl.expect("Run it? [y/N]");
    repl.send_line("y");
    repl.expect("noted");
    repl.expect_prompt();
    assert!(marker.exists());
    repl.send_line("\\tool note [1]");
    repl.expect("not a JSON object");
    repl.expect_prompt();
    repl.send_line("\\tool slow");
    repl.expect("\\tool slow");
    harness::wait_until("the slow plugin to start", || slow_marker.exists());
    repl.ctrl('c');
    repl.expect("cancelled");
    repl.expect_prompt();
    repl.send_line("\\tool nothing {}");
    repl.expect("there is no tool named \"nothing\"");
    repl.expect_prompt();
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0);
}

#[test]
fn a_plugin_without_a_command_is_a_located_config_error() {
    let setup = setup(
        "plugins_config",
        "[tools.x]\ndescription = \"nothing to run\"\n",
    );
    glance()
        .args(["ask", "--sql", "select 1", "-d"])
        .arg(&setup.db)
        .env("GLANCE_CONFIG", &setup.config)
        .run()
        .code(2)
        .stderr_has("line 1")
        .stderr_has("key `tools.x`")
        .stderr_has("`command` needs the program to run");
}

#[test]
fn an_mcp_server_s_tools_are_listed_and_called() {
    let setup = setup(
        "plugins_mcp",
        &format!(
            "[mcp.self]\ncommand = [\"{}\", \"mcp\", \"-d\", \"{{dir}}/shop.db\"]\ntimeout = \"20s\"\n",
            harness::glance_bin()
        ),
    );
    let fake = FakeLlm::openai(vec![
        Reply::call("self__list_tables", json!({})),
        Reply::sql("select count(*) as n from items"),
    ]);
    let out = ask(&setup, &fake, &[]).run();
    out.success()
        .stdout_has("n\n2\n")
        .stderr_has("→ self__list_tables()");
    let requests = fake.requests();
    assert!(offered(&requests[0].body).contains(&"self__describe_table".to_string()));
    let back = results(&requests[1].body);
    assert!(back[0].1.contains("items"), "{}", back[0].1);

    let mut repl = start_repl(&setup);
    repl.send_line("\\tools");
    repl.expect_all(&["self__list_tables", "read-only", "MCP server self"]);
    repl.expect_prompt();
    repl.send_line("\\tool self__list_tables");
    repl.expect("\"items\"");
    repl.expect_prompt();
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0);
}

#[test]
fn an_mcp_server_that_cannot_start_is_a_warning() {
    let setup = setup(
        "plugins_mcp_missing",
        "[mcp.gone]\ncommand = [\"{dir}/nowhere\"]\n",
    );
    let fake = FakeLlm::openai(vec![Reply::sql("select count(*) as n from items")]);
    ask(&setup, &fake, &[])
        .run()
        .success()
        .stdout_has("n\n2\n")
        .stderr_has("MCP server gone: cannot start");
}

#[test]
fn show_prompt_names_the_tools_offered() {
    let setup = setup(
        "plugins_show_prompt",
        &format!("[tools.today]\ncommand = [\"{}\"]\n", example("today.sh")),
    );
    let fake = FakeLlm::openai(Vec::new());
    ask(&setup, &fake, &["--show-prompt"])
        .run()
        .success()
        .stdout_has("Tools offered: list_tables, describe_table, explain, today\n");
    let out = piped_repl(
        &setup,
        &fake,
        &["--format", "json"],
        "\\prompt how many items are there?\n",
    );
    out.success();
    let doc = out.json();
    assert_eq!(
        doc["tools"],
        json!(["list_tables", "describe_table", "explain", "today"]),
        "{out}"
    );
    let out = piped_repl(
        &setup,
        &fake,
        &["--format", "json", "--no-tools"],
        "\\prompt how many items are there?\n",
    );
    assert_eq!(out.json()["tools"], json!([]), "{out}");
    assert!(fake.requests().is_empty());
}

#[test]
fn a_plugin_the_model_calls_in_the_repl_asks_first() {
    let setup = setup(
        "plugins_repl_model",
        "[tools.note]\ncommand = [\"{dir}/note.sh\"]\ndescription = \"keeps a note\"\n",
    );
    script(&setup.dir, "note.sh", "cat > \"$0.ran\"; echo noted");
    let marker = setup.dir.join("note.sh.ran");
    let fake = FakeLlm::openai(vec![
        Reply::call("note", json!({"text": "count them"})),
        Reply::sql("select count(*) as n from items"),
    ]);
    let mut env = fake.env();
    env.push(("GLANCE_CONFIG", setup.config.to_string_lossy().into_owned()));
    let db = setup.db.to_string_lossy().into_owned();
    let mut repl = harness::pty_with_env(["repl", "-d", db.as_str()], &env);
    repl.expect_prompt();
    repl.send_line("how many items are there?");
    repl.expect_all(&[
        "→ note(count them)",
        "tool note is not read-only",
        "Run it? [y/N]",
    ]);
    repl.send_line("n");
    repl.expect_prompt();
    assert!(!marker.exists());
    let back = results(&fake.requests()[1].body);
    assert!(back[0].1.contains("declined"), "{}", back[0].1);
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0);
}

/// `keep.sh`: appends each call it receives to `keep.sh.calls` (read by
/// [`kept_calls`]) and prints `kept`.
fn keep_script(setup: &Setup) {
    script(
        &setup.dir,
        "keep.sh",
        "cat >> \"$0.calls\"; echo >> \"$0.calls\"; echo kept",
    );
}

/// The piped REPL given `input`, with [`keep_script`] in place.
fn keep_repl(setup: &Setup, input: &str) -> harness::Output {
    keep_script(setup);
    piped_repl(setup, &FakeLlm::openai(Vec::new()), &[], input)
}

/// The calls `keep.sh` received, one JSON document each.
fn kept_calls(setup: &Setup) -> Vec<serde_json::Value> {
    std::fs::read_to_string(setup.dir.join("keep.sh.calls"))
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// `last_result = true`: the call's context carries the last result, read
/// again under the read-only guard and capped; before any result it is
/// null with a note. A plugin without it gets none.
#[test]
fn a_plugin_asking_for_the_last_result_gets_it() {
    let setup = setup(
        "plugins_last_result",
        "[tools.keep]\ncommand = [\"{dir}/keep.sh\"]\nread_only = true\nlast_result = true\n\
         [tools.plain]\ncommand = [\"{dir}/keep.sh\"]\nread_only = true\n",
    );
    keep_script(&setup);
    let fake = FakeLlm::openai(Vec::new());
    piped_repl(
        &setup,
        &fake,
        &[],
        "\\tool keep\nselect id, name from items order by id;\n\\tool keep\n\\tool plain\n",
    )
    .success()
    .stdout_has("kept");
    let calls = kept_calls(&setup);
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert_eq!(calls[0]["context"]["last_result"], json!(null));
    assert_eq!(
        calls[0]["context"]["last_result_note"],
        "there is no result yet"
    );
    assert_eq!(
        calls[1]["context"]["last_result"],
        json!({
            "columns": ["id", "name"],
            "rows": [{"id": 1, "name": "pen"}, {"id": 2, "name": "ink"}],
            "truncated": false
        })
    );
    assert!(
        calls[2]["context"].get("last_result").is_none(),
        "{:?}",
        calls[2]
    );
}

/// The question before a plugin that is not read-only runs says when your
/// last result's rows go along, and hides the secrets in its command.
#[test]
fn the_question_before_a_writing_plugin_says_the_last_result_goes_along() {
    let setup = setup(
        "plugins_ask_rows",
        "[tools.wr]\ncommand = [\"{dir}/wr.sh\", \"--token=sk-wr-secret\"]\nlast_result = true\n",
    );
    script(&setup.dir, "wr.sh", "cat > \"$0.ran\"; echo wrote");
    let mut repl = start_repl(&setup);
    repl.send_line("\\tool wr");
    repl.expect("--token=<redacted>");
    repl.expect("your last result's rows go along (last_result = true)");
    repl.expect("Run it? [y/N]");
    repl.send_line("n");
    repl.expect("declined");
    repl.expect_prompt();
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0);
    assert!(!repl.transcript().contains("sk-wr-secret"));
    assert!(!setup.dir.join("wr.sh.ran").exists());
}

/// A plugin named like a psql meta-command glance lacks (`\\set`, `\\dS`)
/// gets no `\\NAME` shortcut: a psql habit never runs it; `\\tool` does,
/// and `\\tools` says so.
#[test]
fn a_plugin_named_like_a_psql_command_is_reached_only_by_tool() {
    let setup = setup(
        "plugins_psql_names",
        "[tools.set]\ncommand = [\"{dir}/keep.sh\"]\nread_only = true\n\
         [tools.dS]\ncommand = [\"{dir}/keep.sh\"]\nread_only = true\n",
    );
    let out = keep_repl(
        &setup,
        "\\set x 1\n\\dS\n\\tools\n\\tool set {\"x\": \"1\"}\n",
    );
    out.success()
        .stderr_has("unknown command \\set")
        .stdout_has("only by \\tool: \\set is a psql command, kept for it")
        .stdout_has("only by \\tool: \\dS is a psql command, kept for it");
    let calls = kept_calls(&setup);
    assert_eq!(calls.len(), 1, "{out}");
    assert_eq!(calls[0]["arguments"], json!({"x": "1"}));
}

/// `\\tools` hides the secrets in a plugin's command line (URL user info
/// and query keys, `--token=X`, `--password X`).
#[test]
fn tools_hides_secrets_in_a_plugin_command() {
    let setup = setup(
        "plugins_tools_secrets",
        "[tools.dump]\ncommand = [\"{dir}/keep.sh\", \"--token=sk-live-ABC\", \"--password\", \"pw-word\", \
         \"https://bob:pa55w0rd@example.com/x?key=SECRETKEY\"]\nread_only = true\n",
    );
    let fake = FakeLlm::openai(Vec::new());
    let out = piped_repl(&setup, &fake, &[], "\\tools\n");
    out.success().stdout_has(
        "keep.sh --token=<redacted> --password <redacted> https://bob:<redacted>@example.com/x?key=<redacted>",
    );
    for secret in ["sk-live-ABC", "pw-word", "pa55w0rd", "SECRETKEY"] {
        out.never_shows(secret);
    }
}

/// After a saved query run with arguments, the last result is that
/// query's, run again with its values bound (a plugin's `last_result`,
/// `\\export`); after a saved write that returns rows, the write is the
/// last result, and it is not run again.
#[test]
fn the_last_result_after_a_saved_query_is_its_own() {
    let setup = setup(
        "plugins_last_saved",
        "[tools.keep]\ncommand = [\"{dir}/keep.sh\"]\nread_only = true\nlast_result = true\n",
    );
    keep_script(&setup);
    let home = harness::scratch_dir("plugins_last_saved_home");
    let queries = home.join(".local/share/glance/queries");
    std::fs::create_dir_all(&queries).unwrap();
    std::fs::write(
        queries.join("one.sql"),
        "select id, name from items where id = :id",
    )
    .unwrap();
    std::fs::write(
        queries.join("reprice.sql"),
        "update items set price = :price where id = :id returning id",
    )
    .unwrap();
    let exported = setup.dir.join("one.csv");
    let input = format!(
        "select id, name from items order by id;\n\\n one 2\n\\tool keep\n\\export csv {}\n\
         \\n reprice 7 1\n\\tool keep\n",
        exported.display()
    );
    glance()
        .home(&home)
        .args(["--yes", "repl", "-d"])
        .arg(&setup.db)
        .env("GLANCE_CONFIG", &setup.config)
        .stdin(input)
        .run()
        .success();
    let calls = kept_calls(&setup);
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(
        calls[0]["context"]["last_result"]["rows"],
        json!([{"id": 2, "name": "ink"}])
    );
    assert_eq!(
        std::fs::read_to_string(&exported).unwrap(),
        "id,name\n2,ink\n"
    );
    assert_eq!(calls[1]["context"]["last_result"], json!(null));
    let note = calls[1]["context"]["last_result_note"].as_str().unwrap();
    assert!(note.contains("writes"), "{note}");
}

/// `\\NAME ARGS` runs a plugin by hand: key=value words, JSON, or one bare
/// word for the only required parameter. A plugin named like a
/// meta-command is reachable only by `\\tool`, and `\\tools` says so.
#[test]
fn a_plugin_runs_by_hand_by_its_own_name() {
    let setup = setup(
        "plugins_shortcut",
        "[tools.keep]\ncommand = [\"{dir}/keep.sh\"]\nread_only = true\n\
         parameters = { type = \"object\", properties = { metric = { type = \"string\" }, n = { type = \"integer\" } }, required = [\"metric\"] }\n\
         [tools.dt]\ncommand = [\"{dir}/keep.sh\"]\nread_only = true\n",
    );
    let out = keep_repl(
        &setup,
        "\\keep items\n\\keep metric='two words' n=5\n\\keep {\"metric\": \"x\"}\n\\keep a b\n\
         \\dt\n\\tool dt\n\\tools\n\\toolz\n\\keep\n\\keep metric=a zz=1\n\\keep metric=a n=abc\n\
         \\keep metric=a metric=b\n\\keep {\"metric\": 5}\n\\tool keep {\"metric\": \"a\", \"n\": \"5\"}\n",
    );
    out.success()
        .stdout_has("kept")
        .stdout_has("items")
        .stderr_has("\\keep: the required parameter `metric` is missing")
        .stderr_has("it takes metric (string, required), n (integer)")
        .stderr_has("\\keep: unknown parameter `zz`")
        .stderr_has("\\keep: `n` is an integer, not `abc`")
        .stderr_has("\\keep: `metric` is given twice; give it once")
        .stderr_has("\\keep: `metric` is a string, not 5")
        .stderr_has("\\tool keep: `n` is an integer, not \"5\"")
        .stderr_has("\\keep: `a` is not key=value")
        .stderr_has("did you mean \\tool")
        .stdout_has("only by \\tool: \\dt is a meta-command")
        .stdout_has("also \\keep ARGS");
    let calls = kept_calls(&setup);
    let arguments: Vec<&serde_json::Value> = calls.iter().map(|call| &call["arguments"]).collect();
    assert_eq!(
        arguments,
        [
            &json!({"metric": "items"}),
            &json!({"metric": "two words", "n": 5}),
            &json!({"metric": "x"}),
            &json!({}),
        ],
        "{out}"
    );
}

/// Ctrl-C during an MCP server's tool call: glance sends the server
/// `notifications/cancelled` (glance's own MCP server then stops the
/// statement), the server answers the ping that follows and stays in use.
#[test]
fn ctrl_c_cancels_a_running_mcp_call_and_the_server_stays() {
    let pg = harness::db("plugins_mcp_cancel");
    let setup = setup(
        "plugins_mcp_cancel",
        &format!(
            "[mcp.pg]\ncommand = [\"{}\", \"mcp\", \"-d\", \"{}\"]\ntimeout = \"600s\"\n",
            harness::glance_bin(),
            pg.url()
        ),
    );
    let long = "select count(*) from pg_class a, pg_class b, pg_class c, pg_class d";
    let running = format!(
        "select count(*) from pg_stat_activity where query = '{long}' \
         and state = 'active' and pid <> pg_backend_pid()"
    );
    let mut repl = start_repl(&setup);
    repl.send_line(&format!("\\tool pg__run_sql {{\"sql\": \"{long}\"}}"));
    harness::wait_until("the long read runs", || {
        pg.query_scalar(&running).as_deref() == Some("1")
    });
    repl.ctrl('c');
    repl.expect("cancelled");
    repl.expect_prompt();
    harness::wait_until("the long read is gone", || {
        pg.query_scalar(&running).as_deref() == Some("0")
    });
    repl.send_line("\\tool pg__run_sql {\"sql\": \"select 40 + 2 as answer\"}");
    repl.expect("42");
    repl.expect_prompt();
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0);
}

/// An MCP server glance stopped after Ctrl-C (it did not answer the ping
/// that follows the cancel) is started again at the next call of one of
/// its tools, which then works; `\tools` lists its tools throughout.
#[test]
fn an_mcp_server_stopped_after_ctrl_c_starts_again_at_the_next_call() {
    let setup = setup(
        "plugins_mcp_restart",
        "[mcp.stuck]\ncommand = [\"{dir}/stuck.sh\"]\ntimeout = \"600s\"\n",
    );
    // One thread, so a hanging call leaves the cancel's ping unanswered.
    let server = r#"
import json, os, sys, time
def out(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()
for line in sys.stdin:
    message = json.loads(line)
    method, id = message.get("method"), message.get("id")
    if method == "initialize":
        out({"jsonrpc": "2.0", "id": id, "result": {"protocolVersion": message["params"]["protocolVersion"],
             "capabilities": {"tools": {}}, "serverInfo": {"name": "stuck", "version": "1"}}})
    elif method == "tools/list":
        tools = [{"name": name, "inputSchema": {"type": "object"}, "annotations": {"readOnlyHint": True}}
                 for name in ("hang", "whoami")]
        out({"jsonrpc": "2.0", "id": id, "result": {"tools": tools}})
    elif method == "tools/call" and message["params"]["name"] == "hang":
        open(sys.argv[1] + ".hanging", "w").close()
        time.sleep(100000)
    elif method == "tools/call":
        out({"jsonrpc": "2.0", "id": id, "result": {"content": [{"type": "text", "text": "server %d up" % os.getpid()}]}})
    elif id is not None:
        out({"jsonrpc": "2.0", "id": id, "result": {}})
"#;
    std::fs::write(setup.dir.join("stuck.sh.py"), server).unwrap();
    // The interpreter itself: a version manager's shim may need variables
    // the server's clean environment drops.
    let python = Cmd::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .run();
    python.success();
    let python = python.stdout.trim();
    script(
        &setup.dir,
        "stuck.sh",
        &format!("exec {python} \"$0.py\" \"$0\""),
    );
    let hanging = setup.dir.join("stuck.sh.hanging");
    let mut repl = start_repl(&setup);
    repl.send_line("\\tool stuck__whoami");
    repl.expect("server ");
    let first = repl.expect(" up");
    repl.expect_prompt();
    repl.send_line("\\tool stuck__hang");
    harness::wait_until("the call hangs", || hanging.exists());
    repl.ctrl('c');
    repl.expect("cancelled");
    repl.expect_prompt();
    repl.send_line("\\tools");
    repl.expect_all(&["stuck__hang", "stuck__whoami"]);
    repl.expect_prompt();
    repl.send_line("\\tool stuck__whoami");
    repl.expect("server ");
    let second = repl.expect(" up");
    repl.expect_prompt();
    assert_ne!(first, second, "a new server process answers");
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0);
}
