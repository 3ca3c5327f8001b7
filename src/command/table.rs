//! The command table: every meta-command's name, arguments, one-line help
//! and the `\?` section it is listed in.

/// Where a command is listed in `\?`; sections are shown in the order
/// they are declared here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    General,
    Connection,
    Query,
    Informational,
    Display,
    History,
    Saved,
    Output,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::General => "General",
            Section::Connection => "Connection",
            Section::Query => "Query",
            Section::Informational => "Informational (+ adds detail)",
            Section::Display => "Display",
            Section::History => "History",
            Section::Saved => "Saved queries",
            Section::Output => "Export and output",
        }
    }
}

/// One row of the command table.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub name: &'static str,
    pub args: &'static str,
    pub help: &'static str,
    pub section: Section,
}

/// Every meta-command glance knows.
pub const COMMANDS: &[Spec] = &[
    Spec {
        name: "\\sql",
        args: "[STATEMENT]",
        help: "run one SQL statement; alone, switch SQL mode on or off",
        section: Section::Query,
    },
    Spec {
        name: "\\g",
        args: "",
        help: "end the statement typed so far and run it (alone: run the last SQL again)",
        section: Section::Query,
    },
    Spec {
        name: "\\gx",
        args: "",
        help: "like \\g, showing that result in expanded display",
        section: Section::Query,
    },
    Spec {
        name: "\\watch",
        args: "[SECONDS]",
        help: "run the last read-only SQL again every SECONDS (default 2) until interrupted",
        section: Section::Query,
    },
    Spec {
        name: "\\ask",
        args: "QUESTION",
        help: "send QUESTION to the model, even when it reads as SQL",
        section: Section::Query,
    },
    Spec {
        name: "\\prompt",
        args: "QUESTION",
        help: "show the request a question would send to the model (JSON with --format json)",
        section: Section::Query,
    },
    Spec {
        name: "\\e",
        args: "",
        help: "edit the last SQL or question in $VISUAL or $EDITOR, then run it",
        section: Section::Query,
    },
    Spec {
        name: "\\reset",
        args: "",
        help: "forget the conversation, so the next question starts fresh",
        section: Section::Query,
    },
    Spec {
        name: "\\usage",
        args: "",
        help: "tokens and cost of this session's questions, per provider and model",
        section: Section::Query,
    },
    Spec {
        name: "\\model",
        args: "[PROVIDER/MODEL|MODEL]",
        help: "show the provider and model questions go to, or switch for this session",
        section: Section::Query,
    },
    Spec {
        name: "\\explain",
        args: "[analyze] [SQL|N]",
        help: "show how the database runs SQL (default: the last statement; N: entry N of the last \\slow) as a tree, with findings",
        section: Section::Query,
    },
    Spec {
        name: "\\log",
        args: "",
        help: "list the statements run in this session",
        section: Section::Query,
    },
    Spec {
        name: "\\slow",
        args: "[total|mean|io] [N]",
        help: "the N statements that took the most time (pg_stat_statements, else what runs now and glance's history)",
        section: Section::Query,
    },
    Spec {
        name: "\\indexes",
        args: "health | advise[+] [SQL|N] | advise --workload",
        help: "health: unused, duplicate and invalid indexes, foreign keys without one; advise: indexes that make SQL (default: the last statement; N: entry N of the last \\slow) cheaper, + with the plans; --workload: for the top of pg_stat_statements",
        section: Section::Query,
    },
    Spec {
        name: "\\check",
        args: "TABLE|--all [--exact|--sample PCT] [--export dbt [FILE[!]]]",
        help: "data-quality checks from the catalog (\\check+ shows each check's SQL; --export dbt writes those that held as dbt tests)",
        section: Section::Query,
    },
    Spec {
        name: "\\describe",
        args: "TABLE [--all] [--export sql|tbls] [-o FILE]",
        help: "the model drafts comments for TABLE and its uncommented columns (--all: every column); edit them, then run them as COMMENT ON, or write them out",
        section: Section::Query,
    },
    Spec {
        name: "\\migrate",
        args: "TEXT",
        help: "the model writes an up and a down step for TEXT; glance lints them, checks in a rolled-back transaction that the down restores the schema, and offers to apply the up or save it as migration files",
        section: Section::Query,
    },
    Spec {
        name: "\\design",
        args: "[new] TEXT",
        help: "the model designs tables for TEXT, validated where nothing stays and shown with a diagram; TEXT refines the current draft, new starts over; then y applies it, s saves it to a file",
        section: Section::Query,
    },
    Spec {
        name: "\\d",
        args: "[NAME]",
        help: "list tables, views and sequences, or describe NAME",
        section: Section::Informational,
    },
    Spec {
        name: "\\dt",
        args: "[PATTERN]",
        help: "list tables",
        section: Section::Informational,
    },
    Spec {
        name: "\\dv",
        args: "[PATTERN]",
        help: "list views",
        section: Section::Informational,
    },
    Spec {
        name: "\\dm",
        args: "[PATTERN]",
        help: "list materialized views",
        section: Section::Informational,
    },
    Spec {
        name: "\\dn",
        args: "[PATTERN]",
        help: "list schemas",
        section: Section::Informational,
    },
    Spec {
        name: "\\di",
        args: "[PATTERN]",
        help: "list indexes",
        section: Section::Informational,
    },
    Spec {
        name: "\\ds",
        args: "[PATTERN]",
        help: "list sequences (PostgreSQL)",
        section: Section::Informational,
    },
    Spec {
        name: "\\dT",
        args: "[PATTERN]",
        help: "list data types: enums, domains, composites (PostgreSQL)",
        section: Section::Informational,
    },
    Spec {
        name: "\\df",
        args: "[PATTERN]",
        help: "list functions, aggregates and procedures (PostgreSQL)",
        section: Section::Informational,
    },
    Spec {
        name: "\\dd",
        args: "[PATTERN]",
        help: "list comments of tables, views, columns and functions (PostgreSQL)",
        section: Section::Informational,
    },
    Spec {
        name: "\\dx",
        args: "[PATTERN]",
        help: "list installed extensions (PostgreSQL)",
        section: Section::Informational,
    },
    Spec {
        name: "\\du",
        args: "[PATTERN]",
        help: "list roles (PostgreSQL)",
        section: Section::Informational,
    },
    Spec {
        name: "\\l",
        args: "[PATTERN]",
        help: "list databases (PostgreSQL)",
        section: Section::Informational,
    },
    Spec {
        name: "\\erd",
        args: "[PATTERN] [--out FILE[!]]",
        help: "draw the tables matching PATTERN (default: all, at most 20) as boxes with their keys and arrows for their foreign keys; --out writes FILE.mmd or FILE.md (Mermaid) or FILE.svg, ! replacing it",
        section: Section::Informational,
    },
    Spec {
        name: "\\docs",
        args: "[-o DIR | DIR] [--coverage] [--format markdown|json]",
        help: "write Markdown documentation of the database into DIR (default dbdoc; schema.json with --format json); --coverage shows the comment coverage (or writes coverage.md into DIR)",
        section: Section::Informational,
    },
    Spec {
        name: "\\c",
        args: "[PROFILE|URL|PATH]",
        help: "connect elsewhere; alone, list the profiles (config file and team folder) and pick one",
        section: Section::Connection,
    },
    Spec {
        name: "\\c+",
        args: "PROFILE|URL|PATH",
        help: "open another connection and make it current, keeping the others open",
        section: Section::Connection,
    },
    Spec {
        name: "\\conns",
        args: "",
        help: "list the open connections; \\c NAME switches to one, @NAME LINE runs a line on one",
        section: Section::Connection,
    },
    Spec {
        name: "\\close",
        args: "NAME",
        help: "close an open connection (not the last one, nor one with a transaction open)",
        section: Section::Connection,
    },
    Spec {
        name: "\\tools",
        args: "",
        help: "list the tools a question may call: built-ins, plugins ([tools.NAME])",
        section: Section::Query,
    },
    Spec {
        name: "\\tool",
        args: "NAME [JSON]",
        help: "call a tool by hand with JSON arguments (a plugin also as \\NAME key=value …); a plugin that writes asks first",
        section: Section::Query,
    },
    Spec {
        name: "\\conninfo",
        args: "",
        help: "show what glance is connected to",
        section: Section::Connection,
    },
    Spec {
        name: "\\team",
        args: "",
        help: "show the team folder in use, how it was found and what it holds",
        section: Section::Connection,
    },
    Spec {
        name: "\\x",
        args: "[on|off|auto]",
        help: "expanded display (one line per column)",
        section: Section::Display,
    },
    Spec {
        name: "\\chart",
        args: "[save FILE.svg] [all] [KIND] [X] [Y...]",
        help: "draw the last result as a chart, or save it as SVG; KIND is bar, line, hist or scatter (all: run it again for every row)",
        section: Section::Display,
    },
    Spec {
        name: "\\timing",
        args: "[on|off]",
        help: "show the database time after each result (on by default)",
        section: Section::Display,
    },
    Spec {
        name: "\\history",
        args: "[N | WORDS]",
        help: "list recent questions and statements, search them, or show entry N in full",
        section: Section::History,
    },
    Spec {
        name: "\\rerun",
        args: "N",
        help: "run the SQL of history entry N again, with the rules of whoever wrote it",
        section: Section::History,
    },
    Spec {
        name: "\\n",
        args: "[NAME [ARGS]]",
        help: "run saved query NAME, ARGS (VALUE or key=VALUE) bound as parameters; alone, list them",
        section: Section::Saved,
    },
    Spec {
        name: "\\ns",
        args: "NAME [SQL|N]",
        help: "save SQL, history entry N, or the last statement (with its question) as NAME",
        section: Section::Saved,
    },
    Spec {
        name: "\\np",
        args: "NAME",
        help: "print saved query NAME",
        section: Section::Saved,
    },
    Spec {
        name: "\\nd",
        args: "NAME",
        help: "delete your saved query NAME",
        section: Section::Saved,
    },
    Spec {
        name: "\\share",
        args: "NAME",
        help: "copy your saved query NAME into the team folder's queries/",
        section: Section::Saved,
    },
    Spec {
        name: "\\good",
        args: "",
        help: "keep the last answer as an example for similar questions",
        section: Section::History,
    },
    Spec {
        name: "\\bad",
        args: "",
        help: "do not keep the last answer as an example (forget it if it was kept)",
        section: Section::History,
    },
    Spec {
        name: "\\examples",
        args: "[WORDS | rm N]",
        help: "list the examples questions are sent with, those matching WORDS (scored), or forget N",
        section: Section::History,
    },
    Spec {
        name: "\\export",
        args: "FORMAT FILE[!]",
        help: "write the whole last result to FILE (csv, json, ndjson, md); ! replaces FILE",
        section: Section::Output,
    },
    Spec {
        name: "\\copy",
        args: "TABLE to|from FILE [csv]",
        help: "write TABLE or (QUERY) to FILE, or load FILE into TABLE (asks first), as psql",
        section: Section::Output,
    },
    Spec {
        name: "\\yank",
        args: "[csv|json|sql]",
        help: "copy the last result (as a table, csv or json) or the last SQL to the clipboard",
        section: Section::Output,
    },
    Spec {
        name: "\\o",
        args: "[FILE]",
        help: "send results to FILE (emptied first); alone, back to the terminal",
        section: Section::Output,
    },
    Spec {
        name: "\\i",
        args: "FILE",
        help: "run the lines of FILE as if typed (\\ir: FILE relative to the current file)",
        section: Section::General,
    },
    Spec {
        name: "\\?",
        args: "",
        help: "show this help (also a bare ?)",
        section: Section::General,
    },
    Spec {
        name: "\\q",
        args: "",
        help: "quit (also Ctrl-D)",
        section: Section::General,
    },
];

