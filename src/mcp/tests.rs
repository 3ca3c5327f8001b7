//! The server's dispatch, fed lines through the channel stdin would fill
//! and read back from its output, on an SQLite session.

use std::io::{self, Write};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value as Json, json};

use super::{Inbound, MAX_LINE, Peer, Serving, VERSIONS, read_lines, run, shown, version, watch};
use crate::session::{Session, test_session};

/// The person's answer to an elicitation, or `None` to leave it unanswered.
type Person = fn(&Json) -> Option<Json>;

/// The client's side: keeps every line the server writes, answers its
/// elicitations as `person` says, and closes stdin once the request with
/// id "end" is answered.
#[derive(Clone)]
struct Client {
    lines: Arc<Mutex<Vec<Json>>>,
    partial: Vec<u8>,
    stdin: Sender<Inbound>,
    person: Person,
}

impl Write for Client {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.partial.extend_from_slice(bytes);
        while let Some(at) = self.partial.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=at).collect();
            let line: Json = serde_json::from_slice(&line).unwrap();
            if line["method"] == "elicitation/create"
                && let Some(answer) = (self.person)(&line)
            {
                let answer = json!({"jsonrpc": "2.0", "id": line["id"], "result": answer});
                self.stdin.send(Inbound::Line(answer.to_string())).unwrap();
            }
            if line["id"] == "end" && line["method"].is_null() {
                self.stdin.send(Inbound::Closed("end".into())).unwrap();
            } else {
                self.lines.lock().unwrap().push(line);
            }
        }
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

/// Serves `lines` to the end, `person` answering the elicitations, and
/// returns every line written.
fn serve_asking(
    session: &mut Session,
    lines: Vec<Inbound>,
    allow_write: bool,
    person: Person,
) -> Vec<Json> {
    let (stdin, inbound) = std::sync::mpsc::channel();
    for line in lines {
        stdin.send(line).unwrap();
    }
    let end = json!({"jsonrpc": "2.0", "id": "end", "method": "tools/list"});
    stdin.send(Inbound::Line(end.to_string())).unwrap();
    let client = Client {
        lines: Arc::default(),
        partial: Vec::new(),
        stdin,
        person,
    };
    let mut peer = Peer::new(inbound, Box::new(client.clone()), Box::new(io::sink()));
    peer.answer_within = Duration::from_millis(200);
    run(session, &mut peer, allow_write);
    client.lines.lock().unwrap().clone()
}

/// Serves `lines` with nobody to answer an elicitation.
fn serve(session: &mut Session, lines: &[Json], allow_write: bool) -> Vec<Json> {
    let mut lines = inbound(lines);
    lines.push(Inbound::Line("{not json".into()));
    serve_asking(session, lines, allow_write, |_| None)
}

fn inbound(lines: &[Json]) -> Vec<Inbound> {
    lines.iter().map(|l| Inbound::Line(l.to_string())).collect()
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
    let answers = serve_asking(
        &mut session,
        inbound(&[
            initialize(true),
            call(
                2,
                "run_sql",
                json!({"sql": "update t set s = 'z' where a = 1"}),
            ),
            call(
                3,
                "run_sql",
                json!({"sql": "update t set s = 'w' where a = 2"}),
            ),
            json!({"jsonrpc": "2.0", "id": 9, "method": "ping"}),
        ]),
        true,
        |asked| {
            Some(
                if asked["params"]["message"].as_str().unwrap().contains("'z'") {
                    json!({"action": "accept", "content": {"run": true}})
                } else {
                    json!({"action": "decline"})
                },
            )
        },
    );
    let methods: Vec<&Json> = answers.iter().map(|a| &a["method"]).collect();
    assert_eq!(methods[1], "elicitation/create");
    assert!(
        answers[1]["params"]["message"]
            .as_str()
            .unwrap()
            .contains("update t set s = 'z'")
    );
    // A ping while the person is asked is answered at once.
    assert_eq!(answers[2]["id"], 9);
    assert_eq!(answers[3]["id"], 2);
    assert_eq!(answers[3]["result"]["isError"], false);
    assert_eq!(answers[4]["method"], "elicitation/create");
    assert_ne!(answers[4]["id"], answers[1]["id"]);
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

/// What `t` holds, in order.
fn contents(session: &mut Session) -> crate::db::Value {
    let (_, rows) = session
        .catalog_query("select group_concat(s, ',') from (select s from t order by a)")
        .unwrap();
    rows[0][0].clone()
}

fn update(id: u64) -> Json {
    call(
        id,
        "run_sql",
        json!({"sql": "update t set s = 'z' where a = 1"}),
    )
}

#[test]
fn a_cancelled_call_runs_nothing_gets_no_answer_and_the_server_goes_on() {
    let mut session = session();
    let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                        "params": {"requestId": 2, "reason": "changed my mind"}});
    let answers = serve_asking(
        &mut session,
        inbound(&[
            initialize(true),
            update(2),
            json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"}),
            cancel,
            json!({"jsonrpc": "2.0", "id": 4, "method": "ping"}),
        ]),
        true,
        |_| None,
    );
    assert_eq!(answers[1]["method"], "elicitation/create");
    assert_eq!(answers[2]["method"], "notifications/cancelled");
    assert_eq!(answers[2]["params"]["requestId"], answers[1]["id"]);
    let ids: Vec<&Json> = answers[3..].iter().map(|a| &a["id"]).collect();
    assert_eq!(ids, [&json!(3), &json!(4)]);
    assert_eq!(contents(&mut session), crate::db::Value::Text("x,y".into()));
}

