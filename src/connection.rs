//! Which database to open and under which rules: `-d`, `--demo`, a profile
//! named by `-p` or marked `default`, a pick from the profiles, or `\c`
//! later in the REPL.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::config::{Config, Profile};
use crate::db::postgres::{Login, conninfo};
use crate::db::{self, Target};
use crate::escape;
use crate::exit::Failure;

pub use crate::choice::Choice;

/// What to connect to at start-up.
#[derive(Debug)]
pub enum Start {
    Chosen(Choice),
    /// Several profiles and none is the default: the person picks one.
    Pick,
}

/// The database the command line asks for, if it names one.
#[derive(Clone, Debug, Default)]
pub struct Requested {
    /// `--demo`: the built-in demo database.
    pub demo: bool,
    /// `-d URL|PATH`.
    pub database: Option<String>,
    /// `-p NAME`: a profile of the config file.
    pub profile: Option<String>,
}

/// Decides from the flags and the config where a session starts.
pub fn at_start(requested: &Requested, config: &Config) -> Result<Start, Failure> {
    if requested.demo {
        return Ok(Start::Chosen(plain(config, demo_target()?)));
    }
    if let Some(database) = &requested.database {
        return Ok(Start::Chosen(plain(config, Target::parse(Some(database)))));
    }
    if let Some(name) = &requested.profile {
        return profile(config, name).map(Start::Chosen);
    }
    // A team profile connects only by name: the choice made without one is
    // among the config file's own profiles.
    let personal: Vec<&String> = config
        .profiles
        .keys()
        .filter(|name| !config.team_profiles.contains(*name))
        .collect();
    let default = personal
        .iter()
        .find(|name| config.profiles[name.as_str()].default);
    match (default, personal.as_slice()) {
        (Some(name), _) | (None, [name]) => profile(config, name).map(Start::Chosen),
        (None, []) => Ok(Start::Chosen(plain(config, Target::parse(None)))),
        (None, _) => Ok(Start::Pick),
    }
}

/// What connecting through a team profile says first: which profile, from
/// which file, and where it goes; `None` for any other connection.
pub fn team_note(config: &Config, choice: &Choice) -> Option<String> {
    let name = choice.profile.as_deref()?;
    let team = config.team.as_ref()?;
    let profile = config
        .profiles
        .get(name)
        .filter(|_| config.team_profiles.contains(name))?;
    let note = format!(
        "using team profile {name} from {} ({})",
        team.profiles_path().display(),
        describe(profile)
    );
    Some(escape::visible(&note).into_owned())
}

/// `\c ARG`: a profile by name; else, as in psql, a bare name is another
/// database on the current PostgreSQL or MySQL server (same host, port, user, and
/// the same read-only rule); else a URL, `key=value` string or path.
pub fn from_argument(config: &Config, argument: &str, current: &Choice) -> Result<Choice, Failure> {
    if config.profiles.contains_key(argument) {
        return profile(config, argument);
    }
    let target = Target::parse(Some(argument));
    let bare_name = !argument.contains(['=', '/', ':']);
    if let (true, Target::Postgres(_), Target::Postgres(conninfo)) =
        (bare_name, &target, &current.target)
    {
        let mut params = conninfo::parse(conninfo).map_err(Failure::usage)?;
        params.insert("dbname".into(), argument.to_string());
        return Ok(Choice {
            target: Target::Postgres(conninfo::to_keywords(&params)),
            profile: None,
            ..current.clone()
        });
    }
    if let (true, Target::Postgres(_), Target::Mysql(url)) = (bare_name, &target, &current.target) {
        return Ok(Choice {
            target: Target::Mysql(db::mysql::params::with_option(url, "database", argument)),
            profile: None,
            ..current.clone()
        });
    }
    Ok(plain(config, target))
}

/// A pick from [`listing`]: its number or a profile name.
pub fn pick(config: &Config, answer: &str) -> Result<Choice, Failure> {
    let answer = answer.trim();
    let by_number = answer
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|index| config.profiles.keys().nth(index));
    match by_number {
        Some(name) => profile(config, name),
        None => profile(config, answer),
    }
}

