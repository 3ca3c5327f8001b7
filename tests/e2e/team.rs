//! The team folder: `glance team init` writes a skeleton once, the glossary
//! reaches the model, team profiles connect only by name and say so (a
//! personal profile of the same name wins), a password in profiles.toml is
//! refused, a folder of another user or a broken team file never takes
//! over or stops glance, and `glance team` / `\team` say what the folder
//! holds.

use std::fs;
use std::path::{Path, PathBuf};

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, glance};

const GLOSSARY: &str =
    "[terms]\n\"premium item\" = \"an item whose price is over 1 (items.price > 1)\"\n";

/// A SQLite file whose one item is named `name`.
fn shop_file(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(format!("{name}.db"));
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch(&format!(
        "create table items (id integer primary key, name text, price real);
         insert into items values (1, '{name}', 1.5);"
    ))
    .expect("seed sqlite file");
    path
}

/// `ask --sql` on a SQLite file in `home` (whose cwd has the team folder):
/// the answer comes whatever is wrong with the folder.
fn ask_despite_the_team(home: &Path) -> harness::Output {
    let db = shop_file(home, "pen");
    let out = glance()
        .home(home)
        .args(["ask", "--sql", "select name from items", "-d"])
        .arg(&db)
        .run();
    out.success().stdout_has("pen");
    out
}

/// A folder holding `.glance/` with `files` (name, text) in it.
fn team_folder(hint: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = harness::scratch_dir(hint);
    let folder = root.join(".glance");
    fs::create_dir_all(&folder).unwrap();
    for (name, text) in files {
        fs::write(folder.join(name), text).unwrap();
    }
    root
}

#[test]
fn team_init_writes_a_skeleton_and_never_overwrites() {
    let home = harness::scratch_dir("team_init");
    let out = glance().home(&home).args(["team", "init"]).run();
    out.success()
        .stdout_has("glossary.toml")
        .stdout_has("written");
    let folder = home.join(".glance");
    for name in [
        "README.md",
        "glossary.toml",
        "profiles.toml",
        "examples.tsv",
        "queries/README.md",
    ] {
        assert!(folder.join(name).is_file(), "{name} missing\n{out}");
    }
    assert_eq!(
        fs::read_to_string(folder.join("examples.tsv")).unwrap(),
        "question\tsql\n"
    );
    fs::write(folder.join("glossary.toml"), GLOSSARY).unwrap();
    let before = fs::read_to_string(folder.join("README.md")).unwrap();
    glance()
        .home(&home)
        .args(["team", "init"])
        .run()
        .success()
        .stdout_has("exists, left as it is")
        .stdout_has("Nothing was written");
    assert_eq!(
        fs::read_to_string(folder.join("glossary.toml")).unwrap(),
        GLOSSARY
    );
    assert_eq!(
        fs::read_to_string(folder.join("README.md")).unwrap(),
        before
    );
    // The skeleton is a valid, empty team folder.
    glance()
        .home(&home)
        .args(["team"])
        .run()
        .success()
        .stdout_has("found in the current directory or a parent")
        .stdout_has("1 term");
    let elsewhere = harness::scratch_dir("team_init_dir").join("shared-team");
    glance()
        .args(["team", "init"])
        .arg(&elsewhere)
        .run()
        .success();
    assert!(elsewhere.join("queries").is_dir());
    assert!(elsewhere.join("glossary.toml").is_file());
    // The folder --team-dir or GLANCE_TEAM_DIR names is the one written,
    // so the hint for a missing one works as it says.
    let named = harness::scratch_dir("team_init_named").join("ours");
    glance()
        .env("GLANCE_TEAM_DIR", &named)
        .args(["team"])
        .run()
        .success()
        .stderr_has("glance: warning: --team-dir or GLANCE_TEAM_DIR names")
        .stderr_has(&format!(
            "create it with `glance team init {}`",
            named.display()
        ))
        .never_shows("warning: warning");
    glance()
        .env("GLANCE_TEAM_DIR", &named)
        .args(["team", "init"])
        .run()
        .success();
    assert!(named.join("profiles.toml").is_file());
    glance()
        .env("GLANCE_TEAM_DIR", &named)
        .args(["team"])
        .run()
        .success()
        .stdout_has("named by --team-dir or GLANCE_TEAM_DIR");
    let flagged = harness::scratch_dir("team_init_flag").join("theirs");
    glance()
        .arg("--team-dir")
        .arg(&flagged)
        .args(["team", "init"])
        .run()
        .success();
    assert!(flagged.join("examples.tsv").is_file());
}

