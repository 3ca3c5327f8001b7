//! Property tests: random and SQL-shaped input through the classifier and
//! SQL extraction. 256 cases per property by default; `PROPTEST_CASES=N`
//! runs more (the long stable-toolchain fuzz run, see README).

use proptest::prelude::*;

use super::invariants::{SOUP_WORDS, check_classifier, check_extract, soup};
use super::{Level, classify};
use crate::agent::extract;
use crate::db::Dialect;

/// Read-only statements that may come first.
const READS: &[&str] = &[
    "select 1",
    "select * from film",
    "table film",
    "show work_mem",
    "values (1)",
    "explain delete from t",
    "select $$;$$",
    "select ';'",
    "with a as (select 1) select * from a",
];

/// Statements that are not read-only, whatever surrounds them.
const WRITES: &[&str] = &[
    "drop table film",
    "delete from payment",
    "insert into t values (1)",
    "update t set x = 1 where id = 2",
    "truncate film",
    "commit",
    "rollback",
    "end",
    "abort",
    "set role postgres",
    "alter system set work_mem = '1GB'",
    "copy film to program 'true'",
    "select pg_read_file('/etc/hostname')",
    "select nextval('seq')",
    "grant all on film to public",
    "do $$ begin end $$",
    "call p()",
    "execute q",
    "vacuum",
    "listen chan",
    "select * from film for update",
    "with d as (delete from t returning *) select * from d",
    "explain analyze delete from t",
];

/// Statements that are not read-only on MySQL, whatever surrounds them.
const MYSQL_WRITES: &[&str] = &[
    "select get_lock('a', 0)",
    "select * from film into outfile '/nonexistent/x'",
    "lock tables film read",
    "set global max_connections = 1",
    "set @@global.sql_mode = ''",
    "select 1 /*! , sleep(9) */",
    "/*M! drop table t */ select 1",
    "select 1 --1",
    "select load_file('/etc/hostname')",
    "handler film open",
    "create view v as select 1",
    "select * from film lock in share mode",
    "select next value for seq",
    "select @a := 1",
    "analyze select 1",
    "flush tables",
];

/// A comment PostgreSQL nests and SQLite does not.
const NESTED_COMMENT: &str = "/* /* */ */";

/// What may stand between two tokens without changing a statement (in
/// PostgreSQL; see [`NESTED_COMMENT`]).
const GAPS: &[&str] = &[
    " ",
    "  ",
    "\n",
    "\t",
    "\r\n",
    "/* c */",
    "/* ; */",
    NESTED_COMMENT,
    "-- x\n",
    "--;\n",
];

fn gap() -> impl Strategy<Value = &'static str> {
    prop::sample::select(GAPS)
}

/// `sql` with each space replaced by a random gap and each letter of a
/// keyword in a random case (the statements above quote nothing whose case
/// matters).
fn disguise(sql: &'static str) -> impl Strategy<Value = String> {
    let words: Vec<&str> = sql.split(' ').collect();
    let n = words.len();
    (
        prop::collection::vec(gap(), n),
        prop::collection::vec(any::<bool>(), sql.len()),
    )
        .prop_map(move |(gaps, upper)| {
            let mut out = String::new();
            let mut k = 0;
            for (word, gap) in words.iter().zip(gaps) {
                for c in word.chars() {
                    let up = upper[k % upper.len().max(1)] && !word.starts_with('\'');
                    out.extend(if up {
                        c.to_uppercase().collect::<Vec<_>>()
                    } else {
                        vec![c]
                    });
                    k += 1;
                }
                out.push_str(gap);
            }
            out
        })
}

fn write_statement() -> impl Strategy<Value = String> {
    prop::sample::select(WRITES).prop_flat_map(disguise)
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(sql in any::<String>()) {
        check_classifier(&sql);
    }

    #[test]
    fn token_soups_never_panic(data in prop::collection::vec(any::<u8>(), 0..40)) {
        check_classifier(&soup(&data));
    }

    #[test]
    fn soups_of_words_and_punctuation_never_panic(
        words in prop::collection::vec(prop::sample::select(SOUP_WORDS), 0..30),
        joiners in prop::collection::vec(gap(), 30),
    ) {
        let sql: String = words.iter().zip(&joiners).flat_map(|(w, g)| [*w, *g]).collect();
        check_classifier(&sql);
    }

    /// A write after a `;` is never hidden by the read before it, whatever
    /// the comments, spacing and case.
    #[test]
    fn a_smuggled_write_is_never_read_only(
        read in prop::sample::select(READS),
        sep in gap(),
        write in write_statement(),
        trail in prop::sample::select(&["", ";", "; ", ";\n-- bye"][..]),
        dialect in prop::sample::select(&[Dialect::Postgres, Dialect::Sqlite, Dialect::Mysql][..]),
    ) {
        let sql = format!("{read}{sep};{sep}{write}{trail}");
        // SQLite and MySQL comments do not nest: there the nested one is no gap.
        let sql = match dialect {
            Dialect::Sqlite | Dialect::Mysql => sql.replace(NESTED_COMMENT, "/* */"),
            Dialect::Postgres => sql,
        };
        let verdict = classify(&sql, dialect, None);
        prop_assert!(verdict.level > Level::ReadOnly, "{sql:?} judged read-only");
    }

    /// Comments, spacing and case never make a write read-only.
    #[test]
    fn a_disguised_write_is_never_read_only(write in write_statement()) {
        let verdict = classify(&write, Dialect::Postgres, None);
        prop_assert!(verdict.level > Level::ReadOnly, "{write:?} judged read-only");
    }

    /// The same on MySQL, for its own writes too (executable comments,
    /// files, user locks, server-wide settings).
    #[test]
    fn a_disguised_mysql_write_is_never_read_only(
        write in prop::sample::select([WRITES, MYSQL_WRITES].concat()).prop_flat_map(disguise),
    ) {
        // MySQL comments do not nest: there the nested one is no gap.
        let write = write.replace(NESTED_COMMENT, "/* */");
        let verdict = classify(&write, Dialect::Mysql, None);
        prop_assert!(verdict.level > Level::ReadOnly, "{write:?} judged read-only");
    }

    #[test]
    fn arbitrary_replies_never_panic(reply in any::<String>()) {
        check_extract(&reply);
    }

    /// A write in a fenced block comes out of the reply whole and is judged
    /// a write: extraction never cuts a statement into a read.
    #[test]
    fn extracted_writes_stay_writes(
        before in "[a-zA-Z ,.\n]{0,40}",
        fence in prop::sample::select(&["```", "~~~", "````"][..]),
        tag in prop::sample::select(&["sql", "SQL", "postgresql", ""][..]),
        write in write_statement(),
        after in "[a-zA-Z ,.\n]{0,40}",
        crlf in any::<bool>(),
    ) {
        let mut reply = format!("{before}\n{fence}{tag}\n{write};\n{fence}\n{after}");
        if crlf {
            reply = reply.replace('\n', "\r\n");
        }
        check_extract(&reply);
        match extract::sql(&reply) {
            Some(sql) => {
                let verdict = classify(&sql, Dialect::Postgres, None);
                prop_assert!(verdict.level > Level::ReadOnly, "{reply:?} judged read-only");
            }
            // An untagged block counts as SQL only by its first word.
            None => prop_assert!(tag.is_empty(), "no SQL found in {reply:?}"),
        }
    }
}
