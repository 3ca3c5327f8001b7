//! Validating a migration on a scratch database the person names: it must
//! be another database than the connected one, and empty of user tables
//! (then it is loaded with the connected database's schema, no rows) or
//! already a copy of that schema (same fingerprint). Then up, down,
//! fingerprint equal, and the up again, all for real there.
//!
//! The schema is copied with `pg_dump --schema-only` piped into
//! `pg_restore`, not rebuilt from glance's catalog: pg_dump writes every
//! kind of object (functions, triggers, types, partitions, extensions) in
//! an order that restores, which a reconstruction would have to match
//! object kind by object kind; a schema copied short would make the
//! fingerprint compare something else than the real database.

use std::process::{Command, Stdio};

use super::check::{Mode, Ran, Validation};
use super::{Plan, Step, fingerprint};
use crate::db::{self, Target};
use crate::safety;
use crate::session::{Decision, Executed, Run, Session};

/// Same server and database: the row identifies a database.
const IDENTITY: &str = "select current_database() || ' ' || coalesce(host(inet_server_addr()), 'local') \
     || ' ' || coalesce(inet_server_port()::text, '') || ' ' || pg_postmaster_start_time()::text";

/// Validates `plan` on `scratch` (see the module's doc); `source` is the
/// connected database, only read (its schema and fingerprint).
pub fn validate(source: &mut Session, scratch: &mut Session, plan: &Plan) -> Validation {
    let validation = Validation::new(Mode::Scratch);
    match prepare(source, scratch) {
        Ok(line) => {
            let mut validation = validation;
            validation.lines.push(line);
            round_trip(scratch, plan, validation)
        }
        Err(reason) => validation.fail(reason),
    }
}

/// Checks the scratch database is another one, and empty or a copy;
/// loads the schema when empty. Says what it did.
fn prepare(source: &mut Session, scratch: &mut Session) -> Result<String, String> {
    if source.info().dialect != db::Dialect::Postgres
        || scratch.info().dialect != db::Dialect::Postgres
    {
        return Err("--scratch validates PostgreSQL migrations on a PostgreSQL database".into());
    }
    let identity = |session: &mut Session| {
        session
            .catalog_query(IDENTITY)
            .map(|(_, rows)| fingerprint::lines(&rows))
            .map_err(|e| format!("could not identify a database: {e}"))
    };
    if identity(source)? == identity(scratch)? {
        return Err(
            "the scratch database is the connected database: name another, empty one".into(),
        );
    }
    let original = schema(source)?;
    let present = schema(scratch)?;
    if present == original {
        return Ok("scratch: already a copy of the schema".into());
    }
    let tables = "select count(*) from pg_catalog.pg_class c \
         join pg_catalog.pg_namespace n on n.oid = c.relnamespace \
         where c.relkind in ('r', 'p', 'v', 'm', 'f') \
         and n.nspname not in ('pg_catalog', 'information_schema') \
         and n.nspname not like 'pg\\_toast%'";
    let (_, rows) = scratch
        .catalog_query(tables)
        .map_err(|e| format!("could not read the scratch database: {e}"))?;
    if !matches!(rows.first().map(Vec::as_slice), Some([db::Value::Int(0)])) {
        return Err(
            "the scratch database holds tables and is not a copy of this schema: give an empty \
             database (createdb NAME) or one restored from this one"
                .into(),
        );
    }
    copy_schema(&source.choice().target, &scratch.choice().target)?;
    if schema(scratch)? != original {
        return Err(
            "the schema copied into the scratch database differs from the original (pg_dump \
             and the server may differ in version)"
                .into(),
        );
    }
    Ok("scratch: loaded with the schema only (pg_dump --schema-only | pg_restore)".into())
}

fn schema(session: &mut Session) -> Result<Vec<String>, String> {
    let sql = fingerprint::schema_sql(db::Dialect::Postgres);
    session
        .catalog_query(&sql)
        .map(|(_, rows)| fingerprint::lines(&rows))
        .map_err(|e| format!("could not read the schema: {e}"))
}