#[test]
fn glossary_terms_reach_the_model_from_the_cwd_and_from_team_dir() {
    let home = team_folder("team_glossary", &[("glossary.toml", GLOSSARY)]);
    let db = shop_file(&home, "pen");
    let fake = FakeLlm::openai(vec![
        Reply::sql("select count(*) from items where price > 1"),
        Reply::sql("select count(*) from items where price > 1"),
    ]);
    fake.on(glance().home(&home))
        .args(["ask", "-d"])
        .arg(&db)
        .arg("how many premium items are there?")
        .run()
        .success();
    let elsewhere = harness::scratch_dir("team_glossary_named");
    fake.on(glance().home(&elsewhere))
        .arg("--team-dir")
        .arg(home.join(".glance"))
        .args(["ask", "-d"])
        .arg(&db)
        .arg("how many premium items?")
        .run()
        .success();
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    for request in requests {
        let system = request.body["messages"][0]["content"].to_string();
        assert!(
            system.contains("premium item: an item whose price is over 1"),
            "{system}"
        );
        assert!(system.contains("<glossary>"), "{system}");
    }
}

#[test]
fn show_prompt_shows_the_glossary() {
    let home = team_folder("team_show_prompt", &[("glossary.toml", GLOSSARY)]);
    let db = shop_file(&home, "pen");
    let fake = FakeLlm::openai(vec![]);
    let out = fake
        .on(glance().home(&home))
        .args(["ask", "--show-prompt", "-d"])
        .arg(&db)
        .arg("list premium items")
        .run();
    out.success()
        .stdout_has("Knowledge: 1 glossary term")
        .stdout_has("premium item: an item whose price is over 1");
    let out = fake
        .on(glance().home(&home))
        .args(["ask", "--show-prompt", "--format", "json", "-d"])
        .arg(&db)
        .arg("list premium items")
        .run();
    out.success();
    let doc = out.json();
    assert_eq!(doc["knowledge"]["glossary_terms"], 1, "{out}");
    assert!(
        doc["system"]
            .as_str()
            .is_some_and(|s| s.contains("premium item:")),
        "{out}"
    );
    assert!(fake.requests().is_empty());
}

#[test]
fn team_profiles_connect_and_a_personal_one_of_the_same_name_wins() {
    let home = team_folder("team_profiles", &[]);
    let team_db = shop_file(&home, "from_team");
    let mine = shop_file(&home, "mine");
    let profiles = format!(
        "[connections.shop]\nurl = \"{}\"\nread_only = true\n",
        team_db.display()
    );
    fs::write(home.join(".glance/profiles.toml"), profiles).unwrap();
    glance()
        .home(&home)
        .args(["-p", "shop", "ask", "--sql", "select name from items"])
        .run()
        .success()
        .stdout_has("from_team");
    let out = glance()
        .home(&home)
        .args(["repl"])
        .stdin("\\c\n\\team\n")
        .run();
    out.success()
        .stdout_has("shop")
        .stdout_has("team folder")
        .stdout_has("1 profile: shop");
    glance()
        .home(&home)
        .args(["config", "show"])
        .run()
        .success()
        .stdout_has("# From the team folder")
        .stdout_has("[connections.shop]");
    let config = home.join(".config/glance");
    fs::create_dir_all(&config).unwrap();
    fs::write(
        config.join("config.toml"),
        format!("[connections.shop]\nurl = \"{}\"\n", mine.display()),
    )
    .unwrap();
    glance()
        .home(&home)
        .args(["-p", "shop", "ask", "--sql", "select name from items"])
        .run()
        .success()
        .stdout_has("mine")
        .never_shows("from_team");
    glance()
        .home(&home)
        .args(["team"])
        .run()
        .success()
        .stdout_has("no profiles (your config file's shop over the team's)");
}