/// The profiles, numbered, with where each goes; `current`, the default and
/// those from the team folder marked.
pub fn listing(config: &Config, current: Option<&str>) -> String {
    let width = config
        .profiles
        .keys()
        .map(|name| name.chars().count())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for (index, (name, profile)) in config.profiles.iter().enumerate() {
        let mut notes = Vec::new();
        if config.team_profiles.contains(name) {
            notes.push("team folder");
        }
        if profile.default {
            notes.push("default");
        }
        if profile.read_only {
            notes.push("read-only");
        }
        if current == Some(name.as_str()) {
            notes.push("connected");
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!("  ({})", notes.join(", "))
        };
        // Names and addresses may come from a shared file.
        text.push_str(&format!(
            "{:>3}  {:<width$}  {}{notes}\n",
            index + 1,
            escape::visible(name),
            escape::visible(&describe(profile))
        ));
    }
    text
}

/// `host/database`, or the URL without its password, or the SQLite path.
fn describe(profile: &Profile) -> String {
    if let Some(url) = &profile.url {
        return crate::config::redact_url(url);
    }
    let host = profile.host.as_deref().unwrap_or("local socket");
    let port = profile
        .port
        .map(|port| format!(":{port}"))
        .unwrap_or_default();
    let database = profile.database.as_deref().unwrap_or("");
    let user = profile
        .user
        .as_deref()
        .map(|user| format!("{user}@"))
        .unwrap_or_default();
    format!("{user}{host}{port}/{database}")
}

/// The named profile as a [`Choice`].
pub fn profile(config: &Config, name: &str) -> Result<Choice, Failure> {
    let Some(profile) = config.profiles.get(name) else {
        let known = if config.profiles.is_empty() {
            "neither the config file nor a team folder defines any".to_string()
        } else {
            format!(
                "known: {}",
                config
                    .profiles
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        return Err(Failure::Usage {
            message: format!("no connection profile named \"{name}\" ({known})"),
            hint: Some("profiles are [connections.NAME] tables in the config file (`glance config path` shows where it is) or in the team folder's profiles.toml (`glance team`)".into()),
        });
    };
    Ok(Choice {
        target: target(name, profile)?,
        profile: Some(name.to_string()),
        read_only: profile.read_only,
        statement_timeout: config.statement_timeout(Some(profile)),
        guard_role: profile.guard_role.clone(),
    })
}

/// When to ask for a PostgreSQL password on the terminal, as psql's
/// `-W`/`-w`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordPrompt {
    /// When the server asks for one and none was given, if stdin is a terminal.
    IfNeeded = 0,
    /// `-W`: before every new connection (start-up and `\c`).
    Always = 1,
    /// `-w`: never; a missing password is an error.
    Never = 2,
}

static PROMPT: AtomicU8 = AtomicU8::new(PasswordPrompt::IfNeeded as u8);

/// Passwords typed in this process, with the server and user they opened:
/// `\c otherdb` and reconnecting reuse them, as psql reuses its password.
static TYPED: Mutex<Vec<(Login, String)>> = Mutex::new(Vec::new());

/// Sets, once at start-up, when passwords are asked for (`-W`, `-w`).
pub fn set_password_prompt(prompt: PasswordPrompt) {
    PROMPT.store(prompt as u8, Ordering::Relaxed);
}

fn password_prompt() -> PasswordPrompt {
    match PROMPT.load(Ordering::Relaxed) {
        1 => PasswordPrompt::Always,
        2 => PasswordPrompt::Never,
        _ => PasswordPrompt::IfNeeded,
    }
}

/// A note for the front end to show before a new connection to `choice`
/// ([`connect`], [`connect_from`]): `-W` asks for a password that a SQLite
/// database has no use for.
pub fn ignored_password_note(choice: &Choice) -> Option<&'static str> {
    let sqlite = matches!(choice.target, Target::Sqlite(_));
    (sqlite && password_prompt() == PasswordPrompt::Always)
        .then_some("note: -W/--password is ignored: SQLite databases have no password")
}

