//! Migration files in the layout of the tool a project already uses:
//! dbmate, sqlx, golang-migrate, Flyway, sqitch, or plain numbered pairs.
//! `detect` reads the names (and a few first lines) already in a
//! directory; `write` adds one migration beside them, numbered after the
//! newest, and never overwrites: every target is checked before the first
//! file is created, and each is created with `create_new`. Pure
//! filesystem code: returns paths and errors, never prints.

mod layout;
mod verify;

use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// A migration tool whose file layout glance writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tool {
    Dbmate,
    Sqlx,
    GolangMigrate,
    Flyway,
    Sqitch,
    Plain,
}

impl Tool {
    /// Every tool, in the order help lists them.
    pub const ALL: [Tool; 6] = [
        Tool::Dbmate,
        Tool::Sqlx,
        Tool::GolangMigrate,
        Tool::Flyway,
        Tool::Sqitch,
        Tool::Plain,
    ];

    /// The tool named `name` (as `--tool` takes it).
    pub fn parse(name: &str) -> Result<Tool, FilesError> {
        Tool::ALL
            .into_iter()
            .find(|tool| tool.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| FilesError::UnknownTool(name.to_string()))
    }

    /// The name `--tool` takes.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Dbmate => "dbmate",
            Tool::Sqlx => "sqlx",
            Tool::GolangMigrate => "golang-migrate",
            Tool::Flyway => "flyway",
            Tool::Sqitch => "sqitch",
            Tool::Plain => "plain",
        }
    }
}

/// The names `--tool` accepts, joined with `|`.
fn tool_names() -> String {
    Tool::ALL.map(Tool::name).join("|")
}

/// The tool whose layout the files in `dir` follow: `None` when `dir` is
/// missing or holds no migration files.
///
/// Detection reads names, and the first lines of a few files:
/// - `sqitch.plan` is sqitch; `V1__name.sql` (and `U…`, `R__…`) is Flyway;
/// - `N_name.sql` whose text has a `-- migrate:up` line is dbmate;
/// - `N_name.up.sql` / `.down.sql` pairs are sqlx or golang-migrate, which
///   name timestamped files alike. A `-- no-transaction` first line (sqlx's
///   marker) or a 14-digit timestamp on every file says sqlx; any other
///   numbering (`000001_…`, golang-migrate's `-seq`) says golang-migrate. A
///   golang-migrate project that uses timestamps passes `--tool`;
/// - a 14-digit `N_name.sql` with no dbmate marker is a sqlx migration
///   without a down step.
///
/// The plain layout (`001_name.up.sql`) is golang-migrate's sequential one,
/// so a plain directory reads back as golang-migrate, which continues it
/// with the same names. Other `.sql` files beside a known layout (a schema
/// dump, say) are ignored; two layouts at once are an error.
pub fn detect(dir: &Path) -> Result<Option<Tool>, FilesError> {
    let names = layout::names(dir)?;
    let mut seen: BTreeMap<Tool, Vec<String>> = BTreeMap::new();
    let mut pairs = Vec::new();
    let mut unknown = Vec::new();
    for name in names {
        let tool = if name == "sqitch.plan" {
            Some(Tool::Sqitch)
        } else if !name.ends_with(".sql") {
            continue;
        } else if layout::flyway_version(&name).is_some() || name.starts_with("R__") {
            Some(Tool::Flyway)
        } else if let Some((version, _)) = layout::up_down(&name) {
            pairs.push((version.to_string(), name.clone()));
            None
        } else if let Some((version, _)) = layout::numbered(name.trim_end_matches(".sql")) {
            if layout::has_line(&dir.join(&name), |line| line.starts_with("-- migrate:up")) {
                Some(Tool::Dbmate)
            } else if version.len() == 14 {
                Some(Tool::Sqlx)
            } else {
                unknown.push(name);
                continue;
            }
        } else {
            unknown.push(name);
            continue;
        };
        if let Some(tool) = tool {
            seen.entry(tool).or_default().push(name);
        }
    }
    if !pairs.is_empty() {
        let marked = pairs.iter().any(|(_, name)| {
            layout::first_line(&dir.join(name)).is_some_and(|l| l.trim() == "-- no-transaction")
        });
        let stamped = pairs.iter().all(|(version, _)| version.len() == 14);
        let tool = if marked || stamped {
            Tool::Sqlx
        } else {
            Tool::GolangMigrate
        };
        seen.entry(tool)
            .or_default()
            .extend(pairs.into_iter().map(|(_, name)| name));
    }
    match seen.len() {
        0 if unknown.is_empty() => Ok(None),
        0 => Err(FilesError::Unrecognised(dir.to_path_buf(), unknown)),
        1 => Ok(seen.into_keys().next()),
        _ => Err(FilesError::Mixed(
            dir.to_path_buf(),
            seen.into_iter().collect(),
        )),
    }
}