#[test]
fn a_password_in_team_profiles_is_refused() {
    for (profile, what) in [
        (
            "host = \"db.internal\"\npassword = \"t3amS3cret\"\n",
            "profile \"prod\" holds a `password`",
        ),
        (
            "url = \"postgres://ann:t3amS3cret@db.internal/shop\"\n",
            "profile \"prod\" holds a password in its `url`",
        ),
        (
            "url = \"host=db.internal password=t3amS3cret\"\n",
            "profile \"prod\" holds a password in its `url`",
        ),
        (
            "url = \"mysql://ann:t3amS3cret@db.internal/shop\"\n",
            "profile \"prod\" holds a password in its `url`",
        ),
    ] {
        let home = team_folder(
            "team_password",
            &[("profiles.toml", &format!("[connections.prod]\n{profile}"))],
        );
        // The file is skipped with the reason; glance goes on.
        ask_despite_the_team(&home)
            .stderr_has("profiles.toml")
            .stderr_has(what)
            .stderr_has("password_env")
            .stderr_has("personal profile")
            .stderr_has("skipped until it is fixed")
            .never_shows("t3amS3cret");
        glance()
            .home(&home)
            .args(["-p", "prod", "ask", "--sql", "select 1"])
            .run()
            .code(2)
            .stderr_has("no connection profile named \"prod\"")
            .never_shows("t3amS3cret");
    }
}

#[test]
fn a_broken_team_file_is_skipped_and_shown_never_fatal() {
    let home = team_folder(
        "team_bad_glossary",
        &[
            ("glossary.toml", "[terms]\nchurn = 3\n"),
            ("profiles.toml", "[connections.dev\nurl = \"x.db\"\n"),
        ],
    );
    ask_despite_the_team(&home)
        .stderr_has("glossary.toml, line 2")
        .stderr_has("terms.churn")
        .stderr_has("profiles.toml, line 1")
        .stderr_has("skipped until it is fixed");
    let out = glance().home(&home).args(["team"]).run();
    out.success()
        .stdout_has("0 terms")
        .stdout_has("glossary.toml, line 2")
        .stdout_has("profiles.toml, line 1");
}

#[cfg(unix)]
#[test]
fn a_fifo_for_examples_never_hangs_glance() {
    let home = team_folder("team_fifo", &[]);
    let examples = home.join(".glance/examples.tsv");
    let made = std::process::Command::new("mkfifo").arg(&examples).status();
    assert!(made.unwrap().success());
    ask_despite_the_team(&home)
        .stderr_has("examples.tsv")
        .stderr_has("not a regular file");
    glance()
        .home(&home)
        .args(["team"])
        .run()
        .success()
        .stdout_has("examples.tsv: it is not a regular file");
}

#[test]
fn a_team_profile_is_never_the_default_and_says_when_used() {
    let home = team_folder("team_default", &[]);
    let team_db = shop_file(&home, "from_team");
    let mine = shop_file(&home, "mine");
    fs::write(
        home.join(".glance/profiles.toml"),
        format!(
            "[connections.evil]\nurl = \"{}\"\npassword_env = \"OPENAI_API_KEY\"\ndefault = true\n",
            team_db.display()
        ),
    )
    .unwrap();
    let config = home.join(".config/glance");
    fs::create_dir_all(&config).unwrap();
    fs::write(
        config.join("config.toml"),
        format!("[connections.mine]\nurl = \"{}\"\n", mine.display()),
    )
    .unwrap();
    glance()
        .home(&home)
        .args(["ask", "--sql", "select name from items"])
        .run()
        .success()
        .stdout_has("mine")
        .stderr_has("`default = true` in team profile \"evil\" is ignored")
        .stderr_has("used only by name (-p evil, \\c evil)")
        .never_shows("from_team")
        .never_shows("using team profile");
    let note = format!(
        "glance: using team profile evil from {} ({})",
        home.join(".glance/profiles.toml").display(),
        team_db.display()
    );
    glance()
        .home(&home)
        .args(["-p", "evil", "ask", "--sql", "select name from items"])
        .run()
        .success()
        .stdout_has("from_team")
        .stderr_has(&note);
    let out = glance()
        .home(&home)
        .args(["repl", "--no-history"])
        .stdin("\\c evil\nselect name from items;\n")
        .run();
    out.success().stdout_has("from_team").stderr_has(&note);
    assert_eq!(out.stderr.matches("using team profile").count(), 1, "{out}");
}