/// Opens the database a choice names at start-up: a new connection, so
/// `-W` asks for the password first. Warnings (a `~/.pgpass` others can
/// read) go to `warn` as they arise, before any password prompt.
pub fn connect(choice: &Choice, warn: Warn) -> Result<Box<dyn db::Backend>, Failure> {
    open(choice, true, Place::Start, warn)
}

/// Where a connection's warnings go: the front end shows each as it comes.
pub type Warn<'a> = &'a mut dyn FnMut(&str);

/// Where a connection is being opened from, for the hint of a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Start-up: the hints name command-line options (`-d`).
    Start,
    /// `\c` in the REPL: the hints name meta-commands (`\l`, `\c NAME`).
    Repl,
}

/// What `\c` says about a database that does not exist.
pub const REPL_DATABASE_MISSING: &str =
    "\\l lists the databases on this server; \\c NAME connects to one";

/// Opens a new connection (`-W` asks first); a failure's hint fits `from`.
pub fn connect_from(
    choice: &Choice,
    from: Place,
    warn: Warn,
) -> Result<Box<dyn db::Backend>, Failure> {
    open(choice, true, from, warn)
}

/// Opens the same database again after the connection was lost in the
/// REPL: a password typed earlier is reused, and asked for only if none was.
pub fn connect_again(choice: &Choice, warn: Warn) -> Result<Box<dyn db::Backend>, Failure> {
    open(choice, false, Place::Repl, warn)
}

fn open(
    choice: &Choice,
    fresh: bool,
    from: Place,
    warn: Warn,
) -> Result<Box<dyn db::Backend>, Failure> {
    remember_password(&choice.target);
    let fail = |error| failure(error, from);
    let prompt = password_prompt();
    // A string glance cannot read fails in the attempt, with its own message.
    let Some((login, given)) = login_of(&choice.target) else {
        return attempt(choice, &choice.target, warn).map_err(fail);
    };
    if fresh && prompt == PasswordPrompt::Always {
        let password = ask(&login, "-W/--password asks for the password")?;
        return attempt_typed(choice, &login, password, from, warn);
    }
    let first = match typed_for(&login).filter(|_| !given) {
        Some(password) => attempt(choice, &with_password(&choice.target, &password), warn),
        None => attempt(choice, &choice.target, warn),
    };
    match first {
        Err(db::Error::Connect(error))
            if error.cause == db::ConnectCause::PasswordMissing
                && prompt != PasswordPrompt::Never
                && std::io::stdin().is_terminal() =>
        {
            let password = ask(&login, "the server asks for a password")?;
            attempt_typed(choice, &login, password, from, warn)
        }
        other => other.map_err(fail),
    }
}

/// The server and user a target logs in as, and whether it carries a
/// password; `None` for SQLite and for strings glance cannot read.
fn login_of(target: &Target) -> Option<(Login, bool)> {
    match target {
        Target::Postgres(conninfo) => {
            let login = db::postgres::login(conninfo).ok()?;
            let given =
                conninfo::parse(conninfo).is_ok_and(|params| params.contains_key("password"));
            Some((login, given))
        }
        Target::Mysql(url) => db::mysql::login(url).ok(),
        Target::Sqlite(_) => None,
    }
}

/// One connection attempt to `target` with the choice's options; the
/// backend's warnings go to `warn`, before any error.
fn attempt(
    choice: &Choice,
    target: &Target,
    warn: Warn,
) -> Result<Box<dyn db::Backend>, db::Error> {
    let options = db::ConnectOptions {
        guard_role: choice.guard_role.clone(),
        ..db::ConnectOptions::default()
    };
    let mut warnings = Vec::new();
    let connected = db::connect(target, &options, &mut warnings);
    for warning in &warnings {
        warn(warning);
    }
    connected
}

