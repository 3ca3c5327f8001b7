//! `glance setup-reader ROLE`: the SQL that creates a role fit for a
//! profile's `guard_role`, for a person to read and run (as a superuser or a
//! role with CREATEROLE). glance never runs it itself.
//!
//! The role can read every table and nothing else: `pg_read_all_data` on
//! PostgreSQL 14 and later, explicit `SELECT` grants on every schema before
//! that. It cannot log in unless asked, since glance switches to it with
//! `SET LOCAL ROLE` inside the read-only guard and never connects as it.

use crate::ident::{quote_ident_always, quote_literal};

/// The script for `role`; `login` lets the role log in.
pub fn script(role: &str, login: bool) -> String {
    let ident = quote_ident_always(role);
    let literal = quote_literal(&ident);
    let login = if login { "LOGIN" } else { "NOLOGIN" };
    format!(
        "-- A role for glance's read-only guard: it reads every table and nothing else.
-- Run this as a superuser (or a role with CREATEROLE), e.g. glance setup-reader {name} | psql
CREATE ROLE {ident} {login} NOSUPERUSER NOCREATEDB NOCREATEROLE;
DO $glance$
DECLARE
    s pg_catalog.text;
BEGIN
    IF pg_catalog.current_setting('server_version_num')::pg_catalog.int4 >= 140000 THEN
        EXECUTE 'GRANT pg_read_all_data TO ' || {literal};
    ELSE
        -- Before PostgreSQL 14: every schema that exists now. Tables created
        -- later by the role running this are covered by the default privileges;
        -- run this again after others create tables.
        FOR s IN
            SELECT n.nspname FROM pg_catalog.pg_namespace n
            WHERE n.nspname OPERATOR(pg_catalog.<>) 'information_schema'
              AND n.nspname OPERATOR(pg_catalog.!~) '^pg_'
        LOOP
            EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %s', s, {literal});
            EXECUTE pg_catalog.format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %s', s, {literal});
            EXECUTE pg_catalog.format('GRANT SELECT ON ALL SEQUENCES IN SCHEMA %I TO %s', s, {literal});
            EXECUTE pg_catalog.format(
                'ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO %s', s, {literal});
        END LOOP;
    END IF;
END
$glance$;
-- Let the user glance connects as switch to the role (name that user
-- instead of CURRENT_USER when you run this as someone else):
GRANT {ident} TO CURRENT_USER;
-- Then, in glance's config file:
--   [connections.NAME]
--   guard_role = {toml}
",
        name = shell_word(role),
        toml = toml_string(role),
    )
}

/// The role name as the shell would need it on the command line.
fn shell_word(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', r"'\''"))
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Refuses names PostgreSQL would refuse or that would make the script
/// unsafe to paste: empty, over 63 bytes, or holding control characters.
pub fn check_name(role: &str) -> Result<(), String> {
    if role.is_empty() {
        return Err("the role name is empty".into());
    }
    if role.len() > 63 {
        return Err(format!(
            "the role name is {} bytes long; PostgreSQL allows 63",
            role.len()
        ));
    }
    if role.chars().any(char::is_control) {
        return Err("the role name holds a control character".into());
    }
    if role.contains("$glance$") {
        return Err("the role name holds $glance$, which quotes the script's code".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_creates_a_nologin_reader_and_grants_it_to_the_user() {
        let sql = script("glance_reader", false);
        assert!(
            sql.contains("CREATE ROLE \"glance_reader\" NOLOGIN"),
            "{sql}"
        );
        assert!(sql.contains("GRANT pg_read_all_data TO ' || '\"glance_reader\"'"));
        assert!(sql.contains("GRANT SELECT ON ALL TABLES IN SCHEMA"));
        assert!(sql.contains("GRANT \"glance_reader\" TO CURRENT_USER;"));
        assert!(sql.contains("guard_role = \"glance_reader\""));
        assert!(script("r", true).contains("CREATE ROLE \"r\" LOGIN"));
    }

    #[test]
    fn odd_names_are_quoted_everywhere() {
        let sql = script("o'k \"x\"", false);
        assert!(sql.contains("CREATE ROLE \"o'k \"\"x\"\"\""), "{sql}");
        assert!(sql.contains("' || '\"o''k \"\"x\"\"\"'"), "{sql}");
        assert!(sql.contains("setup-reader 'o'\\''k \"x\"' | psql"), "{sql}");
        assert!(sql.contains("guard_role = \"o'k \\\"x\\\"\""), "{sql}");
    }

    #[test]
    fn names_postgres_would_refuse_are_refused() {
        assert!(check_name("reader").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name(&"r".repeat(64)).is_err());
        assert!(check_name("a\nb").is_err());
        assert!(check_name("a$glance$b").is_err());
    }
}
