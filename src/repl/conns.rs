//! Several connections at once: `\c+` opens another and makes it current,
//! `\c NAME` goes back to an open one without reconnecting, `\close`
//! closes one, `\conns` lists them, and `@NAME` runs one line on another
//! connection without switching (`@A,@B question`: a federated question).
//! The session always holds the current connection; the others wait as
//! [`Parked`] connections, each with its own conversation with the model.

use std::mem;

use super::input::Input;
use super::meta::conninfo;
use super::{AfterLine, Repl, show};
use crate::choice::Choice;
use crate::command::{self, Meta};
use crate::config::Config;
use crate::connection;
use crate::db::{Backend, Column, Transaction, Value};
use crate::escape;
use crate::exit::Failure;
use crate::llm::Message;
use crate::render::Description;
use crate::report;
use crate::session::{Parked, Session};

/// The open connections, in the order they were opened.
pub(super) struct Conns {
    slots: Vec<Slot>,
}

struct Slot {
    name: String,
    /// `None` for the current connection, which the session holds.
    parked: Option<Parked>,
    /// Its conversation with the model while another one is current.
    memory: Vec<Message>,
}

impl Conns {
    /// The connection the REPL starts with.
    pub(super) fn new(choice: &Choice, database: &str) -> Conns {
        let mut conns = Conns { slots: Vec::new() };
        let name = conns.unique_name(choice, database);
        conns.slots.push(Slot {
            name,
            parked: None,
            memory: Vec::new(),
        });
        conns
    }

    fn current(&self) -> usize {
        self.slots
            .iter()
            .position(|slot| slot.parked.is_none())
            .unwrap_or_default()
    }

    /// The current connection's name, for the prompt.
    pub(super) fn current_name(&self) -> &str {
        &self.slots[self.current()].name
    }

    /// Every open connection's name, in the order they were opened.
    pub(super) fn names_open(&self) -> Vec<String> {
        self.slots.iter().map(|slot| slot.name.clone()).collect()
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.slots.iter().position(|slot| slot.name == name)
    }

    /// The name a new connection gets: its profile's, else its database's,
    /// made unique with `-2`, `-3`… among the others open. Characters a
    /// name after `@` cannot hold become `_`, so every name can be routed to.
    fn unique_name(&self, choice: &Choice, database: &str) -> String {
        let base: String = choice
            .profile
            .as_deref()
            .unwrap_or(database)
            .chars()
            .map(|c| if name_char(c) { c } else { '_' })
            .collect();
        let base = if base.is_empty() { "db" } else { &base };
        let taken = |name: &str| self.slots.iter().any(|slot| slot.name == name);
        let mut name = base.to_string();
        let mut n = 2;
        while taken(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        name
    }

    /// The open names, for an error that lists them.
    fn names(&self) -> String {
        let names: Vec<String> = self
            .names_open()
            .iter()
            .map(|name| escape::visible(name).into_owned())
            .collect();
        names.join(", ")
    }

    /// The error for a name no open connection has.
    fn unknown(&self, name: &str) -> String {
        report::error_line(
            &format!(
                "no open connection is named \"{}\"; open ones: {}",
                escape::visible(name),
                self.names()
            ),
            Some("\\conns lists them; \\c+ NAME opens another"),
        )
    }
}

/// Opens the connection `choice` names, saying what goes wrong on the way
/// (and which team profile it uses, if one).
pub(super) fn open(config: &Config, choice: Choice) -> Result<(Box<dyn Backend>, Choice), Failure> {
    if let Some(note) = connection::ignored_password_note(&choice) {
        eprintln!("glance: {note}");
    }
    if let Some(note) = connection::team_note(config, &choice) {
        eprintln!("glance: {note}");
    }
    connection::connect_from(&choice, connection::Place::Repl, &mut |warning| {
        eprintln!("{warning}")
    })
    .map(|backend| (backend, choice))
}

/// What `@NAME …` at the start of a line asks for.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Route<'a> {
    pub names: Vec<&'a str>,
    pub rest: &'a str,
}