/// Connects with a password the person typed, and keeps it for this
/// server and user when it works.
fn attempt_typed(
    choice: &Choice,
    login: &Login,
    password: String,
    from: Place,
    warn: Warn,
) -> Result<Box<dyn db::Backend>, Failure> {
    let backend = attempt(choice, &with_password(&choice.target, &password), warn)
        .map_err(|e| failure(e, from))?;
    if let Ok(mut typed) = TYPED.lock() {
        typed.retain(|(known, _)| !known.same_server_and_user(login));
        typed.push((login.clone(), password));
    }
    Ok(backend)
}

fn typed_for(login: &Login) -> Option<String> {
    let typed = TYPED.lock().ok()?;
    typed
        .iter()
        .find(|(known, _)| known.same_server_and_user(login))
        .map(|(_, password)| password.clone())
}

/// `target` with `password` in it.
fn with_password(target: &Target, password: &str) -> Target {
    match target {
        Target::Mysql(url) => Target::Mysql(db::mysql::params::with_password(url, password)),
        Target::Postgres(conninfo) => {
            let mut params = conninfo::parse(conninfo).unwrap_or_default();
            params.insert("password".into(), password.to_string());
            Target::Postgres(conninfo::to_keywords(&params))
        }
        Target::Sqlite(_) => target.clone(),
    }
}

/// Asks on the terminal for `login`'s password; `why` says why when there
/// is no terminal to ask on. Cancelling fails like a refused connection.
fn ask(login: &Login, why: &str) -> Result<String, Failure> {
    if !std::io::stdin().is_terminal() {
        // The hint names every source of a password, wherever glance connects from.
        return Err(failure(
            db::Error::Connect(db::ConnectError {
                dialect: login.dialect,
                location: login.location.clone(),
                message: format!(
                    "{why} for user \"{}\", and there is no terminal to ask on",
                    login.user
                ),
                cause: db::ConnectCause::PasswordMissing,
            }),
            Place::Start,
        ));
    }
    let prompt = format!("Password for user {}: ", escape::visible(&login.user));
    match crate::password::ask(&prompt) {
        Ok(Some(password)) => {
            crate::redact::remember(&password);
            Ok(password)
        }
        Ok(None) => Err(Failure::Runtime {
            message: format!(
                "no password given; not connected to {}",
                escape::visible(&login.location)
            ),
            hint: None,
        }),
        Err(error) => Err(Failure::Runtime {
            message: format!("could not read the password from the terminal: {error}"),
            hint: None,
        }),
    }
}

/// A failed connection as the front ends report it, with the hint that
/// fits where it was opened from.
fn failure(error: db::Error, from: Place) -> Failure {
    let text = match &error {
        db::Error::Connect(connect)
            if from == Place::Repl && connect.cause == db::ConnectCause::DatabaseMissing =>
        {
            crate::report::error_line(&error.to_string(), Some(REPL_DATABASE_MISSING))
        }
        _ => crate::report::db_error(&error, None),
    };
    Failure::Database { text }
}

/// Has the redactor hide the password a target carries, or PGPASSWORD's.
fn remember_password(target: &Target) {
    if let Target::Postgres(conninfo) = target
        && let Ok(params) = conninfo::parse(conninfo)
        && let Some(password) = params.get("password")
    {
        crate::redact::remember(password);
    }
    if let Target::Mysql(url) = target
        && let Ok(params) = db::mysql::params::Params::resolve(
            url,
            &db::mysql::params::Defaults::from_environment(),
        )
        && let Some(password) = &params.password
    {
        crate::redact::remember(password);
    }
    for variable in ["PGPASSWORD", "MYSQL_PWD"] {
        if let Some(password) = std::env::var_os(variable) {
            crate::redact::remember(&password.to_string_lossy());
        }
    }
}

fn plain(config: &Config, target: Target) -> Choice {
    Choice {
        target,
        profile: None,
        read_only: false,
        statement_timeout: config.statement_timeout(None),
        guard_role: None,
    }
}

fn demo_target() -> Result<Target, Failure> {
    let path = crate::demo::ensure().map_err(|e| Failure::Runtime {
        message: format!("could not create the demo database: {e}"),
        hint: Some(
            "check that the data directory (XDG_DATA_HOME or ~/.local/share) is writable".into(),
        ),
    })?;
    Ok(Target::Sqlite(path))
}