#[cfg(unix)]
#[test]
fn a_found_team_folder_of_another_user_is_ignored() {
    let home = team_folder("team_foreign", &[("glossary.toml", GLOSSARY)]);
    let folder = home.join(".glance");
    std::os::unix::fs::chown(&folder, Some(65534), None).expect(
        "giving a folder to another user needs root: run the tests as root, as .ci/run does",
    );
    glance()
        .home(&home)
        .args(["team"])
        .run()
        .success()
        .stdout_has("No team folder is used")
        .stderr_has(&format!(
            "the team folder {} is ignored: it belongs to another user (uid 65534)",
            folder.display()
        ))
        .stderr_has(&format!("--team-dir {}", folder.display()));
    glance()
        .home(&home)
        .arg("--team-dir")
        .arg(&folder)
        .args(["team"])
        .run()
        .success()
        .stdout_has("1 term");
}

#[test]
fn team_show_without_a_folder_says_how_to_get_one() {
    glance()
        .args(["team", "show"])
        .run()
        .success()
        .stdout_has("No team folder is used")
        .stdout_has("glance team init");
    let home = team_folder("team_show_json", &[("glossary.toml", GLOSSARY)]);
    fs::create_dir_all(home.join(".glance/queries")).unwrap();
    fs::write(home.join(".glance/queries/today.sql"), "select 1;\n").unwrap();
    let out = glance()
        .args(["--format", "json", "team"])
        .arg("--team-dir")
        .arg(home.join(".glance"))
        .run();
    out.success();
    let doc = out.json();
    assert_eq!(doc["team"]["glossary_terms"], 1, "{out}");
    assert_eq!(doc["team"]["queries"], 1, "{out}");
    assert_eq!(
        doc["team"]["found"], "named by --team-dir or GLANCE_TEAM_DIR",
        "{out}"
    );
}

#[test]
fn profile_completion_offers_team_profiles_marked() {
    let home = team_folder(
        "team_completion",
        &[(
            "profiles.toml",
            "[connections.staging]\nhost = \"stage.internal\"\ndatabase = \"shop\"\n",
        )],
    );
    let complete = |words: &[&str]| {
        let out = glance()
            .home(&home)
            .env("COMPLETE", "fish")
            .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
            .arg("--")
            .args(words)
            .run();
        out.success();
        out.stdout.clone()
    };
    let out = complete(&["glance", "-p", ""]);
    assert!(
        out.contains("staging\tstage.internal/shop (team folder)"),
        "{out:?}"
    );
    let named = home.join(".glance");
    let elsewhere = harness::scratch_dir("team_completion_named");
    let out = glance()
        .home(&elsewhere)
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", "4")
        .args(["--", "glance", "--team-dir"])
        .arg(&named)
        .args(["-p", "st"])
        .run();
    out.success();
    assert!(out.stdout.contains("staging"), "{out}");
}

#[test]
fn backslash_team_in_a_terminal_session() {
    let home = team_folder("team_pty", &[("glossary.toml", GLOSSARY)]);
    let db = shop_file(&home, "pen");
    let db = db.to_str().unwrap();
    let mut repl = harness::pty_with_home(["repl", "--no-history", "-d", db], &home);
    repl.expect_prompt();
    repl.send_line("\\team");
    repl.expect_all(&["found in the current directory or a parent", "1 term"]);
    repl.expect_prompt();
    repl.send_line("\\q");
    repl.expect_exit();
}
