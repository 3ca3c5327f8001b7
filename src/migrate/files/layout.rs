//! Each tool's file names and contents: what one more migration looks
//! like beside the files already in a directory, and the name patterns
//! detection reads.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{FilesError, Migration, Tool, Utc, verify};
use crate::files::read_capped;

/// How much of a file detection reads for its markers.
const MARKER_CAP: u64 = 1 << 20;

/// Who sqitch.plan names as the planner of the changes glance adds.
const PLANNER: &str = "glance <glance@localhost>";

/// The files one migration adds, and the line it appends to a plan.
pub struct Planned {
    pub new_files: Vec<(PathBuf, String)>,
    pub append: Option<(PathBuf, String)>,
}

/// What writing `step` as `slug` into `dir` in `tool`'s layout creates;
/// `name` is the free text it was slugged from.
pub fn plan(
    dir: &Path,
    tool: Tool,
    slug: &str,
    name: &str,
    step: &Migration,
    now: Utc,
) -> Result<Planned, FilesError> {
    let existing = names(dir)?;
    let file = |name: String, text: String| (dir.join(name), text);
    let pair = |version: &str, up: String, down: String| {
        vec![
            file(format!("{version}_{slug}.up.sql"), up),
            file(format!("{version}_{slug}.down.sql"), down),
        ]
    };
    let new_files = match tool {
        Tool::Dbmate => {
            let option = if step.transactional {
                ""
            } else {
                " transaction:false"
            };
            let text = format!(
                "-- migrate:up{option}\n{}\n\n-- migrate:down{option}\n{}\n",
                step.up.trim(),
                step.down.trim()
            );
            vec![file(format!("{}_{slug}.sql", stamp(&existing, now)), text)]
        }
        Tool::Sqlx => {
            let marker = if step.transactional {
                ""
            } else {
                "-- no-transaction\n"
            };
            let text = |sql: &str| format!("{marker}{}\n", sql.trim());
            pair(&stamp(&existing, now), text(&step.up), text(&step.down))
        }
        Tool::GolangMigrate | Tool::Plain => {
            let sequence = sequence(&existing);
            let version = match sequence {
                Sequence::Stamped => stamp(&existing, now),
                Sequence::Numbered { last, width } => format!("{:0width$}", last + 1),
                Sequence::Empty if tool == Tool::Plain => "001".into(),
                Sequence::Empty => "000001".into(),
            };
            let text = |sql: &str| wrapped(sql, step.transactional);
            pair(&version, text(&step.up), text(&step.down))
        }
        Tool::Flyway => {
            let next = existing
                .iter()
                .filter_map(|n| flyway_version(n))
                .max()
                .unwrap_or(0)
                + 1;
            let mut files = vec![
                file(
                    format!("V{next}__{slug}.sql"),
                    format!("{}\n", step.up.trim()),
                ),
                file(
                    format!("U{next}__{slug}.sql"),
                    format!("{}\n", step.down.trim()),
                ),
            ];
            if !step.transactional {
                for prefix in ["V", "U"] {
                    files.push(file(
                        format!("{prefix}{next}__{slug}.sql.conf"),
                        "executeInTransaction=false\n".into(),
                    ));
                }
            }
            files
        }
        Tool::Sqitch => return sqitch(dir, slug, name, step, now),
    };
    Ok(Planned {
        new_files,
        append: None,
    })
}

/// sqitch's deploy, revert and verify scripts, and the plan line that
/// requires the change before it (the plan is created when missing).
fn sqitch(
    dir: &Path,
    slug: &str,
    name: &str,
    step: &Migration,
    now: Utc,
) -> Result<Planned, FilesError> {
    let plan_path = dir.join("sqitch.plan");
    let plan = match fs::read_to_string(&plan_path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(FilesError::Io(plan_path, e)),
    };
    let project = plan
        .as_deref()
        .and_then(|text| text.lines().find_map(|l| l.strip_prefix("%project=")))
        .map(|p| p.trim().to_string())
        .unwrap_or_else(|| {
            let named = |d: &Path| {
                d.file_name()
                    .and_then(|n| super::slug(&n.to_string_lossy()).ok())
            };
            named(dir)
                .or_else(|| dir.canonicalize().ok().as_deref().and_then(named))
                .unwrap_or_else(|| "migrations".into())
        });
    let previous = plan.as_deref().and_then(last_change);
    let requires = previous
        .as_ref()
        .map(|p| format!("[{p}] "))
        .unwrap_or_default();
    let note: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut line = String::new();
    match &plan {
        None => line.push_str(&format!("%syntax-version=1.0.0\n%project={project}\n\n")),
        Some(text) if !text.is_empty() && !text.ends_with('\n') => line.push('\n'),
        Some(_) => {}
    }
    line.push_str(&format!(
        "{slug} {requires}{} {PLANNER} # {}\n",
        now.iso(),
        note.trim()
    ));
    let header = |verb: &str, preposition: &str| {
        let mut text = format!("-- {verb} {project}:{slug} {preposition} pg\n");
        if let (Some(previous), "Deploy") = (&previous, verb) {
            text.push_str(&format!("-- requires: {previous}\n"));
        }
        text.push('\n');
        text
    };
    let deploy = header("Deploy", "to") + &wrapped(&step.up, step.transactional);
    let revert = header("Revert", "from") + &wrapped(&step.down, step.transactional);
    let verify =
        header("Verify", "on") + &format!("BEGIN;\n\n{}\nROLLBACK;\n", verify::checks(&step.up));
    Ok(Planned {
        new_files: vec![
            (dir.join("deploy").join(format!("{slug}.sql")), deploy),
            (dir.join("revert").join(format!("{slug}.sql")), revert),
            (dir.join("verify").join(format!("{slug}.sql")), verify),
        ],
        append: Some((plan_path, line)),
    })
}

