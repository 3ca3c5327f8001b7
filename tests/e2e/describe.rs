//! `glance describe TABLE` and `\describe TABLE`: the model drafts
//! comments from the table's definition (rows only with --share-samples),
//! the draft is written out (`-o`, `--export tbls`, JSON) or edited and run
//! as COMMENT ON after a confirmation; anything but COMMENT ON in the
//! edited file is refused, a read-only profile and a missing terminal
//! refuse before the model is asked.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Cmd, TestDb, glance};

/// A value only the table's rows hold.
const SECRET: &str = "zebra_secret_7731";

const DRAFT: &str = "```json\n{\"table\": \"Customer orders, one a purchase.\", \"columns\": \
                     {\"id\": \"The order's number.\", \"status\": \"Where the order is: open or shipped.\", \
                     \"ghost\": \"No such column.\"}}\n```";

fn shop(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(&format!(
        "create table customers (id int primary key, name text);
         create table orders (id int primary key, customer_id int references customers (id),
                              status text, note text);
         comment on column orders.customer_id is 'Who ordered';
         create index orders_status on orders (status);
         create table lines (order_id int references orders (id));
         insert into customers values (1, 'Ann');
         insert into orders values (1, 1, 'open', '{SECRET}');"
    ));
    db
}

fn describe(db: &TestDb, fake: &FakeLlm, args: &[&str]) -> Cmd {
    fake.on(glance().arg("describe").args(args.iter().copied()))
        .args(["--no-history", "-d", db.url()])
}

fn sent(fake: &FakeLlm) -> String {
    fake.requests()
        .iter()
        .map(|request| request.body.to_string())
        .collect()
}

fn comment(db: &TestDb, column: i32) -> Option<String> {
    db.query_scalar(&format!(
        "select col_description('orders'::regclass, {column})"
    ))
}

#[test]
fn the_model_sees_the_definition_and_no_rows_and_output_gets_the_statements() {
    let db = shop("describe_out");
    let fake = FakeLlm::openai(vec![Reply::text(DRAFT)]);
    let dir = harness::scratch_dir("describe_out");
    let file = dir.join("comments.sql");
    let file_arg = file.display().to_string();
    let out = describe(&db, &fake, &["orders", "-o", &file_arg]).run();
    out.success()
        .stderr_has("Drafted 3 comments for public.orders; kept 1 existing")
        .stderr_has("\"ghost\", which the table has no column of")
        .stderr_has("Left without a draft: \"note\"");
    assert_eq!(
        fs::read_to_string(&file).expect("written"),
        "COMMENT ON TABLE public.orders IS 'Customer orders, one a purchase.';\n\
         COMMENT ON COLUMN public.orders.id IS 'The order''s number.';\n\
         COMMENT ON COLUMN public.orders.status IS 'Where the order is: open or shipped.';\n"
    );
    let body = sent(&fake);
    for part in [
        "customer_id integer; comment: Who ordered",
        "references public.customers (id)",
        "Referenced by: public.lines (order_id)",
        "orders_status",
        "\\\"status\\\", \\\"note\\\"",
    ] {
        assert!(body.contains(part), "{part} in\n{body}");
    }
    assert!(
        !body.contains(SECRET),
        "no row without --share-samples\n{body}"
    );
    assert_eq!(comment(&db, 1), None, "nothing ran");

    let again = describe(
        &db,
        &FakeLlm::openai(Vec::new()),
        &["orders", "-o", &file_arg],
    )
    .run();
    again.code(1).stderr_has("never replaces a file");
}

#[test]
fn share_samples_sends_a_few_values() {
    let db = shop("describe_samples");
    let fake = FakeLlm::openai(vec![Reply::text(DRAFT)]);
    let out = describe(
        &db,
        &fake,
        &["--share-samples", "orders", "--export", "sql"],
    )
    .run();
    out.success()
        .stdout_has("COMMENT ON COLUMN public.orders.id IS 'The order''s number.';");
    let body = sent(&fake);
    assert!(body.contains(SECRET), "{body}");
}