/// One migration: the step forward, the step back, and whether they may
/// run inside a transaction (false for CREATE INDEX CONCURRENTLY and the like).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    pub up: String,
    pub down: String,
    pub transactional: bool,
}

/// What went wrong reading or writing a migration directory.
#[derive(Debug)]
pub enum FilesError {
    /// `--tool` named no tool glance knows.
    UnknownTool(String),
    /// The directory holds files of more than one tool: each tool with
    /// some of its files.
    Mixed(PathBuf, Vec<(Tool, Vec<String>)>),
    /// `.sql` files in no layout glance knows.
    Unrecognised(PathBuf, Vec<String>),
    /// The migration's name has no letter or digit to name files by.
    EmptyName(String),
    /// A file the migration would write is already there; nothing was written.
    Exists(PathBuf),
    Io(PathBuf, io::Error),
}

impl fmt::Display for FilesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FilesError::UnknownTool(name) => write!(
                f,
                "unknown migration tool '{name}': use one of {}",
                tool_names()
            ),
            FilesError::Mixed(dir, seen) => {
                let seen: Vec<String> = seen
                    .iter()
                    .map(|(tool, files)| format!("{} ({})", tool.name(), examples(files)))
                    .collect();
                write!(
                    f,
                    "{} holds files of more than one migration tool: {}; pass --tool {} to choose",
                    dir.display(),
                    seen.join(", "),
                    tool_names()
                )
            }
            FilesError::Unrecognised(dir, files) => write!(
                f,
                "{} holds .sql files in no layout glance knows ({}); pass --tool {} to choose",
                dir.display(),
                examples(files),
                tool_names()
            ),
            FilesError::EmptyName(name) => write!(
                f,
                "the migration name '{name}' has no letter or digit to name its files by; \
                 give a name such as 'add soft delete to customers'"
            ),
            FilesError::Exists(path) => write!(
                f,
                "{} already exists; nothing was written (choose another name or remove it)",
                path.display()
            ),
            FilesError::Io(path, error) => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for FilesError {}

/// Up to three of `files`, and how many more.
fn examples(files: &[String]) -> String {
    let mut text = files.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    if files.len() > 3 {
        text.push_str(&format!(" and {} more", files.len() - 3));
    }
    text
}

/// `name` as a file-name part: lowercase ASCII letters, digits and single
/// underscores, at most 50 characters.
pub fn slug(name: &str) -> Result<String, FilesError> {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('_') {
            slug.push('_');
        }
    }
    slug.truncate(50);
    let slug = slug.trim_end_matches('_').to_string();
    if slug.is_empty() {
        return Err(FilesError::EmptyName(name.to_string()));
    }
    Ok(slug)
}

/// Writes `step` into `dir` in `tool`'s layout, named after `name`, with
/// the clock's time where the layout has one. Returns the paths written.
pub fn write(
    dir: &Path,
    tool: Tool,
    name: &str,
    step: &Migration,
) -> Result<Vec<PathBuf>, FilesError> {
    write_at(dir, tool, name, step, SystemTime::now())
}