/// psql's meta-commands (without `\`), reserved even where glance has no
/// command of the name: a plugin named like one is reached only by `\tool`,
/// so a psql habit (`\set`, `\echo`) never runs a plugin by surprise. The
/// `\d` family is matched with its `S` and `+` suffixes by
/// [`is_psql_command`].
const PSQL_COMMANDS: &[&str] = &[
    "!",
    "?",
    "a",
    "bind",
    "c",
    "C",
    "cd",
    "conninfo",
    "connect",
    "copy",
    "copyright",
    "crosstabview",
    "e",
    "echo",
    "edit",
    "ef",
    "elif",
    "else",
    "encoding",
    "endif",
    "errverbose",
    "ev",
    "f",
    "g",
    "gdesc",
    "getenv",
    "gexec",
    "gset",
    "gx",
    "h",
    "H",
    "help",
    "html",
    "i",
    "if",
    "include",
    "include_relative",
    "ir",
    "l",
    "list",
    "lo_export",
    "lo_import",
    "lo_list",
    "lo_unlink",
    "o",
    "out",
    "p",
    "password",
    "print",
    "prompt",
    "pset",
    "q",
    "qecho",
    "quit",
    "r",
    "reset",
    "restrict",
    "s",
    "set",
    "setenv",
    "sf",
    "sv",
    "t",
    "T",
    "timing",
    "unrestrict",
    "unset",
    "w",
    "warn",
    "watch",
    "write",
    "x",
    "z",
    "bind_named",
    "close_prepared",
    "endpipeline",
    "flush",
    "flushrequest",
    "getresults",
    "parse",
    "sendpipeline",
    "startpipeline",
    "syncpipeline",
];