#[test]
fn unanswered_or_guessed_answers_run_nothing() {
    let mut session = session();
    let guess = |id: &str| {
        json!({"jsonrpc": "2.0", "id": id,
               "result": {"action": "accept", "content": {"run": true}}})
    };
    let answers = serve_asking(
        &mut session,
        inbound(&[
            initialize(true),
            update(2),
            // Sent before glance asked: no id can match.
            guess("glance-1"),
            guess("glance-0"),
            json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"}),
        ]),
        true,
        |_| None,
    );
    assert_eq!(answers[1]["method"], "elicitation/create");
    assert_eq!(answers[2]["method"], "notifications/cancelled");
    assert_eq!(answers[2]["params"]["reason"], "no answer in time");
    assert_eq!(answers[3]["id"], 2);
    assert_eq!(answers[3]["result"]["isError"], true);
    assert_eq!(answers[4]["id"], 3);
    assert_eq!(contents(&mut session), crate::db::Value::Text("x,y".into()));
}

#[test]
fn unreadable_lines_are_parse_errors_and_the_server_goes_on() {
    let mut text = b"{\"a\":1}\n\xff\xfe oops\n".to_vec();
    text.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
    text.extend_from_slice(b"\n\n{\"b\":2}");
    let mut input = io::BufReader::with_capacity(4096, io::Cursor::new(text));
    let (sender, received) = std::sync::mpsc::channel();
    assert!(read_lines(&mut input, &sender, &|_| {}));
    drop(sender);
    let received: Vec<Inbound> = received.into_iter().collect();
    assert!(matches!(&received[0], Inbound::Line(l) if l == "{\"a\":1}"));
    assert!(matches!(&received[1], Inbound::Unreadable(why) if why.contains("not UTF-8")));
    assert!(matches!(&received[2], Inbound::Unreadable(why) if why.contains("8 MiB")));
    assert!(matches!(&received[3], Inbound::Line(l) if l.is_empty()));
    assert!(matches!(&received[4], Inbound::Line(l) if l == "{\"b\":2}"));
    assert_eq!(received.len(), 5);

    let mut session = session();
    let mut lines = vec![Inbound::Unreadable("line is not UTF-8".into())];
    lines.extend(inbound(&[
        json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
    ]));
    let answers = serve_asking(&mut session, lines, false, |_| None);
    assert_eq!(answers[0]["error"]["code"], super::rpc::PARSE_ERROR);
    assert_eq!(answers[0]["id"], Json::Null);
    assert_eq!(answers[1]["id"], 1);
}

#[test]
fn the_statement_shown_cannot_hide_below_or_beside() {
    let sql = format!(
        "  select 1;\n\n\n\n\n\tdelete from t;{}drop table t;   \n",
        " ".repeat(200)
    );
    assert_eq!(shown(&sql), "select 1;\n\n\tdelete from t; drop table t;");
    assert_eq!(shown("select a,  b\nfrom t"), "select a,  b\nfrom t");
}

#[test]
fn a_cancel_for_a_queued_request_drops_it_and_one_for_an_unknown_id_is_forgotten() {
    let session = session();
    let serving = Arc::new(Mutex::new(Serving::default()));
    let seen = |line: Json| watch(&line.to_string(), &serving, session.interrupts());
    let cancel = |id: Json| {
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                                   "params": {"requestId": id}})
    };
    seen(call(3, "list_tables", json!({})));
    seen(call(4, "list_tables", json!({})));
    seen(json!({"jsonrpc": "2.0", "id": 5, "method": "ping"}));
    seen(cancel(json!(3)));
    seen(cancel(json!(5)));
    seen(cancel(json!(9)));
    let mut now = serving.lock().unwrap();
    assert!(
        !now.start(&json!(3)),
        "request 3 was cancelled while queued"
    );
    assert!(now.start(&json!(4)));
    assert!(!now.finish());
    assert!(now.start(&json!(5)), "a ping is answered whenever it comes");
    assert!(now.queued.is_empty() && now.dropped.is_empty());
}