/// [`write`] at the time `now`.
pub fn write_at(
    dir: &Path,
    tool: Tool,
    name: &str,
    step: &Migration,
    now: SystemTime,
) -> Result<Vec<PathBuf>, FilesError> {
    let slug = slug(name)?;
    let planned = layout::plan(dir, tool, &slug, name, step, Utc::at(now))?;
    for (path, _) in planned.new_files.iter() {
        if path.symlink_metadata().is_ok() {
            return Err(FilesError::Exists(path.clone()));
        }
    }
    let mut written = Vec::new();
    for (path, text) in &planned.new_files {
        if let Err(error) = create_new(path, text) {
            for done in &written {
                let _ = fs::remove_file(done);
            }
            return Err(error);
        }
        written.push(path.clone());
    }
    if let Some((plan, line)) = &planned.append {
        append(plan, line).inspect_err(|_| {
            for done in &written {
                let _ = fs::remove_file(done);
            }
        })?;
        written.push(plan.clone());
    }
    Ok(written)
}

/// Creates `path` (and its directory) holding `text`; fails when it exists.
fn create_new(path: &Path, text: &str) -> Result<(), FilesError> {
    let io_error = |e| FilesError::Io(path.to_path_buf(), e);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| FilesError::Io(parent.to_path_buf(), e))?;
    }
    let mut file = match OpenOptions::new().write(true).create_new(true).open(path) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(FilesError::Exists(path.to_path_buf()));
        }
        other => other.map_err(io_error)?,
    };
    file.write_all(text.as_bytes()).map_err(io_error)
}

/// Appends `text` to `path`, creating it when missing.
fn append(path: &Path, text: &str) -> Result<(), FilesError> {
    let io_error = |e| FilesError::Io(path.to_path_buf(), e);
    let mut file = OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(io_error)?;
    file.write_all(text.as_bytes()).map_err(io_error)
}