#[test]
fn tbls_config_and_json() {
    let db = shop("describe_tbls");
    let fake = FakeLlm::openai(vec![Reply::text(DRAFT), Reply::text(DRAFT)]);
    let out = describe(&db, &fake, &["orders", "--export", "tbls"]).run();
    out.success();
    assert_eq!(
        out.stdout,
        "comments:\n  - table: \"orders\"\n    tableComment: \"Customer orders, one a purchase.\"\n    \
         columnComments:\n      \"id\": \"The order's number.\"\n      \"customer_id\": \"Who ordered\"\n      \
         \"status\": \"Where the order is: open or shipped.\"\n"
    );
    let out = describe(&db, &fake, &["orders", "--format", "json"]).run();
    out.success();
    let document = out.json();
    assert_eq!(document["table"], "public.orders");
    assert_eq!(document["comments"][0]["column"], serde_json::Value::Null);
    assert_eq!(document["comments"][2]["column"], "customer_id");
    assert_eq!(document["comments"][2]["existing"], true);
    assert_eq!(comment(&db, 1), None, "nothing ran");
}

#[test]
fn json_with_an_output_file_writes_it_and_says_so() {
    let db = shop("describe_json_out");
    let fake = FakeLlm::openai(vec![Reply::text(DRAFT), Reply::text(DRAFT)]);
    let file = harness::scratch_dir("describe_json_out").join("comments.yml");
    let file_arg = file.display().to_string();
    let args = [
        "orders", "--format", "json", "--export", "tbls", "-o", &file_arg,
    ];
    let out = describe(&db, &fake, &args).run();
    out.success();
    let document = out.json();
    assert_eq!(document["table"], "public.orders");
    assert_eq!(document["written"]["file"], file_arg.as_str());
    assert_eq!(document["written"]["export"], "tbls");
    let written = fs::read_to_string(&file).expect("written");
    assert!(written.starts_with("comments:\n"), "{written}");
    assert_eq!(comment(&db, 1), None, "nothing ran");

    let out = describe(&db, &fake, &["orders", "--format", "json"]).run();
    out.success();
    assert_eq!(out.json()["written"], serde_json::Value::Null);

    let idle = FakeLlm::openai(Vec::new());
    let out = describe(
        &db,
        &idle,
        &["orders", "--format", "json", "--export", "sql"],
    )
    .run();
    out.code(2)
        .stderr_has("--export writes the draft on stdout, where --format json")
        .stderr_has("add -o FILE");
    assert_eq!(out.stdout, "", "nothing on stdout");
}

#[test]
fn without_a_terminal_writing_needs_allow_write() {
    let db = shop("describe_no_tty");
    let fake = FakeLlm::openai(vec![Reply::text(DRAFT)]);
    let out = describe(&db, &fake, &["orders"]).run();
    out.code(3)
        .stderr_has("no terminal to ask")
        .stderr_has("--allow-write");
    assert!(fake.requests().is_empty(), "refused before asking\n{out}");

    let out = describe(&db, &fake, &["orders", "--allow-write"]).run();
    out.success()
        .stderr_has("Saved 3 comments.")
        .never_shows("covers them all");
    assert_eq!(comment(&db, 1).as_deref(), Some("The order's number."));
    assert_eq!(comment(&db, 2).as_deref(), Some("Who ordered"), "kept");
    assert_eq!(
        db.query_scalar("select obj_description('orders'::regclass, 'pg_class')")
            .as_deref(),
        Some("Customer orders, one a purchase.")
    );
}

