//! The config file and connection profiles: `glance config`, precedence of
//! flags over the file, located errors, warnings, `read_only` profiles, and
//! choosing and switching profiles in the REPL.

use std::fs;
use std::path::{Path, PathBuf};

use crate::harness::{self, PASSWORD, PASSWORD_ROLE, glance};

/// A private HOME whose config file holds `text`.
fn home_with_config(text: &str) -> PathBuf {
    let home = harness::scratch_dir("home");
    let dir = home.join(".config/glance");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("config.toml"), text).unwrap();
    home
}

fn config_file(home: &Path) -> PathBuf {
    home.join(".config/glance/config.toml")
}

/// A profile reaching `database` on the test server as the password role,
/// the password coming from `PROFILE_PW`.
fn profile(name: &str, database: &str, extra: &str) -> String {
    let cluster = harness::cluster();
    format!(
        "[connections.{name}]\nhost = \"{}\"\nport = {}\ndatabase = \"{database}\"\n\
         user = \"{PASSWORD_ROLE}\"\npassword_env = \"PROFILE_PW\"\nsslmode = \"disable\"\n{extra}\n",
        cluster.host(),
        cluster.port()
    )
}

#[test]
fn config_init_writes_a_template_once_and_path_names_it() {
    let home = harness::scratch_dir("home");
    let path = config_file(&home);
    glance()
        .home(&home)
        .args(["config", "path"])
        .run()
        .success()
        .stdout_has(&path.display().to_string());
    glance()
        .home(&home)
        .args(["config", "init"])
        .run()
        .success()
        .stdout_has(&path.display().to_string());
    let template = fs::read_to_string(&path).unwrap();
    assert!(template.contains("# [connections.shop]"), "{template}");
    fs::write(&path, "# my settings\n").unwrap();
    glance()
        .home(&home)
        .args(["config", "init"])
        .run()
        .code(2)
        .stderr_has("already exists");
    assert_eq!(fs::read_to_string(&path).unwrap(), "# my settings\n");

    let elsewhere = home.join("other.toml");
    glance()
        .home(&home)
        .env("GLANCE_CONFIG", elsewhere.clone())
        .args(["config", "path"])
        .run()
        .success()
        .stdout_has(&elsewhere.display().to_string());
}

#[test]
fn file_settings_apply_and_flags_win() {
    let db = harness::db("config_precedence");
    let home = home_with_config("[display]\nformat = \"csv\"\nnull = \"(none)\"\n");
    let out = glance()
        .home(&home)
        .args(["ask", "-d", db.url(), "--sql", "select 1 as a, null as b"])
        .run();
    out.success();
    assert_eq!(out.stdout, "a,b\n1,\n");
    let out = glance()
        .home(&home)
        .args([
            "ask",
            "-d",
            db.url(),
            "--format",
            "table",
            "--sql",
            "select null as b",
        ])
        .run();
    out.success().stdout_has("(none)");
}

#[test]
fn mistakes_name_line_column_and_key_and_unknown_keys_only_warn() {
    let db = harness::db("config_errors");
    let home = home_with_config("[agent]\nretries = 1\n\n[display]\npage_size = \"big\"\n");
    glance()
        .home(&home)
        .args(["ask", "-d", db.url(), "--sql", "select 1"])
        .run()
        .code(2)
        .stderr_has("line 5, column 13, key `display.page_size`")
        .stderr_has("page_size = \"big\"");

    let home = home_with_config("[display]\ncolour = \"never\"\nnull = \"-\"\n");
    glance()
        .home(&home)
        .args([
            "ask",
            "-d",
            db.url(),
            "--format",
            "table",
            "--sql",
            "select null as b",
        ])
        .run()
        .success()
        .stderr_has("line 2: unknown key `display.colour` is ignored")
        .stdout_has(" -");
}