/// A character a connection's name may hold: letters, digits, `_`, `-`, `.`.
fn name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// Reads `@NAME rest` or `@A,@B rest`: `None` when the line does not start
/// with `@`, an error when what follows is not a list of distinct names
/// (a line starting with `@` is never sent on as a question).
pub(super) fn route(line: &str) -> Option<Result<Route<'_>, String>> {
    let line = line.trim_start().strip_prefix('@')?;
    let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let names: Vec<&str> = word
        .split(',')
        .map(|name| name.strip_prefix('@').unwrap_or(name))
        .collect();
    if let Some(bad) = names
        .iter()
        .find(|name| name.is_empty() || !name.chars().all(name_char))
    {
        return Some(Err(format!(
            "\"@{}\" is not a connection name: a line starting with @ names open connections (letters, digits, _, - and .), as in @NAME QUESTION or @A,@B QUESTION",
            escape::visible(bad)
        )));
    }
    if let Some(twice) = names
        .iter()
        .enumerate()
        .find(|(i, name)| names[..*i].contains(name))
    {
        return Some(Err(format!(
            "@{} is named twice; a federated question names each connection once",
            escape::visible(twice.1)
        )));
    }
    Some(Ok(Route {
        names,
        rest: rest.trim(),
    }))
}

impl Repl {
    /// Makes slot `to` current: the session takes its connection and the
    /// model its conversation; the current one is parked in its slot.
    pub(super) fn make_current(&mut self, session: &mut Session, to: usize) {
        let from = self.conns.current();
        if from == to {
            return;
        }
        let Some(mut parked) = self.conns.slots[to].parked.take() else {
            return;
        };
        session.trade(&mut parked);
        self.conns.slots[from].parked = Some(parked);
        if let Some(agent) = self.agent.as_mut() {
            let mut memory = mem::take(&mut self.conns.slots[to].memory);
            agent.trade_memory(&mut memory);
            self.conns.slots[from].memory = memory;
        }
    }

    /// `\c NAME` for a connection that is open already: switches to it
    /// without reconnecting. False when no other open one has that name.
    pub(super) fn switch_to_open(&mut self, session: &mut Session, name: &str) -> bool {
        match self.conns.index(name) {
            Some(to) if to != self.conns.current() => {
                self.make_current(session, to);
                println!(
                    "Switched to connection \"{}\" (still open, same server session).",
                    escape::visible(name)
                );
                println!("{}", conninfo(session));
                true
            }
            _ => false,
        }
    }

    /// After `\c` replaced the current connection: it is named afresh.
    pub(super) fn rename_current(&mut self, session: &Session) {
        let current = self.conns.current();
        self.conns.slots[current].name = String::new();
        let name = self
            .conns
            .unique_name(session.choice(), &session.info().database);
        self.conns.slots[current].name = name;
    }

    /// `\c+ TARGET`: opens another connection and makes it current,
    /// keeping the others open.
    pub(super) fn connect_also(&mut self, session: &mut Session, input: &Input, target: &str) {
        if let Some(at) = self.conns.index(target) {
            eprint!(
                "{}",
                report::error_line(
                    &format!(
                        "connection \"{}\" is open already",
                        escape::visible(&self.conns.slots[at].name)
                    ),
                    Some("\\c NAME switches to it; \\conns lists the open ones"),
                )
            );
            return;
        }
        let opened = connection::from_argument(&self.config, target, session.choice())
            .and_then(|choice| open(&self.config, choice));
        let (backend, choice) = match opened {
            Ok(opened) => opened,
            Err(failure) => {
                eprint!("{}", failure.message());
                eprintln!(
                    "Still on connection \"{}\".",
                    escape::visible(self.conns.current_name())
                );
                return;
            }
        };
        let name = self.conns.unique_name(&choice, &backend.info().database);
        self.conns.slots.push(Slot {
            name: name.clone(),
            parked: Some(Parked::new(choice, backend)),
            memory: Vec::new(),
        });
        self.make_current(session, self.conns.slots.len() - 1);
        if input.is_terminal() {
            // Fresh names for completion; a failure shows when next needed.
            let _ = session.catalog();
        }
        println!(
            "Opened connection \"{}\"; \\conns lists the open ones.",
            escape::visible(&name)
        );
        println!("{}", conninfo(session));
    }

