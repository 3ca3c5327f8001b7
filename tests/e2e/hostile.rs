//! Outside input that once crashed or hung glance, or sent a key where it
//! should not go: a provider that redirects, streams that never end (text,
//! pings, one endless line), numbers too big for a duration or a date,
//! model ids in other scripts, FIFOs and devices where files belong, and
//! huge config files. Each case ends with a clear message and its exit
//! code; a never-ending stream is bounded by the limits made small here
//! through `GLANCE_LLM_MAX_ANSWER_BYTES` and `GLANCE_LLM_MAX_ANSWER_MS`.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::fake_llm::{Endless, FakeLlm, Reply};
use crate::harness::{self, Cmd, Output, glance};

/// Starts a fake of one protocol with a script.
type Start = fn(Vec<Reply>) -> FakeLlm;

/// Every protocol that takes a key, with the arguments that choose it.
const KEYED: [(Start, &[&str]); 4] = [
    (FakeLlm::openai, &[]),
    (FakeLlm::anthropic, &[]),
    (FakeLlm::gemini, &[]),
    (FakeLlm::azure, &["--model", "prod-gpt"]),
];

/// Every protocol: the keyed ones and Ollama.
const ALL: [(Start, &[&str]); 5] = [
    KEYED[0],
    KEYED[1],
    KEYED[2],
    KEYED[3],
    (FakeLlm::ollama, &[]),
];