#[test]
fn a_read_only_profile_refuses_writes_typed_by_hand() {
    let db = harness::db("config_read_only");
    db.execute("create table notes (body text)");
    db.execute(&format!("grant all on notes to {PASSWORD_ROLE}"));
    let home = home_with_config(&profile("prod", db.name(), "read_only = true"));
    glance()
        .home(&home)
        .env("PROFILE_PW", PASSWORD)
        .args([
            "-p",
            "prod",
            "ask",
            "--sql",
            "insert into notes values ('x')",
        ])
        .run()
        .code(3)
        .stderr_has("connection profile \"prod\" is read-only")
        .never_shows(PASSWORD);
    let out = glance()
        .home(&home)
        .env("PROFILE_PW", PASSWORD)
        .args(["-p", "prod", "repl"])
        .stdin("\\sql delete from notes\n\\sql select count(*) as n from notes\n\\conninfo\n")
        .run();
    out.success()
        .stderr_has("is read-only; nothing was run")
        .stdout_has("read-only")
        .stdout_has("profile prod");
    assert_eq!(
        db.query_scalar("select count(*) from notes").as_deref(),
        Some("0")
    );
}

#[test]
fn profile_passwords_come_from_the_named_variable_and_show_redacts() {
    let db = harness::db("config_password_env");
    let home = home_with_config(&profile("work", db.name(), ""));
    glance()
        .home(&home)
        .args(["-p", "work", "ask", "--sql", "select 1"])
        .run()
        .code(2)
        .stderr_has("PROFILE_PW, which is not set");
    glance()
        .home(&home)
        .env("PROFILE_PW", PASSWORD)
        .args(["-p", "work", "ask", "--sql", "select current_user as who"])
        .run()
        .success()
        .stdout_has(PASSWORD_ROLE);
    glance()
        .home(&home)
        .args(["-p", "nope", "ask", "--sql", "select 1"])
        .run()
        .code(2)
        .stderr_has("no connection profile named \"nope\" (known: work)");

    let plain = format!(
        "[connections.plain]\nurl = \"{}\"\npassword = \"{PASSWORD}\"\n",
        harness::cluster().url_as(PASSWORD_ROLE, PASSWORD, db.name())
    );
    let home = home_with_config(&plain);
    set_mode(&config_file(&home), 0o644);
    glance()
        .home(&home)
        .args(["config", "show"])
        .run()
        .success()
        .stdout_has("[connections.plain]")
        .stdout_has("<redacted>")
        .stderr_has("can be read by other users")
        .never_shows(PASSWORD);
    set_mode(&config_file(&home), 0o600);
    let out = glance().home(&home).args(["config", "show"]).run();
    out.success();
    assert!(!out.stderr.contains("other users"), "{}", out.stderr);
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn several_profiles_without_a_default_are_picked_at_start_and_switched_with_c() {
    let first = harness::db("config_pick_a");
    let second = harness::db("config_pick_b");
    let text = format!(
        "{}{}",
        profile("alpha", first.name(), ""),
        profile("beta", second.name(), "read_only = true")
    );
    let home = home_with_config(&text);
    glance()
        .home(&home)
        .env("PROFILE_PW", PASSWORD)
        .args(["ask", "--sql", "select 1"])
        .run()
        .code(2)
        .stderr_has("several connection profiles and none is the default");

    let mut repl = harness::Repl::spawn(
        harness::glance_bin(),
        ["repl"],
        &home,
        &[("PROFILE_PW", PASSWORD.to_string())],
    );
    repl.expect_all(&["1  alpha", "2  beta", "(read-only)"]);
    repl.expect("connect to (number or name): ");
    repl.send_line("7");
    repl.expect("no connection profile named \"7\"");
    repl.send_line("2");
    repl.expect(&format!("beta:{}=> ", second.name()));
    repl.send_line("\\c");
    repl.expect_all(&["1  alpha", "(read-only, connected)"]);
    repl.expect("Enter to stay");
    repl.send_line("alpha");
    repl.expect(&format!("alpha:{}=> ", first.name()));
    repl.send_line("\\c nosuchprofile_or_db");
    repl.expect("Still connected to");
    repl.expect(&format!("alpha:{}=> ", first.name()));
    repl.send_line("\\c beta");
    repl.expect(&format!("beta:{}=> ", second.name()));
    repl.ctrl('d');
    assert_eq!(repl.expect_exit(), 0);
}

#[test]
fn provider_settings_come_from_the_file() {
    use crate::fake_llm::{FakeLlm, KEY, Reply};
    let db = harness::db("config_provider");
    let fake = FakeLlm::openai(vec![Reply::text(
        "Here it is.\n\n```sql\nselect 41 + 1 as answer\n```\n",
    )]);
    let home = home_with_config(&format!(
        "[llm]\nprovider = \"openai\"\n[providers.openai]\napi_key_env = \"WORK_LLM_KEY\"\n\
         base_url = \"{}\"\nmodel = \"gpt-5-nano\"\n",
        fake.url()
    ));
    let out = glance()
        .home(&home)
        .env("WORK_LLM_KEY", KEY)
        .args([
            "ask",
            "-d",
            db.url(),
            "--format",
            "json",
            "what is the answer?",
        ])
        .run();
    out.success();
    let doc = out.json();
    assert_eq!(doc["rows"][0]["answer"], 42, "{out}");
    assert_eq!(doc["llm"]["model"], "gpt-5-nano", "{out}");
    let requests = fake.requests();
    assert_eq!(requests[0].body["model"], "gpt-5-nano");
    assert!(
        requests[0]
            .headers
            .iter()
            .any(|(name, value)| name == "authorization" && value.ends_with(KEY))
    );
}

#[test]
fn the_page_size_comes_from_the_file() {
    let db = harness::db("config_page_size");
    let home = home_with_config("[display]\npage_size = 3\n");
    let mut repl =
        harness::Repl::spawn(harness::glance_bin(), ["repl", "-d", db.url()], &home, &[]);
    repl.expect_prompt();
    repl.send_line("\\sql select n from generate_series(1, 10) as n");
    let first_page = repl.expect("page 1 of");
    let rows: Vec<&str> = first_page
        .lines()
        .map(str::trim)
        .filter(|l| l.parse::<u32>().is_ok())
        .collect();
    assert_eq!(rows, ["1", "2", "3"], "{first_page}");
    repl.send("q");
    repl.expect_prompt();
    repl.ctrl('d');
    assert_eq!(repl.expect_exit(), 0);
}

/// `config show` names the provider and model questions go to, and where
/// each comes from: a flag, a variable, the file, a detected key, a default.
#[test]
fn config_show_says_where_the_provider_and_model_come_from() {
    let show = |home: &Path, args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = glance().home(home).args(args).args(["config", "show"]);
        for (name, value) in env {
            cmd = cmd.env(*name, *value);
        }
        let out = cmd.run();
        out.success();
        out.stdout.clone()
    };
    let bare = harness::scratch_dir("home");
    let out = show(&bare, &[], &[("OPENAI_API_KEY", "sk-test")]);
    assert!(
        out.contains("provider = \"openai\"  # detected: OPENAI_API_KEY is set\n")
            && out.contains("  # openai's default\n"),
        "{out}"
    );
    assert!(!out.contains("sk-test"), "{out}");
    let out = show(
        &bare,
        &["--model", "claude-test"],
        &[("GLANCE_PROVIDER", "anthropic"), ("ANTHROPIC_API_KEY", "k")],
    );
    assert!(
        out.contains("provider = \"anthropic\"  # from the environment variable GLANCE_PROVIDER\n")
            && out.contains("model = \"claude-test\"  # from the --model flag\n"),
        "{out}"
    );
    let out = show(&bare, &[], &[]);
    assert!(
        out.contains("provider = \"ollama\"  # nothing else is set up")
            && out.contains("# model: the first model the Ollama server lists"),
        "{out}"
    );

    let home = home_with_config(
        "[llm]\nprovider = \"openai\"\n[providers.openai]\nmodel = \"gpt-5-nano\"\n",
    );
    let file = config_file(&home).display().to_string();
    let out = show(&home, &[], &[("OPENAI_API_KEY", "k")]);
    assert!(
        out.contains(&format!(
            "provider = \"openai\"  # from provider under [llm] in {file}\n"
        )) && out.contains(
            "model = \"gpt-5-nano\"  # from model under [providers.openai] in the config file\n"
        ),
        "{out}"
    );
    let out = show(
        &home,
        &[],
        &[("OPENAI_API_KEY", "k"), ("GLANCE_MODEL", "gpt-env")],
    );
    assert!(
        out.contains("model = \"gpt-env\"  # from the environment variable GLANCE_MODEL\n"),
        "{out}"
    );
    let out = show(&home, &["--provider", "azure"], &[]);
    assert!(
        out.contains("provider = \"azure\"  # from the --provider flag\n")
            && out.contains("# model: none: name the deployment"),
        "{out}"
    );
}