/// A moment in UTC, to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Utc {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl Utc {
    /// `time` in UTC; a time before 1970 counts as 1970.
    fn at(time: SystemTime) -> Utc {
        let seconds = time
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let (days, rest) = ((seconds / 86_400) as i64, (seconds % 86_400) as u32);
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Utc {
            year,
            month,
            day,
            hour: rest / 3600,
            minute: rest / 60 % 60,
            second: rest % 60,
        }
    }

    /// `YYYYMMDDHHMMSS`, the version dbmate, sqlx and golang-migrate use.
    fn compact(self) -> String {
        format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, as sqitch.plan writes it.
    fn iso(self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn tools_parse_by_name_and_the_error_lists_them() {
        for tool in Tool::ALL {
            assert_eq!(Tool::parse(tool.name()).unwrap(), tool);
        }
        assert_eq!(Tool::parse(" Flyway ").unwrap(), Tool::Flyway);
        let error = Tool::parse("liquibase").unwrap_err().to_string();
        assert!(error.contains("'liquibase'"), "{error}");
        assert!(
            error.contains("dbmate|sqlx|golang-migrate|flyway|sqitch|plain"),
            "{error}"
        );
    }

    #[test]
    fn names_are_slugged() {
        let cases = [
            (
                "add a soft delete column to customers",
                "add_a_soft_delete_column_to_customers",
            ),
            (
                "  Add   Index: orders(customer_id)!",
                "add_index_orders_customer_id",
            ),
            ("Ünïcode naïve", "n_code_na_ve"),
            ("__x__", "x"),
            ("123", "123"),
        ];
        for (name, expected) in cases {
            assert_eq!(slug(name).unwrap(), expected, "{name}");
        }
        let long = slug(&"word ".repeat(30)).unwrap();
        assert!(long.len() <= 50 && !long.ends_with('_'), "{long}");
        assert!(matches!(slug("!!! ---"), Err(FilesError::EmptyName(_))));
    }

    #[test]
    fn utc_is_formatted_from_the_epoch() {
        let at = |s: u64| Utc::at(UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0).compact(), "19700101000000");
        assert_eq!(at(951_782_400).iso(), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_767_225_599).compact(), "20251231235959");
        assert_eq!(at(1_709_210_096).iso(), "2024-02-29T12:34:56Z");
    }

    /// 2024-02-29 12:34:56 UTC.
    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_709_210_096)
    }

    fn step(transactional: bool) -> Migration {
        Migration {
            up: "alter table customers add column deleted_at timestamptz;\n".into(),
            down: "alter table customers drop column deleted_at;".into(),
            transactional,
        }
    }

    fn index_step() -> Migration {
        Migration {
            up: "create index concurrently customers_email on customers (email);".into(),
            down: "drop index concurrently customers_email;".into(),
            transactional: false,
        }
    }

    /// Writes into `dir` at [`now`]; the paths relative to `dir`.
    fn put(dir: &Path, tool: Tool, name: &str, step: &Migration) -> Vec<String> {
        write_at(dir, tool, name, step, now())
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
            .collect()
    }

    fn read(dir: &Path, name: &str) -> String {
        fs::read_to_string(dir.join(name)).unwrap()
    }

    fn touch(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn dbmate_writes_one_file_with_both_steps() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let files = put(d, Tool::Dbmate, "Add soft delete", &step(true));
        assert_eq!(files, ["20240229123456_add_soft_delete.sql"]);
        assert_eq!(
            read(d, &files[0]),
            "-- migrate:up\nalter table customers add column deleted_at timestamptz;\n\n\
             -- migrate:down\nalter table customers drop column deleted_at;\n"
        );
        // The clock has not moved: the next file still sorts after it.
        let files = put(d, Tool::Dbmate, "email index", &index_step());
        assert_eq!(files, ["20240229123457_email_index.sql"]);
        let text = read(d, &files[0]);
        assert!(text.starts_with("-- migrate:up transaction:false\ncreate index concurrently"));
        assert!(text.contains("\n-- migrate:down transaction:false\ndrop index concurrently"));
        assert_eq!(detect(d).unwrap(), Some(Tool::Dbmate));
    }

    #[test]
    fn sqlx_writes_a_timestamped_pair_marked_when_not_transactional() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let files = put(d, Tool::Sqlx, "soft delete", &step(true));
        assert_eq!(
            files,
            [
                "20240229123456_soft_delete.up.sql",
                "20240229123456_soft_delete.down.sql"
            ]
        );
        assert_eq!(
            read(d, &files[0]),
            "alter table customers add column deleted_at timestamptz;\n"
        );
        assert_eq!(
            read(d, &files[1]),
            "alter table customers drop column deleted_at;\n"
        );
        let files = put(d, Tool::Sqlx, "email index", &index_step());
        assert_eq!(files[0], "20240229123457_email_index.up.sql");
        for file in &files {
            assert!(read(d, file).starts_with("-- no-transaction\n"), "{file}");
        }
        assert_eq!(detect(d).unwrap(), Some(Tool::Sqlx));
    }

    #[test]
    fn golang_migrate_continues_the_sequence_it_finds() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let files = put(d, Tool::GolangMigrate, "soft delete", &step(true));
        assert_eq!(
            files,
            ["000001_soft_delete.up.sql", "000001_soft_delete.down.sql"]
        );
        assert_eq!(
            read(d, &files[0]),
            "BEGIN;\n\nalter table customers add column deleted_at timestamptz;\n\nCOMMIT;\n"
        );
        assert_eq!(
            read(d, &files[1]),
            "BEGIN;\n\nalter table customers drop column deleted_at;\n\nCOMMIT;\n"
        );
        assert_eq!(detect(d).unwrap(), Some(Tool::GolangMigrate));

        let padded = tempfile::tempdir().unwrap();
        touch(padded.path(), "0009_a.up.sql", "");
        touch(padded.path(), "0009_a.down.sql", "");
        let files = put(
            padded.path(),
            Tool::GolangMigrate,
            "email index",
            &index_step(),
        );
        assert_eq!(files[0], "0010_email_index.up.sql");
        assert_eq!(
            read(padded.path(), &files[0]),
            "create index concurrently customers_email on customers (email);\n"
        );

        let stamped = tempfile::tempdir().unwrap();
        touch(stamped.path(), "20200101000000_a.up.sql", "");
        let files = put(stamped.path(), Tool::GolangMigrate, "x", &step(true));
        assert_eq!(files[0], "20240229123456_x.up.sql");
    }

    #[test]
    fn flyway_numbers_after_the_highest_version() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let files = put(d, Tool::Flyway, "soft delete", &step(true));
        assert_eq!(files, ["V1__soft_delete.sql", "U1__soft_delete.sql"]);
        assert_eq!(
            read(d, &files[1]),
            "alter table customers drop column deleted_at;\n"
        );
        touch(d, "V3__b.sql", "");
        touch(d, "V10.2__c.sql", "");
        touch(d, "R__views.sql", "");
        let files = put(d, Tool::Flyway, "email index", &index_step());
        assert_eq!(
            files,
            [
                "V11__email_index.sql",
                "U11__email_index.sql",
                "V11__email_index.sql.conf",
                "U11__email_index.sql.conf"
            ]
        );
        assert_eq!(read(d, &files[2]), "executeInTransaction=false\n");
        assert_eq!(detect(d).unwrap(), Some(Tool::Flyway));
    }

    #[test]
    fn sqitch_writes_three_scripts_and_a_plan_line_requiring_the_last_change() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("shop");
        let files = put(&d, Tool::Sqitch, "add soft delete", &step(true));
        assert_eq!(
            files,
            [
                "deploy/add_soft_delete.sql",
                "revert/add_soft_delete.sql",
                "verify/add_soft_delete.sql",
                "sqitch.plan"
            ]
        );
        assert_eq!(
            read(&d, "sqitch.plan"),
            "%syntax-version=1.0.0\n%project=shop\n\n\
             add_soft_delete 2024-02-29T12:34:56Z glance <glance@localhost> # add soft delete\n"
        );
        assert_eq!(
            read(&d, &files[0]),
            "-- Deploy shop:add_soft_delete to pg\n\nBEGIN;\n\n\
             alter table customers add column deleted_at timestamptz;\n\nCOMMIT;\n"
        );
        assert_eq!(
            read(&d, &files[1]),
            "-- Revert shop:add_soft_delete from pg\n\nBEGIN;\n\n\
             alter table customers drop column deleted_at;\n\nCOMMIT;\n"
        );
        assert_eq!(
            read(&d, &files[2]),
            "-- Verify shop:add_soft_delete on pg\n\nBEGIN;\n\n\
             SELECT deleted_at FROM customers WHERE false;\n\nROLLBACK;\n"
        );
        fs::write(
            d.join("sqitch.plan"),
            read(&d, "sqitch.plan") + "@v1 2024-02-29T12:35:00Z x <x@y> # tag",
        )
        .unwrap();
        put(&d, Tool::Sqitch, "email index", &index_step());
        let plan = read(&d, "sqitch.plan");
        assert!(
            plan.ends_with(
                "# tag\nemail_index [add_soft_delete] 2024-02-29T12:34:56Z \
                 glance <glance@localhost> # email index\n"
            ),
            "{plan}"
        );
        let deploy = read(&d, "deploy/email_index.sql");
        assert!(
            deploy.starts_with(
                "-- Deploy shop:email_index to pg\n-- requires: add_soft_delete\n\ncreate index"
            ),
            "{deploy}"
        );
        assert!(read(&d, "verify/email_index.sql").contains("SELECT 'customers_email'::regclass;"));
        assert_eq!(detect(&d).unwrap(), Some(Tool::Sqitch));
    }

    #[test]
    fn plain_numbers_pairs_from_001_and_reads_back_as_golang_migrate() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert_eq!(put(d, Tool::Plain, "a", &step(true))[0], "001_a.up.sql");
        assert_eq!(put(d, Tool::Plain, "b", &step(true))[1], "002_b.down.sql");
        assert!(read(d, "002_b.up.sql").starts_with("BEGIN;\n"));
        assert_eq!(detect(d).unwrap(), Some(Tool::GolangMigrate));
    }

    #[test]
    fn nothing_is_written_when_any_target_exists() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        touch(d, "V1__x.sql.conf", "mine");
        let error = write_at(d, Tool::Flyway, "x", &index_step(), now()).unwrap_err();
        assert!(matches!(&error, FilesError::Exists(p) if p.ends_with("V1__x.sql.conf")));
        assert!(error.to_string().contains("nothing was written"), "{error}");
        assert!(!d.join("V1__x.sql").exists() && !d.join("U1__x.sql").exists());
        assert_eq!(read(d, "V1__x.sql.conf"), "mine");

        let sqitch = tempfile::tempdir().unwrap();
        let s = sqitch.path();
        put(s, Tool::Sqitch, "x", &step(true));
        let plan = read(s, "sqitch.plan");
        fs::remove_file(s.join("deploy/x.sql")).unwrap();
        let error = write_at(s, Tool::Sqitch, "x", &step(true), now()).unwrap_err();
        assert!(matches!(error, FilesError::Exists(p) if p.ends_with("revert/x.sql")));
        assert!(!s.join("deploy/x.sql").exists());
        assert_eq!(read(s, "sqitch.plan"), plan);
    }

    #[test]
    fn detection_reads_each_layout_and_refuses_a_mix() {
        let layout = |files: &[(&str, &str)]| {
            let dir = tempfile::tempdir().unwrap();
            for (name, text) in files {
                touch(dir.path(), name, text);
            }
            let found = detect(dir.path());
            (dir, found)
        };
        // Each layout: its files (name, text) and the tool they say.
        type Layout<'a> = (&'a [(&'a str, &'a str)], Option<Tool>);
        let cases: &[Layout] = &[
            (&[], None),
            (&[("README.md", "# migrations")], None),
            (
                &[("sqitch.plan", "%project=x\n"), ("deploy/a.sql", "")],
                Some(Tool::Sqitch),
            ),
            (
                &[("V1__init.sql", ""), ("V1.1__more.sql", "")],
                Some(Tool::Flyway),
            ),
            (
                &[("20240101000000_a.sql", "-- migrate:up\n\n-- migrate:down\n")],
                Some(Tool::Dbmate),
            ),
            (
                &[("20240101000000_a.sql", "create table a ();")],
                Some(Tool::Sqlx),
            ),
            (
                &[
                    ("20240101000000_a.up.sql", ""),
                    ("20240101000000_a.down.sql", ""),
                ],
                Some(Tool::Sqlx),
            ),
            (
                &[(
                    "0001_a.up.sql",
                    "-- no-transaction\ncreate index concurrently i on t (c);",
                )],
                Some(Tool::Sqlx),
            ),
            (
                &[("000001_a.up.sql", ""), ("000001_a.down.sql", "")],
                Some(Tool::GolangMigrate),
            ),
            (
                &[("1_a.up.sql", ""), ("20240101000000_b.up.sql", "")],
                Some(Tool::GolangMigrate),
            ),
            (
                &[("V1__init.sql", ""), ("schema.sql", "")],
                Some(Tool::Flyway),
            ),
        ];
        for (files, expected) in cases {
            let (_dir, found) = layout(files);
            assert_eq!(found.unwrap(), *expected, "{files:?}");
        }
        assert_eq!(
            detect(Path::new("/nonexistent/glance/migrations")).unwrap(),
            None
        );

        let (_dir, found) = layout(&[("sqitch.plan", ""), ("V1__a.sql", ""), ("V2__b.sql", "")]);
        let error = found.unwrap_err().to_string();
        assert!(
            error.contains("flyway (V1__a.sql, V2__b.sql), sqitch (sqitch.plan)"),
            "{error}"
        );
        assert!(error.contains("pass --tool dbmate|sqlx"), "{error}");

        let (_dir, found) = layout(&[("schema.sql", ""), ("seed.sql", "")]);
        let error = found.unwrap_err().to_string();
        assert!(
            error.contains("no layout glance knows (schema.sql, seed.sql)"),
            "{error}"
        );
    }
}
