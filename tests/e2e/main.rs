//! End-to-end tests: the real `glance` binary against a real PostgreSQL
//! cluster (started once for this test process, see `harness`), SQLite files,
//! pipes and a pseudo-terminal. One test binary, so the cluster and the link
//! are shared.

mod harness;
mod harness_selftest;
mod mariadb_server;

mod fake_llm;
mod fake_llm_selftest;
mod fake_tool_calls;

mod advise;
mod advise_workload;
mod agent;
mod ask;
mod bad_input;
mod chart;
mod check;
mod completion;
mod config;
mod connect;
mod conns;
mod consent;
mod describe;
mod design;
mod docs;
mod erd;
mod exit_codes;
mod explain;
mod export;
mod faults;
mod fingerprint;
mod generated;
mod generic;
mod guard;
mod history;
mod hostile;
mod index_health;
mod introspect;
mod layers;
mod learning;
mod lint;
mod listings;
mod manifest;
mod mcp;
mod migrate;
mod mysql_catalog;
mod mysql_connect;
mod mysql_differential;
mod mysql_fingerprint;
mod mysql_flows;
mod narrate;
mod oracles;
mod paging;
mod password;
mod plugins;
mod providers;
mod psql_commands;
mod reading;
mod repl;
mod replies;
mod safety;
mod saved;
mod secrets;
mod slow;
mod sqlite;
mod team;
mod timings;
mod tls;
mod tool_calls;
mod typed_sql;
mod typing;
mod typo;
mod untrusted;
mod usage;