/// `config show` lists the plugins and MCP servers as glance runs them,
/// defaults filled in, in TOML and in JSON.
#[test]
fn config_show_lists_plugins_and_mcp_servers() {
    let home = home_with_config(
        "[tools.metric]\ncommand = [\"/bin/metric\", \"--fast\"]\nread_only = true\n\
         parameters = { type = \"object\", properties = { metric = { type = \"string\" } } }\n\
         [mcp.files]\ncommand = [\"mcp-files\"]\ntimeout = \"5s\"\n",
    );
    let out = glance().home(&home).args(["config", "show"]).run();
    out.success()
        .stdout_has("[tools.metric]\ncommand = [\"/bin/metric\", \"--fast\"]\n")
        .stdout_has(
            "description = \"the metric plugin\"\nlast_result = false\nread_only = true\ntimeout = \"30s\"\n",
        )
        .stdout_has("[tools.metric.parameters]\ntype = \"object\"")
        .stdout_has("[mcp.files]\ncommand = [\"mcp-files\"]\ntimeout = \"5s\"\n");
    let out = glance()
        .home(&home)
        .args(["--format", "json", "config", "show"])
        .run();
    out.success();
    let doc = out.json();
    assert_eq!(doc["tools"]["metric"]["read_only"], true, "{out}");
    assert_eq!(doc["tools"]["metric"]["timeout"], "30s", "{out}");
    assert_eq!(
        doc["tools"]["metric"]["parameters"]["properties"]["metric"]["type"], "string",
        "{out}"
    );
    assert_eq!(doc["mcp"]["files"]["command"][0], "mcp-files", "{out}");
    assert_eq!(doc["agent"]["max_tool_calls"], 6, "{out}");
    assert_eq!(doc["llm"]["provider"], "ollama", "{out}");
}