/// The last change a sqitch plan names (a tag line, `@v1 …`, names none).
fn last_change(plan: &str) -> Option<String> {
    plan.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('%') && !l.starts_with('#'))
        .filter(|l| !l.starts_with('@'))
        .filter_map(|l| l.split_whitespace().next())
        .map(|name| name.trim_start_matches(['+', '-']).to_string())
        .next_back()
}

/// `sql` as a script that runs in one transaction when `transactional`
/// (golang-migrate, sqitch and plain files run what they hold, as it is).
fn wrapped(sql: &str, transactional: bool) -> String {
    let sql = sql.trim();
    if !transactional {
        return format!("{sql}\n");
    }
    let end = if sql.ends_with(';') { "" } else { "\n;" };
    format!("BEGIN;\n\n{sql}{end}\n\nCOMMIT;\n")
}

/// How the numbered up/down pairs in a directory count.
enum Sequence {
    Empty,
    /// 14-digit timestamps.
    Stamped,
    /// Sequential numbers zero-padded to `width`.
    Numbered {
        last: u64,
        width: usize,
    },
}

fn sequence(names: &[String]) -> Sequence {
    let versions: Vec<&str> = names
        .iter()
        .filter_map(|n| up_down(n))
        .map(|(v, _)| v)
        .collect();
    let last = versions.iter().filter_map(|v| v.parse::<u64>().ok()).max();
    match last {
        None => Sequence::Empty,
        Some(_) if versions.iter().all(|v| v.len() == 14) => Sequence::Stamped,
        Some(last) => Sequence::Numbered {
            last,
            width: versions.iter().map(|v| v.len()).max().unwrap_or(1),
        },
    }
}

/// The version for a timestamped layout: `now`, or one past the newest
/// file when the clock is behind it, so the new file always sorts last.
fn stamp(names: &[String], now: Utc) -> String {
    let newest = names
        .iter()
        .filter_map(|n| numbered(n.trim_end_matches(".sql")))
        .filter(|(version, _)| version.len() == 14)
        .filter_map(|(version, _)| version.parse::<u64>().ok())
        .max();
    let now = now.compact();
    match newest {
        Some(newest) if newest >= now.parse().unwrap_or(0) => (newest + 1).to_string(),
        _ => now,
    }
}

/// `123_rest` as `("123", "rest")`.
pub(super) fn numbered(name: &str) -> Option<(&str, &str)> {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    let rest = name[digits..].strip_prefix('_')?;
    (digits > 0 && !rest.is_empty()).then_some((&name[..digits], rest))
}

/// `123_name.up.sql` or `.down.sql` as `("123", "name")`.
pub(super) fn up_down(name: &str) -> Option<(&str, &str)> {
    let stem = name
        .strip_suffix(".up.sql")
        .or_else(|| name.strip_suffix(".down.sql"))?;
    numbered(stem)
}

/// The major version of a Flyway versioned or undo file: 3 for
/// `V3__x.sql`, `U3__x.sql` and `V3.1__x.sql`.
pub(super) fn flyway_version(name: &str) -> Option<u64> {
    let rest = name.strip_prefix('V').or_else(|| name.strip_prefix('U'))?;
    let (version, description) = rest.split_once("__")?;
    let valid = !version.is_empty()
        && version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '_')
        && description.ends_with(".sql");
    let major: String = version.chars().take_while(char::is_ascii_digit).collect();
    valid.then(|| major.parse().ok()).flatten()
}

/// The names of the entries in `dir`, sorted; none when it is missing.
pub(super) fn names(dir: &Path) -> Result<Vec<String>, FilesError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(FilesError::Io(dir.to_path_buf(), e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| FilesError::Io(dir.to_path_buf(), e))?;
        if let Ok(name) = entry.file_name().into_string() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Whether a line of the file at `path` passes `test` (an unreadable file has none).
pub(super) fn has_line(path: &Path, test: impl Fn(&str) -> bool) -> bool {
    read_capped(path, MARKER_CAP)
        .map(|bytes| {
            String::from_utf8_lossy(&bytes)
                .lines()
                .any(|l| test(l.trim()))
        })
        .unwrap_or(false)
}

/// The first line of the file at `path`.
pub(super) fn first_line(path: &Path) -> Option<String> {
    let bytes = read_capped(path, MARKER_CAP).ok()?;
    String::from_utf8_lossy(&bytes)
        .lines()
        .next()
        .map(str::to_string)
}