fn with_env(mut cmd: Cmd, env: &[(&'static str, String)]) -> Cmd {
    for (name, value) in env {
        cmd = cmd.env(*name, value);
    }
    cmd
}

/// `glance ARGS` pointed at `fake`.
fn run(fake: &FakeLlm, args: &[&str], extra: &[(&'static str, String)]) -> Output {
    with_env(
        with_env(glance().args(args.iter().copied()), &fake.env()),
        extra,
    )
    .run()
}

/// `glance --demo ask` with the arguments that `choose` a provider,
/// pointed at `fake`.
fn ask(fake: &FakeLlm, choose: &[&str], extra: &[(&'static str, String)]) -> Output {
    let mut args = vec!["--demo", "ask"];
    args.extend(choose);
    args.push("how many customers?");
    run(fake, &args, extra)
}

/// `http://127.0.0.1:PORT` of a fake.
fn origin(fake: &FakeLlm) -> String {
    let url = fake.url();
    let host = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or("");
    format!("http://{host}")
}

#[test]
fn a_redirect_is_reported_and_the_key_never_reaches_another_server() {
    for (start, choose) in KEYED {
        let elsewhere = start(Vec::new());
        let location = format!("{}/v1/chat/completions", origin(&elsewhere));
        let redirecting = start(vec![Reply::Redirect(location)]);
        let out = ask(&redirecting, choose, &[]);
        out.code(1)
            .stderr_has(&format!("a redirect (HTTP 302) to {}", origin(&elsewhere)))
            .stderr_has("does not follow");
        assert_eq!(redirecting.requests().len(), 1, "{out}");
        assert!(
            elsewhere.requests().is_empty(),
            "the redirect was followed: {:?}",
            elsewhere.requests()
        );
    }
}

#[test]
fn glance_models_does_not_follow_a_redirect_either() {
    let starts: [Start; 4] = [
        FakeLlm::openai,
        FakeLlm::anthropic,
        FakeLlm::gemini,
        FakeLlm::azure_v1,
    ];
    for start in starts {
        let elsewhere = start(Vec::new());
        let redirecting = start(vec![Reply::Redirect(format!(
            "{}/v1/models",
            origin(&elsewhere)
        ))]);
        let out = run(&redirecting, &["--model", "prod-gpt", "models"], &[]);
        out.code(1)
            .stderr_has(&format!("a redirect (HTTP 302) to {}", origin(&elsewhere)));
        assert!(elsewhere.requests().is_empty(), "{out}");
    }
}

#[test]
fn a_stream_that_never_ends_stops_at_the_size_bound_for_every_provider() {
    for endless in [Endless::Text, Endless::Line] {
        for (start, choose) in ALL {
            let fake = start(vec![Reply::Endless(endless)]);
            let out = ask(
                &fake,
                choose,
                &[("GLANCE_LLM_MAX_ANSWER_BYTES", "200000".into())],
            );
            out.code(1)
                .stderr_has("sent an answer that had not ended after 200000 bytes")
                .stderr_has("nothing was run");
        }
    }
}

#[test]
fn a_stream_of_pings_stops_at_the_time_bound_for_every_provider() {
    for (start, choose) in ALL {
        let fake = start(vec![Reply::Endless(Endless::Pings)]);
        let out = ask(
            &fake,
            choose,
            &[
                ("GLANCE_LLM_MAX_ANSWER_MS", "1500".into()),
                // The pings come every 20 ms: silence alone never ends it.
                ("GLANCE_LLM_TIMEOUT_MS", "60000".into()),
            ],
        );
        out.code(1)
            .stderr_has("sent an answer that had not ended after 1.5 s");
    }
}

#[test]
fn numbers_too_big_are_usage_errors_not_panics() {
    for args in [
        &[
            "--statement-timeout",
            "99999999999999999999",
            "config",
            "show",
        ][..],
        &["--statement-timeout", "597h", "config", "show"],
        &["usage", "--days", "0"],
    ] {
        glance()
            .args(args.iter().copied())
            .run()
            .code(2)
            .never_shows("panicked");
    }
    for (section, value) in [
        ("[query]", "\"99999999999999999999\""),
        ("[query]", "9223372036854775807"),
        ("[connections.x]\nhost = \"h\"", "\"99999999999999999999s\""),
        ("[connections.x]\nhost = \"h\"", "9223372036854775807"),
    ] {
        let home = harness::scratch_dir("hostile-timeout");
        let config = home.join("config.toml");
        fs::write(&config, format!("{section}\nstatement_timeout = {value}\n")).unwrap();
        glance()
            .home(&home)
            .args(["--config", config.to_str().unwrap(), "config", "show"])
            .run()
            .code(2)
            .stderr_has("longest statement timeout")
            .never_shows("panicked");
    }
    let out = glance().args(["usage", "--days", "4400000"]).run();
    out.success()
        .stdout_has("over the last 4400000 days")
        .never_shows("panicked");
}

#[test]
fn a_model_id_in_another_script_is_just_unknown() {
    let fake = FakeLlm::openai(vec![Reply::text(
        "```sql\nselect count(*) as n from customers\n```\n",
    )]);
    for model in ["é💥", "模型-20250101", "ééééééééééé💥"] {
        let out = run(
            &fake,
            &[
                "--demo",
                "--model",
                model,
                "ask",
                "--show-prompt",
                "how many?",
            ],
            &[],
        );
        out.success().never_shows("panicked");
    }
    let out = run(
        &fake,
        &[
            "--demo",
            "--model",
            "é💥",
            "ask",
            "--format",
            "json",
            "how many?",
        ],
        &[],
    );
    out.success().never_shows("panicked");
}

fn fifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo (coreutils) is needed: apt-get install coreutils");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn a_fifo_or_a_device_where_a_file_belongs_is_refused_not_waited_on() {
    let home = harness::scratch_dir("hostile-fifo");
    let config = home.join("config.fifo");
    fifo(&config);
    glance()
        .args(["--config", config.to_str().unwrap(), "config", "show"])
        .run()
        .code(2)
        .stderr_has("not a regular file");
    glance()
        .env("GLANCE_CONFIG", "/dev/zero")
        .args(["config", "show"])
        .run()
        .code(2)
        .stderr_has("not a regular file");
    let data = home.join(".local/share/glance");
    fs::create_dir_all(&data).unwrap();
    fifo(&data.join("history.db"));
    glance()
        .home(&home)
        .args(["--demo", "ask", "--sql", "select 1 as one"])
        .run()
        .success()
        .stdout_has("one")
        .stderr_has("history.db is not a regular file");
    let db = harness::db("hostile_rootcert");
    let url = format!("{}&sslmode=verify-full&sslrootcert=/dev/zero", db.url());
    glance()
        .args(["-d", &url, "ask", "--sql", "select 1"])
        .run()
        .code(1)
        .stderr_has("could not read root certificate file \"/dev/zero\": it is not a regular file");
    let cluster = harness::cluster();
    let keywords = format!(
        "host={} port={} dbname={} user=postgres",
        cluster.host(),
        cluster.port(),
        db.name()
    );
    glance()
        .env("PGSSLROOTCERT", "/dev/zero")
        .env("PGSSLMODE", "verify-ca")
        .args(["-d", &keywords, "ask", "--sql", "select 1"])
        .run()
        .code(1)
        .stderr_has("it is not a regular file");
}

#[test]
fn huge_config_files_are_read_quickly_or_refused() {
    let home = harness::scratch_dir("hostile-config");
    let many = home.join("many.toml");
    let mut text = String::from("[display]\n");
    for n in 0..60_000 {
        text.push_str(&format!("k{n} = 1\n"));
    }
    fs::write(&many, &text).unwrap();
    glance()
        .args(["--config", many.to_str().unwrap(), "config", "show"])
        .run()
        .success()
        .stderr_has("59980 more unknown keys are ignored");
    let huge_key = home.join("key.toml");
    fs::write(
        &huge_key,
        format!("[display]\n{} = 1\n", "k".repeat(900_000)),
    )
    .unwrap();
    let out = glance()
        .args(["--config", huge_key.to_str().unwrap(), "config", "show"])
        .run();
    out.success().stderr_has("kkk…` is ignored");
    assert!(out.stderr.len() < 2000, "the whole key was printed");
    let too_big = home.join("big.toml");
    fs::write(&too_big, format!("# {}\n", "x".repeat(2 << 20))).unwrap();
    glance()
        .args(["--config", too_big.to_str().unwrap(), "config", "show"])
        .run()
        .code(2)
        .stderr_has("larger than 1 MiB");
}

#[test]
fn a_stored_timing_no_duration_can_hold_is_shown_as_unknown() {
    let home = harness::scratch_dir("hostile-history");
    glance()
        .home(&home)
        .args(["--demo", "ask", "--sql", "select 1"])
        .run()
        .success();
    let history = home.join(".local/share/glance/history.db");
    let conn = rusqlite::Connection::open(&history).unwrap();
    conn.execute("update entries set db_ms = 1e300, llm_ms = 1e308", [])
        .unwrap();
    drop(conn);
    glance()
        .home(&home)
        .args(["--demo", "repl"])
        .stdin("\\history\n\\history 1\n")
        .run()
        .success()
        .stdout_has("select 1")
        .never_shows("panicked");
}

#[test]
fn empty_variables_count_as_unset_and_sql_may_start_with_a_comment() {
    glance()
        .env("GLANCE_CONFIG", "")
        .env("GLANCE_PROVIDER", "")
        .env("GLANCE_MODEL", "")
        .args(["config", "path"])
        .run()
        .success()
        .stdout_has("glance/config.toml");
    let out = glance()
        .args([
            "--demo",
            "ask",
            "--dry-run",
            "--sql",
            "-- tidy up\nDELETE FROM customers",
        ])
        .run();
    out.success().stdout_has("destructive");
}