#[test]
fn a_read_only_profile_refuses_and_sqlite_only_writes_out() {
    let db = shop("describe_read_only");
    let home = harness::scratch_dir("describe_read_only_home");
    fs::create_dir_all(home.join(".config/glance")).expect("config dir");
    fs::write(
        home.join(".config/glance/config.toml"),
        format!(
            "[connections.ro]\nurl = \"{}\"\nread_only = true\n",
            db.url()
        ),
    )
    .expect("config file");
    let fake = FakeLlm::openai(Vec::new());
    let out = fake
        .on(glance().home(&home))
        .args(["-p", "ro", "describe", "orders", "--allow-write"])
        .run();
    out.code(3).stderr_has("read-only");
    assert_eq!(comment(&db, 1), None);

    let dir = harness::scratch_dir("describe_sqlite");
    let path = dir.join("shop.db");
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    conn.execute_batch("create table items (id integer primary key, label text);")
        .expect("schema");
    let fake = FakeLlm::openai(vec![Reply::text(
        "{\"table\": \"Things for sale.\", \"columns\": {\"id\": \"Number.\", \"label\": \"Name.\"}}",
    )]);
    let url = path.display().to_string();
    let out = fake
        .on(glance())
        .args(["describe", "items", "--allow-write", "-d", &url])
        .run();
    out.code(2)
        .stderr_has("SQLite has no COMMENT ON")
        .stderr_has("--export tbls")
        .never_shows("-o FILE for the statements");
    for args in [
        &["--export", "sql"][..],
        &["-o", "comments.sql"][..],
        &["--format", "json", "-o", "comments.sql"][..],
    ] {
        let out = fake
            .on(glance())
            .args(["describe", "items", "-d", &url])
            .args(args.iter().copied())
            .run();
        out.code(2)
            .stderr_has("SQLite has no COMMENT ON, so the draft cannot be written as SQL")
            .stderr_has("--export tbls");
    }
    assert!(fake.requests().is_empty(), "refused before asking");
    let out = fake
        .on(glance())
        .args(["describe", "items", "--export", "tbls", "-d", &url])
        .run();
    out.success()
        .stdout_has("tableComment: \"Things for sale.\"")
        .stdout_has("\"label\": \"Name.\"");
}

/// An executable shell script to stand in for the editor.
fn editor(hint: &str, body: &str) -> String {
    let path: PathBuf = harness::scratch_dir(hint).join("edit.sh");
    fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write the editor script");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("make it executable");
    path.display().to_string()
}

fn repl(db: &TestDb, fake: &FakeLlm, editor: String) -> harness::Repl {
    let mut env: Vec<(&str, String)> = fake.env().into_iter().collect();
    env.push(("EDITOR", editor));
    let mut repl = harness::pty_with_env(["repl", "--no-history", "-d", db.url()], &env);
    repl.expect_prompt();
    repl
}

#[test]
fn backslash_describe_runs_the_edited_comments_after_yes_only() {
    let db = shop("describe_repl");
    let fake = FakeLlm::openai(vec![Reply::text(DRAFT), Reply::text(DRAFT)]);
    let script = editor(
        "describe_repl_editor",
        "sed -i 's/number/own number/' \"$1\"",
    );
    let mut repl = repl(&db, &fake, script);
    repl.send_line("\\describe orders");
    repl.expect_all(&[
        "COMMENT ON TABLE public.orders",
        "COMMENT ON COLUMN public.orders.id",
        "COMMENT ON COLUMN public.orders.status",
        "[y/N]",
    ]);
    repl.send_line("n");
    repl.expect("Not run.");
    repl.expect_prompt();
    assert_eq!(comment(&db, 1), None, "{}", repl.transcript());

    repl.send_line("\\describe orders");
    repl.expect("[y/N]");
    repl.send_line("y");
    repl.expect("Saved 3 comments.");
    repl.expect_prompt();
    assert_eq!(
        comment(&db, 1).as_deref(),
        Some("The order's own number."),
        "{}",
        repl.transcript()
    );
    assert_eq!(
        comment(&db, 3).as_deref(),
        Some("Where the order is: open or shipped.")
    );
    repl.send_line("\\usage");
    repl.expect_all(&["Model use in this session", "openai"]);
    repl.expect_prompt();
}

#[test]
fn an_edited_file_with_more_than_comments_is_refused_and_kept() {
    let db = shop("describe_repl_drop");
    let fake = FakeLlm::openai(vec![Reply::text(DRAFT)]);
    let script = editor(
        "describe_repl_drop_editor",
        "printf 'drop table lines;\\n' >> \"$1\"",
    );
    let mut repl = repl(&db, &fake, script);
    repl.send_line("\\describe orders");
    repl.expect_all(&[
        "only COMMENT ON statements",
        "drop table lines",
        "your edits are kept in",
    ]);
    repl.expect_prompt();
    // Kept in TMPDIR, which the harness points into the test's own home.
    let kept = format!("kept in {}/", harness::scratch_root().display());
    assert!(repl.transcript().contains(&kept), "{}", repl.transcript());
    assert!(db.relation_exists("lines"), "{}", repl.transcript());
    assert_eq!(comment(&db, 1), None);
}