    /// `\close NAME`: closes one connection. The last one stays open, and
    /// one with a transaction open is not closed: its work would be lost.
    pub(super) fn close(&mut self, session: &mut Session, name: &str) {
        let Some(at) = self.conns.index(name) else {
            eprint!("{}", self.conns.unknown(name));
            return;
        };
        let name = escape::visible(name).into_owned();
        if self.conns.slots.len() == 1 {
            eprint!(
                "{}",
                report::error_line(
                    &format!("\"{name}\" is the only open connection, and glance needs one"),
                    Some("\\c NAME replaces it; \\q quits"),
                )
            );
            return;
        }
        let current = self.conns.current();
        let transaction = match &self.conns.slots[at].parked {
            Some(parked) => parked.transaction(),
            None => session.transaction(),
        };
        if transaction != Transaction::Idle {
            eprint!(
                "{}",
                report::error_line(
                    &format!(
                        "connection \"{name}\" has a transaction open; closing it would roll it back, so it stays open"
                    ),
                    Some("end the transaction there (COMMIT or ROLLBACK) first, then \\close it"),
                )
            );
            return;
        }
        if at == current {
            let next = if at == 0 { 1 } else { at - 1 };
            self.make_current(session, next);
        }
        // Dropping the parked connection closes it.
        self.conns.slots.remove(at);
        println!("Closed connection \"{name}\".");
        if at == current {
            println!(
                "Now on connection \"{}\".",
                escape::visible(self.conns.current_name())
            );
        }
    }

    /// `\conns`: the open connections, the current one marked.
    pub(super) fn list_conns(&self, session: &Session) {
        let current = self.conns.current();
        let text = |s: &str| Value::Text(s.to_string());
        let rows = self
            .conns
            .slots
            .iter()
            .enumerate()
            .map(|(i, slot)| {
                let (choice, info, transaction) = match &slot.parked {
                    Some(parked) => (parked.choice(), parked.info(), parked.transaction()),
                    None => (session.choice(), session.info(), session.transaction()),
                };
                vec![
                    Value::Int(i64::try_from(i + 1).unwrap_or(i64::MAX)),
                    text(&slot.name),
                    text(&info.database),
                    text(&format!("{} at {}", info.dialect.name(), info.location)),
                    text(if choice.read_only {
                        "read-only"
                    } else {
                        "asks before writes"
                    }),
                    text(match transaction {
                        Transaction::Idle => "none",
                        Transaction::Open => "open",
                        Transaction::Failed => "failed",
                    }),
                    text(if i == current { "*" } else { "" }),
                ]
            })
            .collect();
        let columns = [
            ("#", "int4"),
            ("Name", "text"),
            ("Database", "text"),
            ("Server", "text"),
            ("Rule", "text"),
            ("Transaction", "text"),
            ("Current", "text"),
        ]
        .into_iter()
        .map(|(name, type_name)| Column {
            name: name.to_string(),
            type_name: type_name.to_string(),
        })
        .collect();
        let description = Description {
            title: Some("Open connections".to_string()),
            columns,
            rows,
            sections: Vec::new(),
        };
        show(session, &description, false);
    }