/// psql's `\d` listings (without `\`, `S` or `+`).
const PSQL_LISTINGS: &[&str] = &[
    "d", "da", "dA", "dAc", "dAf", "dAo", "dAp", "db", "dc", "dconfig", "dC", "dd", "dD", "ddp",
    "dE", "des", "det", "deu", "dew", "df", "dfa", "dfn", "dfp", "dft", "dfw", "dF", "dFd", "dFp",
    "dFt", "dg", "di", "dl", "dL", "dm", "dn", "do", "dO", "dp", "dP", "dPi", "dPn", "dPt", "dPit",
    "drds", "drg", "dRp", "dRs", "ds", "dt", "dT", "du", "dv", "dx", "dX", "dy",
];

/// Whether `name` (without `\`) is one of psql's meta-commands: one of
/// [`PSQL_COMMANDS`], or a `\d` listing with any of its `S`, `+` and
/// `x` suffixes (`dS`, `dt+`, `dfS+`).
pub fn is_psql_command(name: &str) -> bool {
    if PSQL_COMMANDS.contains(&name) {
        return true;
    }
    let base = name.trim_end_matches(['+', 'x']);
    let base = base.strip_suffix('S').unwrap_or(base);
    let base = base.trim_end_matches(['+', 'x']);
    PSQL_LISTINGS.contains(&base)
}