#[test]
fn a_failing_comment_rolls_back_the_whole_file() {
    let db = shop("describe_repl_rollback");
    let fake = FakeLlm::openai(vec![Reply::text(DRAFT)]);
    let script = editor(
        "describe_repl_rollback_editor",
        "printf 'COMMENT ON COLUMN orders.nope IS \\047x\\047;\\n' >> \"$1\"",
    );
    let mut repl = repl(&db, &fake, script);
    repl.send_line("\\describe orders");
    repl.expect_all(&["orders.nope", "[y/N]"]);
    repl.send_line("y");
    repl.expect_all(&[
        "stopped at `COMMENT ON COLUMN orders.nope",
        "the transaction was rolled back, nothing was applied",
    ]);
    repl.expect_prompt();
    assert_eq!(comment(&db, 1), None, "{}", repl.transcript());
}

#[test]
fn a_locked_table_times_out_and_nothing_is_saved() {
    let db = shop("describe_repl_locked");
    let fake = FakeLlm::openai(vec![Reply::text(DRAFT)]);
    let dir = harness::scratch_dir("describe_repl_locked_signals");
    let (editing, go) = (dir.join("editing"), dir.join("go"));
    let script = editor(
        "describe_repl_locked_editor",
        &format!(
            "touch '{}'; while [ ! -e '{}' ]; do sleep 0.05; done; \
             sed -i 's/number/own number/' \"$1\"",
            editing.display(),
            go.display()
        ),
    );
    let mut repl = repl(&db, &fake, script);
    repl.send_line("\\describe orders");
    harness::wait_until("the editor to open", || editing.exists());
    // Another session holds the lock COMMENT ON needs (reads still pass):
    // the batch waits 2 s for it, then rolls back whole.
    let mut holder = db.client();
    holder
        .batch_execute("begin; lock table orders in share update exclusive mode")
        .expect("lock");
    fs::write(&go, "").expect("signal the editor");
    repl.expect("[y/N]");
    repl.send_line("y");
    repl.expect_all(&[
        "lock timeout",
        "the transaction was rolled back, nothing was applied",
    ]);
    repl.expect_prompt();
    holder.batch_execute("rollback").expect("unlock");
    assert_eq!(comment(&db, 1), None, "{}", repl.transcript());
}

#[test]
fn quitting_the_editor_without_saving_runs_nothing() {
    let db = shop("describe_repl_quit");
    let fake = FakeLlm::openai(vec![Reply::text(DRAFT)]);
    let mut repl = repl(&db, &fake, editor("describe_repl_quit_editor", "true"));
    repl.send_line("\\describe orders");
    repl.expect("Nothing was run");
    repl.expect_prompt();
    assert_eq!(comment(&db, 1), None, "{}", repl.transcript());
}

#[test]
fn glance_describe_at_a_terminal_opens_the_editor_and_asks() {
    let db = shop("describe_one_shot_tty");
    let fake = FakeLlm::openai(vec![Reply::text(DRAFT)]);
    let mut env: Vec<(&str, String)> = fake.env().into_iter().collect();
    env.push((
        "VISUAL",
        editor("describe_tty_editor", "sed -i 's/purchase/sale/' \"$1\""),
    ));
    let mut run =
        harness::pty_with_env(["describe", "orders", "--no-history", "-d", db.url()], &env);
    run.expect_all(&["COMMENT ON TABLE public.orders", "[y/N]"]);
    run.send_line("y");
    assert_eq!(run.expect_exit(), 0, "{}", run.transcript());
    assert_eq!(
        db.query_scalar("select obj_description('orders'::regclass, 'pg_class')")
            .as_deref(),
        Some("Customer orders, one a sale.")
    );
}