/// Where a profile's connection goes, password included.
fn target(name: &str, profile: &Profile) -> Result<Target, Failure> {
    let url = profile.url.as_deref().map(expand_home);
    if let Some(url) = &url
        && let Target::Sqlite(path) = Target::parse(Some(url))
    {
        return Ok(Target::Sqlite(path));
    }
    let bad = |message: String| Failure::Usage {
        message: format!("connection profile \"{name}\": {message}"),
        hint: Some("fix [connections.NAME] in the config file".into()),
    };
    if profile.is_mysql() {
        return mysql_target(profile, url).map_err(bad);
    }
    let mut params = conninfo::parse(url.as_deref().unwrap_or("")).map_err(bad)?;
    let mut set = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            params.insert(key.to_string(), value);
        }
    };
    set("host", profile.host.clone());
    set("port", profile.port.map(|port| port.to_string()));
    set("dbname", profile.database.clone());
    set("user", profile.user.clone());
    set("sslmode", profile.sslmode.clone());
    set(
        "sslrootcert",
        profile.sslrootcert.as_deref().map(expand_home),
    );
    set("passfile", profile.passfile.as_deref().map(expand_home));
    set("password", profile.password.clone());
    if let Some(var) = &profile.password_env {
        match std::env::var(var) {
            Ok(password) if !password.is_empty() => set("password", Some(password)),
            _ => {
                return Err(bad(format!(
                    "password_env names {var}, which is not set; export {var}=… or change the profile"
                )));
            }
        }
    }
    Ok(Target::Postgres(conninfo::to_keywords(&params)))
}

/// A MySQL profile as a URL: `url`, or one made of host, port, database
/// and user, with its TLS settings and password added.
fn mysql_target(profile: &Profile, url: Option<String>) -> Result<Target, String> {
    use db::mysql::params::{url_from_parts, with_option};
    let mut url = url.unwrap_or_else(|| {
        url_from_parts(
            profile.host.as_deref(),
            profile.port,
            profile.database.as_deref(),
            profile.user.as_deref(),
        )
    });
    if let Some(mode) = &profile.sslmode {
        url = with_option(&url, "ssl-mode", mode);
    }
    if let Some(ca) = &profile.sslrootcert {
        url = with_option(&url, "ssl-ca", &expand_home(ca));
    }
    if let Some(socket) = &profile.socket {
        url = with_option(&url, "socket", &expand_home(socket));
    }
    if let Some(password) = &profile.password {
        url = with_option(&url, "password", password);
    }
    if let Some(var) = &profile.password_env {
        match std::env::var(var) {
            Ok(password) if !password.is_empty() => url = with_option(&url, "password", &password),
            _ => {
                return Err(format!(
                    "password_env names {var}, which is not set; export {var}=… or change the profile"
                ));
            }
        }
    }
    Ok(Target::Mysql(url))
}

