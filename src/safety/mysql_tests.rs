//! The classifier's other outputs on MySQL: how statements are cut (`#`
//! comments, backticks, backslash escapes), their tags, what `reads` says,
//! trial refusals and stored functions that call themselves.

use super::corpus::routine;
use super::{Level, classify, command_tag, reads, split_statements, statement_ranges};
use crate::catalog::{Catalog, Code, Routine};
use crate::db::Dialect;

const MYSQL: Dialect = Dialect::Mysql;

#[test]
fn statements_are_cut_by_mysql_quoting_and_comments() {
    let sql = "select 'a\\';b' as x; select `c;d` from t # e;f\n; select \"g;h\"";
    assert_eq!(
        split_statements(sql, MYSQL),
        vec![
            "select 'a\\';b' as x",
            "select `c;d` from t # e;f",
            "select \"g;h\""
        ]
    );
    let ranges = statement_ranges(sql, MYSQL).unwrap();
    assert_eq!(&sql[ranges[1].clone()], "select `c;d` from t # e;f");
}

#[test]
fn a_backslash_escaped_quote_keeps_a_string_open() {
    let verdict = classify("select 'x\\'; drop table film; --'", MYSQL, None);
    assert_eq!(verdict.level, Level::ReadOnly, "{:?}", verdict.reasons);
    assert_eq!(verdict.statements, 1);
}

#[test]
fn comment_markers_inside_strings_are_text() {
    for sql in [
        "select '/*! drop table t */'",
        "select '--1'",
        "select \"/*M! x */\"",
    ] {
        let verdict = classify(sql, MYSQL, None);
        assert_eq!(
            verdict.level,
            Level::ReadOnly,
            "{sql}: {:?}",
            verdict.reasons
        );
    }
}

#[test]
fn tags_name_the_statement() {
    assert_eq!(command_tag("show tables", MYSQL), "SHOW");
    assert_eq!(command_tag("describe film", MYSQL), "DESCRIBE");
    assert_eq!(command_tag("select 1 # x", MYSQL), "SELECT");
    assert_eq!(command_tag("lock tables film read", MYSQL), "LOCK");
    assert_eq!(
        command_tag("create or replace view v as select 1", MYSQL),
        "CREATE VIEW"
    );
}

#[test]
fn reads_knows_the_words_glance_recognises() {
    assert!(reads("show index from film", MYSQL));
    assert!(reads("describe film title", MYSQL));
    assert!(reads("handler film open", MYSQL));
    assert!(reads("select * from film lock in share mode", MYSQL));
    assert!(!reads(
        "select * from film into outfile '/nonexistent/x'",
        MYSQL
    ));
    assert!(!reads("selec 1", MYSQL));
}

#[test]
fn unreadable_text_is_marked_for_the_server_check() {
    let verdict = classify("selec 1", MYSQL, None);
    assert_eq!(verdict.level, Level::Destructive);
    assert!(verdict.unreadable);
}

#[test]
fn only_queries_may_be_tried_and_no_dml_is_previewed() {
    let read = classify("select * from film", MYSQL, None);
    assert!(read.trial_refusals.is_empty(), "{:?}", read.trial_refusals);
    assert!(read.rollback_undoes);
    for sql in [
        "insert into visits (note) values ('x')",
        "update t set x = 1 where id = 2",
        "create temporary table tmp (a int)",
        "set @a = 1",
    ] {
        let verdict = classify(sql, MYSQL, None);
        assert!(!verdict.trial_refusals.is_empty(), "{sql} may be tried");
        assert!(!verdict.rollback_undoes, "{sql} may be previewed");
    }
}

fn function(name: &str, access: &str, body: &str) -> Routine {
    Routine {
        max_args: Some(0),
        settings: vec![
            "kind=FUNCTION".into(),
            format!("sql_data_access={access}"),
            "deterministic=YES".into(),
        ],
        ..routine(0, &format!("shop.{name}"), "sql", Some(body))
    }
}

fn catalog(routines: Vec<Routine>) -> Catalog {
    Catalog {
        code: Code {
            routines,
            search_path: Some(vec!["shop".into()]),
            ..Code::default()
        },
        ..Catalog::default()
    }
}

#[test]
fn stored_functions_are_read_not_trusted() {
    let c = catalog(vec![
        function("one", "NO SQL", "RETURN 1"),
        function("loops", "READS SQL DATA", "return loops() + 1"),
        function("labelled", "MODIFIES SQL DATA", "return 1"),
        function("Mixed", "CONTAINS SQL", "RETURN(one())"),
    ]);
    let level = |sql: &str| classify(sql, MYSQL, Some(&c)).level;
    assert_eq!(level("select one()"), Level::ReadOnly);
    assert_eq!(level("select shop.one()"), Level::ReadOnly);
    assert_eq!(level("select MIXED()"), Level::ReadOnly);
    assert_eq!(level("select loops()"), Level::Write);
    assert_eq!(level("select labelled()"), Level::Write);
    assert_eq!(level("select other.one()"), Level::Write);
    // Without a catalog nothing vouches for a name off the allow-list.
    assert_eq!(classify("select one()", MYSQL, None).level, Level::Write);
}

#[test]
fn an_allowed_name_a_stored_function_takes_is_verified() {
    // MariaDB has no built-in BIN_TO_UUID: a stored one answers the name.
    let c = catalog(vec![function(
        "bin_to_uuid",
        "READS SQL DATA",
        "begin insert into notes values (1); return 1; end",
    )]);
    let verdict = classify("select bin_to_uuid()", MYSQL, Some(&c));
    assert_eq!(verdict.level, Level::Write, "{:?}", verdict.reasons);
    let plain = catalog(Vec::new());
    let verdict = classify("select bin_to_uuid(x) from t", MYSQL, Some(&plain));
    assert_eq!(verdict.level, Level::ReadOnly, "{:?}", verdict.reasons);
}

#[test]
fn a_view_is_found_whatever_case_its_database_is_written_in() {
    use crate::catalog::{Relation, RelationKind};
    let mut c = catalog(vec![function(
        "touch",
        "MODIFIES SQL DATA",
        "begin insert into notes values (1); return 1; end",
    )]);
    c.relations.push(Relation {
        definition: Some("select `Shop`.`touch`() AS `t`".into()),
        ..Relation::new("Shop", "v_touch", RelationKind::View)
    });
    c.code.routines[0].function.schema = "Shop".into();
    c.code.search_path = Some(vec!["Shop".into()]);
    for sql in [
        "select * from Shop.v_touch",
        "select * from shop.V_TOUCH",
        "select * from v_touch",
    ] {
        assert_eq!(classify(sql, MYSQL, Some(&c)).level, Level::Write, "{sql}");
    }
}

#[test]
fn next_value_for_advances_a_sequence() {
    for sql in ["select next value for seq", "select nextval(seq)"] {
        let verdict = classify(sql, MYSQL, None);
        assert!(verdict.advances_sequences, "{sql}");
        assert_eq!(verdict.level, Level::Write, "{sql}");
    }
    assert!(!classify("select lastval(seq)", MYSQL, None).advances_sequences);
}