/// `glance config show` (text and JSON) hides every secret in a provider's
/// `base_url` and in plugin and MCP server commands: URL user info and
/// secret query parameters, `--token=X`, `--password X`, `-u user:X`,
/// `Authorization: Bearer X`, `API_KEY=X`.
#[test]
fn config_show_hides_secrets_in_urls_and_commands() {
    let secrets = [
        "hunter2",
        "sk-query",
        "sk-live-1",
        "pw-two-words",
        "bobs-pw",
        "bearer-tok",
        "env-key",
        "pa55w0rd",
        "SECRETKEY",
    ];
    let home = home_with_config(
        "[providers.openai]\nbase_url = \"https://user:hunter2@proxy.example.com/v1?api_key=sk-query\"\n\
         [tools.dump]\ncommand = [\"/bin/dump\", \"--token=sk-live-1\", \"--password\", \"pw-two-words\", \
         \"-u\", \"bob:bobs-pw\", \"-H\", \"Authorization: Bearer bearer-tok\", \
         \"https://bob:pa55w0rd@example.com/x?key=SECRETKEY\"]\nread_only = true\n\
         [mcp.files]\ncommand = [\"env\", \"API_KEY=env-key\", \"mcp-files\"]\n",
    );
    let text = glance().home(&home).args(["config", "show"]).run();
    text.success()
        .stdout_has(
            "base_url = \"https://user:<redacted>@proxy.example.com/v1?api_key=<redacted>\"",
        )
        .stdout_has(
            "command = [\"/bin/dump\", \"--token=<redacted>\", \"--password\", \"<redacted>\", \
             \"-u\", \"bob:<redacted>\", \"-H\", \"Authorization: Bearer <redacted>\", \
             \"https://bob:<redacted>@example.com/x?key=<redacted>\"]",
        )
        .stdout_has("command = [\"env\", \"API_KEY=<redacted>\", \"mcp-files\"]");
    let json = glance()
        .home(&home)
        .args(["--format", "json", "config", "show"])
        .run();
    json.success();
    for secret in secrets {
        text.never_shows(secret);
        json.never_shows(secret);
    }
    assert_eq!(
        json.json()["providers"]["openai"]["base_url"],
        "https://user:<redacted>@proxy.example.com/v1?api_key=<redacted>"
    );
}