/// `~/x` → `$HOME/x`.
fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest).display().to_string(),
        _ => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn config(text: &str, args: &[&str]) -> Config {
        // Tests run in parallel, several with the same text: one directory each.
        static NEXT: AtomicU8 = AtomicU8::new(0);
        let dir = std::env::temp_dir().join(format!(
            "glance-conn-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        let mut argv = vec!["glance", "--config", path.to_str().unwrap()];
        argv.extend(args);
        argv.push("repl");
        let global = crate::cli::Cli::try_parse_from(argv).unwrap().global;
        let config = Config::load(&global.overrides()).unwrap();
        std::fs::remove_dir_all(dir).unwrap();
        config
    }

    fn start(text: &str, args: &[&str]) -> Start {
        let cfg = config(text, args);
        let mut argv = vec!["glance"];
        argv.extend(args);
        argv.push("repl");
        let global = crate::cli::Cli::try_parse_from(argv).unwrap().global;
        at_start(&global.requested(), &cfg).unwrap()
    }

    const TWO: &str = "[connections.a]\nhost = \"ha\"\ndatabase = \"da\"\n\
                       [connections.b]\nurl = \"postgres://u:pw@hb/db\"\nsslmode = \"require\"\nread_only = true\n";

    #[test]
    fn several_profiles_without_a_default_are_picked() {
        assert!(matches!(start(TWO, &[]), Start::Pick));
        let Start::Chosen(choice) = start(TWO, &["-p", "b"]) else {
            panic!("chosen")
        };
        assert_eq!(choice.profile.as_deref(), Some("b"));
        assert!(choice.read_only);
        let Start::Chosen(choice) = start(TWO, &["-d", "x.db"]) else {
            panic!("chosen")
        };
        assert_eq!(choice.profile, None);
    }

    #[test]
    fn a_default_or_a_single_profile_is_used() {
        let with_default = format!("{TWO}default = true\n");
        let Start::Chosen(choice) = start(&with_default, &[]) else {
            panic!("chosen")
        };
        assert_eq!(choice.profile.as_deref(), Some("b"));
        let Start::Chosen(choice) = start("[connections.only]\ndatabase = \"d\"\n", &[]) else {
            panic!("chosen")
        };
        assert_eq!(choice.profile.as_deref(), Some("only"));
    }

    #[test]
    fn a_team_profile_connects_only_by_name_and_says_so() {
        let team = tempfile::tempdir().unwrap();
        std::fs::write(
            team.path().join("profiles.toml"),
            "[connections.evil]\nhost = \"attacker\"\nport = 6543\ndatabase = \"x\"\n\
             default = true\n",
        )
        .unwrap();
        let dir = team.path().to_str().unwrap();
        for personal in ["", "[connections.mine]\ndatabase = \"m\"\n"] {
            let Start::Chosen(choice) = start(personal, &["--team-dir", dir]) else {
                panic!("chosen")
            };
            assert_ne!(choice.profile.as_deref(), Some("evil"), "{personal:?}");
            assert_eq!(
                team_note(&config(personal, &["--team-dir", dir]), &choice),
                None
            );
        }
        let cfg = config("", &["--team-dir", dir]);
        let chosen = profile(&cfg, "evil").unwrap();
        let note = team_note(&cfg, &chosen).unwrap();
        assert_eq!(
            note,
            format!(
                "using team profile evil from {} (attacker:6543/x)",
                team.path().join("profiles.toml").display()
            )
        );
    }

    #[test]
    fn profiles_become_connection_strings() {
        let cfg = config(TWO, &[]);
        let Target::Postgres(conninfo) = profile(&cfg, "b").unwrap().target else {
            panic!("pg")
        };
        let params = conninfo::parse(&conninfo).unwrap();
        assert_eq!(params["host"], "hb");
        assert_eq!(params["password"], "pw");
        assert_eq!(params["sslmode"], "require");
        let Target::Postgres(conninfo) = profile(&cfg, "a").unwrap().target else {
            panic!("pg")
        };
        assert_eq!(conninfo::parse(&conninfo).unwrap()["dbname"], "da");
        let my = config(
            "[connections.m]\ndriver = \"mysql\"\nhost = \"db\"\nport = 3307\ndatabase = \"shop\"\n\
             user = \"ann\"\nsslmode = \"REQUIRED\"\npassword = \"p w\"\n\
             [connections.k]\ndriver = \"mysql\"\nsocket = \"/run/m.sock\"\ndatabase = \"shop\"\n\
             [connections.u]\nurl = \"mariadb://ann@db/shop\"\n",
            &[],
        );
        let Target::Mysql(url) = profile(&my, "m").unwrap().target else {
            panic!("a mysql profile is a MySQL target")
        };
        assert_eq!(
            url,
            "mysql://ann@db:3307/shop?ssl-mode=REQUIRED&password=p%20w"
        );
        let Target::Mysql(url) = profile(&my, "k").unwrap().target else {
            panic!("a mysql profile is a MySQL target")
        };
        assert!(url.ends_with("/shop?socket=%2Frun%2Fm.sock"), "{url}");
        assert_eq!(
            profile(&my, "u").unwrap().target,
            Target::Mysql("mariadb://ann@db/shop".into())
        );
        let sqlite = config("[connections.s]\nurl = \"sqlite:/tmp/x.db\"\n", &[]);
        assert!(matches!(
            profile(&sqlite, "s").unwrap().target,
            Target::Sqlite(_)
        ));
    }

    #[test]
    fn unknown_profiles_and_missing_password_variables_are_explained() {
        let cfg = config(TWO, &[]);
        let error = profile(&cfg, "c").unwrap_err().message();
        assert!(
            error.contains("\"c\"") && error.contains("known: a, b"),
            "{error}"
        );
        let cfg = config(
            "[connections.p]\nhost = \"h\"\npassword_env = \"GLANCE_TEST_UNSET_PW\"\n",
            &[],
        );
        let error = profile(&cfg, "p").unwrap_err().message();
        assert!(error.contains("GLANCE_TEST_UNSET_PW"), "{error}");
    }

    #[test]
    fn a_bare_name_is_another_database_on_the_same_server() {
        let cfg = config(TWO, &[]);
        let current = profile(&cfg, "b").unwrap();
        let other = from_argument(&cfg, "sales", &current).unwrap();
        let Target::Postgres(conninfo) = &other.target else {
            panic!("pg")
        };
        let params = conninfo::parse(conninfo).unwrap();
        assert_eq!(
            (params["host"].as_str(), params["dbname"].as_str()),
            ("hb", "sales")
        );
        assert!(other.read_only, "the read-only rule stays");
        assert_eq!(
            from_argument(&cfg, "a", &current)
                .unwrap()
                .profile
                .as_deref(),
            Some("a")
        );
        assert!(matches!(
            from_argument(&cfg, "x.db", &current).unwrap().target,
            Target::Sqlite(_)
        ));
        let url = from_argument(&cfg, "postgres://h/d", &current).unwrap();
        assert!(!url.read_only);
    }

    #[test]
    fn a_typed_password_is_kept_for_its_server_and_user_only() {
        let login = |conninfo: &str| db::postgres::login(conninfo).unwrap();
        let here = login("host=typed.example port=5999 user=ann dbname=a");
        let pg = Target::Postgres("host=typed.example dbname=a".into());
        let Target::Postgres(conninfo) = with_password(&pg, "pw 'x") else {
            panic!("pg")
        };
        assert_eq!(conninfo::parse(&conninfo).unwrap()["password"], "pw 'x");
        TYPED
            .lock()
            .unwrap()
            .push((here.clone(), "typed-pw".into()));
        let other_db = login("host=typed.example port=5999 user=ann dbname=b");
        assert_eq!(typed_for(&other_db).as_deref(), Some("typed-pw"));
        for elsewhere in [
            "host=typed.example port=5999 user=bob dbname=a",
            "host=typed.example port=5998 user=ann dbname=a",
            "host=other.example port=5999 user=ann dbname=a",
        ] {
            assert_eq!(typed_for(&login(elsewhere)), None, "{elsewhere}");
        }
        let mysql = Login {
            dialect: db::Dialect::Mysql,
            ..here
        };
        assert_eq!(
            typed_for(&mysql),
            None,
            "never tried on another kind of server"
        );
        let Target::Mysql(url) = with_password(&Target::Mysql("mysql://h/d".into()), "p w") else {
            panic!("mysql")
        };
        assert_eq!(url, "mysql://h/d?password=p%20w");
    }

    #[test]
    fn picks_by_number_or_name_and_lists_with_marks() {
        let cfg = config(TWO, &[]);
        assert_eq!(pick(&cfg, "2").unwrap().profile.as_deref(), Some("b"));
        assert_eq!(pick(&cfg, " a ").unwrap().profile.as_deref(), Some("a"));
        assert!(pick(&cfg, "9").is_err());
        let list = listing(&cfg, Some("a"));
        assert_eq!(
            list,
            "  1  a  ha/da  (connected)\n  2  b  postgres://u:<redacted>@hb/db  (read-only)\n"
        );
    }
}