/// `pg_dump --schema-only` of `from` into `pg_restore` on `to`.
fn copy_schema(from: &Target, to: &Target) -> Result<(), String> {
    let (Target::Postgres(from), Target::Postgres(to)) = (from, to) else {
        return Err("--scratch needs PostgreSQL on both sides".into());
    };
    let missing = |tool: &str, error: std::io::Error| {
        format!(
            "could not run {tool} ({error}); install the PostgreSQL client tools (e.g. apt \
             install postgresql-client) or load the scratch database yourself and pass it again"
        )
    };
    let mut dump = Command::new("pg_dump")
        .args([
            "--schema-only",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
        ])
        .args(["--dbname", from])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| missing("pg_dump", e))?;
    let Some(dumped) = dump.stdout.take() else {
        return Err("pg_dump gave no output".into());
    };
    let restore = Command::new("pg_restore")
        .args(["--no-owner", "--no-privileges", "--exit-on-error"])
        .args(["--dbname", to])
        .stdin(dumped)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| missing("pg_restore", e))?;
    let dumped = dump.wait_with_output().map_err(|e| missing("pg_dump", e))?;
    for (tool, status, stderr) in [
        ("pg_dump", dumped.status, dumped.stderr),
        ("pg_restore", restore.status, restore.stderr),
    ] {
        if !status.success() {
            let said = String::from_utf8_lossy(&stderr);
            return Err(format!(
                "{tool} failed: {}",
                crate::escape::visible(&crate::redact::text(said.trim()))
            ));
        }
    }
    Ok(())
}

/// Up, down, fingerprint, up: for real, on the scratch database.
fn round_trip(scratch: &mut Session, plan: &Plan, mut validation: Validation) -> Validation {
    let original = match schema(scratch) {
        Ok(lines) => lines,
        Err(reason) => return validation.fail(reason),
    };
    if let Err(reason) = run_step(scratch, &plan.up, "up") {
        validation.up = Ran::Failed;
        return validation.fail(reason);
    }
    validation.up = Ran::Passed;
    match schema(scratch) {
        Ok(changed) if changed == original => {
            return validation.fail("the up step ran but changed nothing in the schema".into());
        }
        Ok(_) => validation.lines.push("up: ran, the schema changed".into()),
        Err(reason) => return validation.fail(reason),
    }
    if let Err(reason) = run_step(scratch, &plan.down, "down") {
        validation.down = Ran::Failed;
        return validation.fail(reason);
    }
    validation.down = Ran::Passed;
    match schema(scratch) {
        Ok(restored) => {
            validation.restored = Some(restored == original);
            if restored != original {
                return validation.fail(
                    "the down step does not restore the schema on the scratch database".into(),
                );
            }
        }
        Err(reason) => return validation.fail(reason),
    }
    validation
        .lines
        .push("down: ran, the schema is restored (fingerprint equal)".into());
    if let Err(reason) = run_step(scratch, &plan.up, "up (again)") {
        return validation.fail(reason);
    }
    validation
        .lines
        .push("up: ran again after the down; the scratch database keeps it".into());
    validation
}

/// Runs a step's text statement by statement on the scratch database,
/// each through its gate as the person's own (they named the database for
/// this); what each reports goes where the session's results go.
fn run_step(scratch: &mut Session, step: &Step, name: &str) -> Result<(), String> {
    for sql in safety::split_statements(&step.text, db::Dialect::Postgres) {
        match scratch.execute(Run::typed(&sql), &mut |_| Decision::Run) {
            Executed::Ran(_) => {}
            Executed::Failed { error, .. } | Executed::Rejected { error } => {
                return Err(format!(
                    "the {name} step failed on the scratch database at `{}`: {}",
                    sql.lines().next().unwrap_or_default(),
                    crate::escape::visible(&error.to_string())
                ));
            }
            _ => {
                return Err(format!(
                    "the {name} step was not run on the scratch database (a read-only profile?)"
                ));
            }
        }
    }
    Ok(())
}
