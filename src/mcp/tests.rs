//! The server's dispatch, fed lines through the channel stdin would fill
//! and read back from its output, on an SQLite session.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use serde_json::{Value as Json, json};

use super::{Inbound, Peer, VERSIONS, run, version};
use crate::session::{Session, test_session};

/// Output that stays readable after the peer that wrote it is gone.
#[derive(Clone, Default)]
struct Written(Arc<Mutex<Vec<u8>>>);

impl Write for Written {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn session() -> Session {
    test_session(
        "mcp",
        "create table t(a int primary key, s text); insert into t values (1, 'x'), (2, 'y');",
    )
    .0
}

/// Serves `lines` (then the end of stdin) and returns every line written.
fn serve(session: &mut Session, lines: &[Json], allow_write: bool) -> Vec<Json> {
    let (sender, inbound) = std::sync::mpsc::channel();
    for line in lines {
        sender.send(Inbound::Line(line.to_string())).unwrap();
    }
    sender.send(Inbound::Line("{not json".into())).unwrap();
    sender.send(Inbound::Closed).unwrap();
    let out = Written::default();
    let mut peer = Peer::new(inbound, Box::new(out.clone()), Box::new(io::sink()));
    run(session, &mut peer, allow_write);
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn initialize(elicitation: bool) -> Json {
    let capabilities = if elicitation {
        json!({"elicitation": {}})
    } else {
        json!({})
    };
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": capabilities,
        "clientInfo": {"name": "test", "version": "1"}}})
}

fn call(id: u64, name: &str, arguments: Json) -> Json {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
           "params": {"name": name, "arguments": arguments}})
}

#[test]
fn every_request_gets_one_answer_in_order() {
    let mut session = session();
    let answers = serve(
        &mut session,
        &[
            initialize(false),
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
            json!({"jsonrpc": "2.0", "id": 3, "method": "ping"}),
            call(4, "run_sql", json!({"sql": "select s from t order by a"})),
            call(
                5,
                "run_sql",
                json!({"sql": "update t set s = 'q' where a = 1"}),
            ),
            call(6, "no_such_tool", json!({})),
            json!({"jsonrpc": "2.0", "id": 7, "method": "server/discover"}),
            call(8, "describe_table", json!({"table": 1})),
        ],
        false,
    );
    let ids: Vec<&Json> = answers.iter().map(|a| &a["id"]).collect();
    assert_eq!(
        ids,
        [
            &json!(1),
            &json!(2),
            &json!(3),
            &json!(4),
            &json!(5),
            &json!(6),
            &json!(7),
            &json!(8),
            &Json::Null
        ]
    );
    assert_eq!(answers[0]["result"]["protocolVersion"], "2025-06-18");
    assert_eq!(answers[1]["result"]["tools"].as_array().unwrap().len(), 8);
    assert_eq!(answers[2]["result"], json!({}));
    assert_eq!(
        answers[3]["result"]["structuredContent"]["rows"],
        json!([{"s": "x"}, {"s": "y"}])
    );
    assert_eq!(answers[4]["result"]["isError"], true);
    assert_eq!(answers[4]["result"]["structuredContent"]["level"], "write");
    assert_eq!(answers[5]["error"]["code"], super::rpc::INVALID_PARAMS);
    assert_eq!(answers[6]["error"]["code"], super::rpc::METHOD_NOT_FOUND);
    assert_eq!(
        answers[7]["result"]["structuredContent"]["error"],
        "argument \"table\": expected a string"
    );
    assert_eq!(answers[8]["error"]["code"], super::rpc::PARSE_ERROR);
    let (_, rows) = session
        .catalog_query("select count(*) from t where s = 'q'")
        .unwrap();
    assert_eq!(rows, [[crate::db::Value::Int(0)]]);
}

#[test]
fn an_allowed_write_runs_on_the_persons_yes_and_not_on_their_no() {
    let mut session = session();
    let yes = json!({"jsonrpc": "2.0", "id": "glance-1", "result": {"action": "accept", "content": {"run": true}}});
    let no = json!({"jsonrpc": "2.0", "id": "glance-2", "result": {"action": "decline"}});
    let answers = serve(
        &mut session,
        &[
            initialize(true),
            call(
                2,
                "run_sql",
                json!({"sql": "update t set s = 'z' where a = 1"}),
            ),
            yes,
            call(
                3,
                "run_sql",
                json!({"sql": "update t set s = 'w' where a = 2"}),
            ),
            json!({"jsonrpc": "2.0", "id": 9, "method": "ping"}),
            no,
        ],
        true,
    );
    let methods: Vec<&Json> = answers.iter().map(|a| &a["method"]).collect();
    assert_eq!(methods[1], "elicitation/create");
    assert!(
        answers[1]["params"]["message"]
            .as_str()
            .unwrap()
            .contains("update t set s = 'z'")
    );
    assert_eq!(answers[2]["id"], 2);
    assert_eq!(answers[2]["result"]["isError"], false);
    assert_eq!(answers[3]["method"], "elicitation/create");
    // A ping while the person is asked is answered at once.
    assert_eq!(answers[4]["id"], 9);
    assert_eq!(answers[5]["id"], 3);
    assert_eq!(answers[5]["result"]["isError"], true);
    let (_, rows) = session
        .catalog_query("select group_concat(s, ',') from (select s from t order by a)")
        .unwrap();
    assert_eq!(rows, [[crate::db::Value::Text("z,y".into())]]);
}

#[test]
fn allowed_writes_without_elicitation_are_refused() {
    let mut session = session();
    let answers = serve(
        &mut session,
        &[
            initialize(false),
            call(
                2,
                "run_sql",
                json!({"sql": "update t set s = 'z' where a = 1"}),
            ),
        ],
        true,
    );
    let text = answers[1]["result"]["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("no elicitation capability"), "{text}");
}

#[test]
fn the_revision_is_the_clients_when_glance_speaks_it() {
    assert_eq!(version("2024-11-05"), "2024-11-05");
    assert_eq!(version("2026-07-28"), VERSIONS[0]);
    assert_eq!(version(""), VERSIONS[0]);
}