    /// `@NAME LINE`: runs a question, SQL or a meta-command on connection
    /// NAME and comes back; `@A,@B QUESTION` asks a federated question.
    pub(super) fn routed(
        &mut self,
        session: &mut Session,
        input: &mut Input,
        route: Route,
    ) -> AfterLine {
        let mut at = Vec::new();
        for name in &route.names {
            match self.conns.index(name) {
                Some(i) => at.push(i),
                None => {
                    eprint!("{}", self.conns.unknown(name));
                    return AfterLine::Continue;
                }
            }
        }
        if route.rest.is_empty() {
            eprint!(
                "{}",
                report::error_line(
                    "nothing follows the connection name",
                    Some("write a question or SQL after it: @NAME how many orders are there"),
                )
            );
            return AfterLine::Continue;
        }
        if at.len() > 1 && route.rest.starts_with('\\') {
            eprint!(
                "{}",
                report::error_line(
                    "a command runs on one connection; several names before it ask a federated question",
                    Some("write @NAME \\command for each connection, or a question after @A,@B"),
                )
            );
            return AfterLine::Continue;
        }
        if at.len() > 1 {
            self.federate(session, &at, route.rest);
            return AfterLine::Continue;
        }
        if let Ok(Some(
            Meta::Connect(_)
            | Meta::ConnectAlso(_)
            | Meta::Close(_)
            | Meta::Conns
            | Meta::Include { .. }
            | Meta::Quit,
        )) = command::parse(route.rest)
        {
            eprint!(
                "{}",
                report::error_line(
                    "@NAME runs a question, SQL or a command on a connection, not one that changes connections or quits",
                    Some("type the command without @NAME"),
                )
            );
            return AfterLine::Continue;
        }
        let back = self.conns.current();
        self.make_current(session, at[0]);
        let after = self.handle(session, input, route.rest);
        if !self.buffer.is_empty() {
            self.buffer.clear();
            eprint!(
                "{}",
                report::error_line(
                    "a statement after @NAME must end on its line; nothing was run",
                    Some("end it with ; or \\g"),
                )
            );
        }
        self.make_current(session, back);
        after
    }

    /// Runs `work` with slot `at` current, then goes back.
    pub(super) fn on_slot<T>(
        &mut self,
        session: &mut Session,
        at: usize,
        work: impl FnOnce(&mut Session) -> T,
    ) -> T {
        let back = self.conns.current();
        self.make_current(session, at);
        let result = work(session);
        self.make_current(session, back);
        result
    }

    /// The current connection's slot.
    pub(super) fn current_slot(&self) -> usize {
        self.conns.current()
    }

    /// Slot `at`'s name.
    pub(super) fn slot_name(&self, at: usize) -> &str {
        &self.conns.slots[at].name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_name_one_or_several_connections() {
        assert_eq!(
            route("@prod how many users"),
            Some(Ok(Route {
                names: vec!["prod"],
                rest: "how many users"
            }))
        );
        assert_eq!(
            route("@prod,@staging missing customers"),
            Some(Ok(Route {
                names: vec!["prod", "staging"],
                rest: "missing customers"
            }))
        );
        assert_eq!(
            route("@shop-2,x.y \\sql select 1"),
            Some(Ok(Route {
                names: vec!["shop-2", "x.y"],
                rest: "\\sql select 1"
            }))
        );
        assert_eq!(
            route("@a"),
            Some(Ok(Route {
                names: vec!["a"],
                rest: ""
            }))
        );
        assert_eq!(route("select @ -5"), None);
        for bad in ["@ -5", "@a,,b x", "@a;b x", "@ü@x delete from t;"] {
            let error = route(bad).unwrap().unwrap_err();
            assert!(error.contains("is not a connection name"), "{bad}: {error}");
        }
        let error = route("@ro,@ro x").unwrap().unwrap_err();
        assert!(error.contains("named twice"), "{error}");
    }

    #[test]
    fn every_name_can_follow_an_at_sign() {
        let choice = Choice {
            target: crate::db::Target::Sqlite("odd name.db".into()),
            profile: None,
            read_only: false,
            statement_timeout: std::time::Duration::ZERO,
            guard_role: None,
        };
        for (database, name) in [("odd name", "odd_name"), ("a,b", "a_b"), ("ü@x", "ü_x")] {
            let conns = Conns::new(&choice, database);
            assert_eq!(conns.current_name(), name);
            let line = format!("@{name} select 1;");
            assert!(route(&line).unwrap().is_ok(), "{line}");
        }
    }
}
