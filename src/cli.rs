//! The command line, defined once: parsing, `--help`, the man page and the
//! shell completions all come from these definitions.

use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::config;
use crate::connection::{self, PasswordPrompt};
use crate::render::Format;

/// What every exit code means; shown in `--help`, the man page and README.
pub const EXIT_CODES: &str = "\
Exit status:
  0  success
  1  runtime or database error (connection failed, statement failed);
     glance lint: a finding of level warning or error
  2  usage error (bad flag, bad input, nothing to run; a file glance lint
     cannot parse)
  3  refused: the statement needs a confirmation that could not be given
     (no terminal to ask; see --allow-destructive)";

/// Chat with your database: questions become SQL that is shown, checked,
/// confirmed when it writes, run, and drawn as paged tables.
///
/// Without a command, glance opens the interactive session, as
/// `glance repl` does (`glance --demo`, `glance -d URL`, `glance -p NAME`).
#[derive(Debug, Parser)]
#[command(name = "glance", version, after_help = EXIT_CODES, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// What to do; none opens the interactive session.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options accepted before or after the subcommand.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Database to open: a postgres:// URL, a libpq "key=value" string, a
    /// mysql:// or mariadb:// URL, sqlite:PATH, or a path ending in .db,
    /// .sqlite or .sqlite3.
    /// Without it, PostgreSQL is reached through the PG* variables and
    /// psql's defaults.
    #[arg(short = 'd', long, global = true, value_name = "URL|PATH", value_hint = clap::ValueHint::AnyPath)]
    pub database: Option<String>,

    /// Connection profile from the config file ([connections.NAME]).
    #[arg(short = 'p', long, global = true, value_name = "NAME", conflicts_with_all = ["database", "demo"],
          add = clap_complete::ArgValueCompleter::new(profile_candidates))]
    pub profile: Option<String>,

    /// Ask for the PostgreSQL password on the terminal before connecting
    /// (and at each \c), as psql -W does. Ignored for SQLite.
    #[arg(short = 'W', long, global = true, conflicts_with = "no_password")]
    pub password: bool,

    /// Never ask for a password: when the server wants one and none is
    /// given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w.
    /// Without it glance asks on the terminal when stdin is one.
    #[arg(short = 'w', long, global = true)]
    pub no_password: bool,

    /// Config file to read instead of ~/.config/glance/config.toml.
    #[arg(long, global = true, env = "GLANCE_CONFIG", value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub config: Option<std::path::PathBuf>,

    /// The team folder to read (saved queries, glossary, examples, profiles)
    /// instead of a .glance/ directory found in the current directory or a
    /// parent.
    #[arg(long, global = true, env = "GLANCE_TEAM_DIR", value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub team_dir: Option<std::path::PathBuf>,

    /// Do not read or write the history database or the line history.
    #[arg(long, global = true)]
    pub no_history: bool,

    /// Output format for results.
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Never colour output (the NO_COLOR variable does the same).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Open the built-in demo database (a small shop, in SQLite).
    #[arg(long, global = true, conflicts_with = "database")]
    pub demo: bool,

    /// Time limit for statements run inside the read-only guard, such as
    /// 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the
    /// config file's]
    #[arg(long, global = true, value_name = "DURATION", value_parser = config::duration::parse_duration)]
    pub statement_timeout: Option<Duration>,

    /// Do not ask before destructive statements typed by hand, nor before a
    /// saved query's writes (glance run, \n).
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    /// LLM provider for questions: openai, anthropic, gemini, azure or ollama
    /// (default: the first whose API key is set, else a local Ollama).
    #[arg(long, global = true, env = "GLANCE_PROVIDER", value_name = "NAME")]
    pub provider: Option<String>,

    /// Model id for questions (default: the provider's default model).
    #[arg(long, global = true, env = "GLANCE_MODEL", value_name = "ID")]
    pub model: Option<String>,

    /// Budget for the schema part of the prompt, in tokens; on larger
    /// schemas the tables most relevant to the question are sent in full
    /// [default: 8000, or the config file's]
    #[arg(long, global = true, value_name = "TOKENS", value_parser = parse_budget)]
    pub context_tokens: Option<usize>,

    /// Also send the LLM the distinct values of text columns that have few
    /// of them (statuses, categories…), which makes answers about them right.
    /// Off by default: without it only schema metadata leaves the machine.
    #[arg(long, global = true)]
    pub share_samples: bool,

    /// Let the model run read-only queries of its own before it answers
    /// and read their first rows (any columns, 50 rows and 16 KiB at most
    /// each). Off by default: without it no row leaves the machine.
    #[arg(long, global = true)]
    pub share_rows: bool,

    /// How many times a failing generated statement is sent back to the
    /// model with its error for a corrected one [default: 2, or the config
    /// file's]
    #[arg(long, global = true, value_name = "N")]
    pub retries: Option<u32>,

    /// Do not let the model call tools (describe tables, run read-only
    /// queries) before it answers: it gets the schema text alone
    #[arg(long, global = true)]
    pub no_tools: bool,

    /// The most rows a federated question (@A,@B QUESTION in the REPL)
    /// loads from each source query [default: 100000, or the config file's]
    #[arg(long, global = true, value_name = "N")]
    pub federate_rows: Option<std::num::NonZeroUsize>,

    /// The variables among `GLANCE_CONFIG`, `GLANCE_PROVIDER` and
    /// `GLANCE_MODEL` that gave their option its value (no flag did).
    #[arg(skip)]
    pub from_env: Vec<&'static str>,
}

impl Global {
    /// The settings these flags set over the config file.
    pub fn overrides(&self) -> config::Overrides {
        config::Overrides {
            config: self.config.clone(),
            team_dir: self.team_dir.clone(),
            no_history: self.no_history,
            format: self.format,
            no_color: self.no_color,
            statement_timeout: self.statement_timeout,
            provider: self.provider.clone(),
            model: self.model.clone(),
            context_tokens: self.context_tokens,
            share_samples: self.share_samples,
            share_rows: self.share_rows,
            retries: self.retries,
            no_tools: self.no_tools,
            federate_rows: self.federate_rows.map(std::num::NonZeroUsize::get),
            from_env: self.from_env.clone(),
        }
    }

    /// The database these flags ask for (`--demo`, `-d`, `-p`).
    pub fn requested(&self) -> connection::Requested {
        connection::Requested {
            demo: self.demo,
            database: self.database.clone(),
            profile: self.profile.clone(),
        }
    }

    /// When to ask for a password: `-W`, `-w`, or when the server wants one.
    pub fn password_prompt(&self) -> PasswordPrompt {
        if self.password {
            PasswordPrompt::Always
        } else if self.no_password {
            PasswordPrompt::Never
        } else {
            PasswordPrompt::IfNeeded
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Interactive session: ask questions, or type SQL after \sql (the
    /// default when no command is given).
    Repl,
    /// Answer one question, or run one statement with --sql, without prompts.
    Ask(AskArgs),
    /// Run a saved query by name, its arguments bound as parameters (never
    /// pasted into the SQL), without prompts: a required argument not given
    /// is an error, and a query that writes needs --yes without a terminal.
    /// Exit codes as for ask.
    Run(RunArgs),
    /// Show how the database runs one statement: its plan as an indented
    /// tree, with at most five findings (slow nodes, misestimates,
    /// sequential scans, spills to disk…), worst first.
    Explain(ExplainArgs),
    /// Data-quality checks generated from the catalog: orphaned rows,
    /// NULLs, duplicate would-be keys, rows violating NOT VALID CHECK
    /// constraints, values out of range and spelling variants. Every check
    /// is a read-only SELECT run in the read-only guard.
    Check(CheckArgs),
    /// Write documentation of the database into a directory: index.md
    /// (schemas, tables and views, a Mermaid diagram of the foreign keys)
    /// and one Markdown page per table or view, or one schema.json with
    /// --format json. Only files glance writes are replaced; none are
    /// removed. Two runs on the same schema write the same bytes.
    Docs(DocsArgs),
    /// Draw the tables matching PATTERN (psql-style, as \\d takes it;
    /// default: every table) as boxes with their key columns, foreign keys
    /// as arrows; at most 20 tables on the terminal. --out writes FILE.mmd
    /// or FILE.md (a Mermaid erDiagram) or FILE.svg instead, for any
    /// number of tables; an existing file is never replaced. --format json
    /// prints the tables and foreign keys.
    Erd(ErdArgs),
    /// Have the model draft comments for a table and for each of its
    /// columns without one, from names, types, keys, foreign keys and
    /// indexes (and a few values with --share-samples); edit the draft in
    /// $VISUAL or $EDITOR, then run it as COMMENT ON statements once
    /// confirmed. --export writes the draft out instead, running nothing.
    Describe(DescribeArgs),
    /// Write a migration for the connected database and prove it safe: the
    /// model writes an up and a down step for the change (or --up/--down
    /// give a pair you wrote); each statement is linted; then, without
    /// touching data, one transaction that is always rolled back runs the
    /// up, checks the schema changed and no table was rewritten, runs the
    /// down and checks the schema is exactly as before. Refused before
    /// anything runs when a statement cannot run in a transaction or
    /// rewrites or scans a table over 10,000 rows or 10 MB. Exit status 1
    /// when validation fails or is refused.
    Migrate(MigrateArgs),
    /// The model designs tables for what you describe: keys, foreign keys,
    /// NOT NULLs, CHECKs, indexes and comments in the connected dialect.
    /// glance validates the DDL where nothing of it stays (PostgreSQL: a
    /// throwaway schema in a transaction that is rolled back; SQLite: an
    /// in-memory database), lints it, and shows the tables, a Mermaid
    /// diagram and the findings. Exit 1 when the database rejects it.
    Design(DesignArgs),
    /// Lint migration files without connecting: for each statement, the
    /// lock it takes on PostgreSQL 15 and whether it blocks reads or
    /// writes, whether it rewrites or scans the table, whether it can run
    /// in a transaction block, and findings with their safe rewrite. Exit
    /// status 1 when a finding is a warning or an error, 2 when a file does
    /// not parse.
    Lint(LintArgs),
    /// Serve the Model Context Protocol over stdio, so an agent (Claude
    /// Desktop, Claude Code, Cursor, VS Code…) reaches the database through
    /// glance's gate: tools to list and describe tables, classify SQL, run
    /// read-only SQL, explain, slow queries, index advice and data checks.
    /// Results are capped in rows and bytes. Anything that writes is refused
    /// unless --allow-write, and then asked about through the client. The
    /// log goes to stderr (or --log), never stdout; the server ends with
    /// status 0 when the client closes stdin.
    Mcp(McpArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Tokens and cost of questions over the last days, per provider and
    /// model, from the history.
    Usage {
        /// How many days back to count.
        #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
        days: u32,
    },
    /// List the models a provider offers (default: the configured one); the
    /// model questions go to is marked.
    Models {
        /// openai, anthropic, gemini, azure or ollama.
        provider: Option<String>,
    },
    /// Print the SQL that creates a role for a profile's guard_role: it can
    /// read every table and nothing else (pg_read_all_data on PostgreSQL 14
    /// and later, SELECT grants before), and cannot log in unless --login.
    /// glance runs nothing; pipe it to psql as a superuser.
    SetupReader {
        /// Name of the role to create.
        role: String,
        /// Let the role log in (LOGIN); by default it cannot, since glance
        /// only switches to it inside the read-only guard.
        #[arg(long)]
        login: bool,
    },
    /// The statements that took the most time: from pg_stat_statements when
    /// it is installed and preloaded; otherwise how to enable it, then the
    /// statements running now and the slowest glance ran (its history).
    /// SQLite: the history.
    Slow {
        /// What to order by: total time, mean time, or blocks read (io).
        #[arg(long, value_name = "ORDER", default_value = "total", value_parser = ["total", "mean", "io"])]
        by: String,
        /// How many statements to list.
        #[arg(long, value_name = "N", default_value_t = crate::analysis::slow::DEFAULT_LIMIT, value_parser = clap::value_parser!(u16).range(1..))]
        limit: u16,
    },
    /// Index checks (PostgreSQL and SQLite).
    Indexes {
        #[command(subcommand)]
        action: IndexesAction,
    },
    /// Create, locate or show the config file.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// The team folder (.glance/ committed with a project: saved queries,
    /// a glossary, examples, connection profiles): which one is read, how
    /// it was found and what it holds (the same as `glance team show`).
    Team {
        #[command(subcommand)]
        action: Option<TeamAction>,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum TeamAction {
    /// Which team folder is read, how it was found, and what it holds
    /// (queries, glossary terms, examples, profiles); with --format json a
    /// JSON document.
    Show,
    /// Write a commented skeleton team folder: DIR itself, else the folder
    /// --team-dir or GLANCE_TEAM_DIR names, else .glance/ in the current
    /// directory. It holds README.md, glossary.toml, profiles.toml,
    /// examples.tsv and queries/. Files that exist are left as they are.
    Init {
        /// The team folder to create (the folder --team-dir names later).
        dir: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum IndexesAction {
    /// Unused indexes (at most 50 scans on a table of 10,000 rows or more,
    /// enforcing nothing), duplicate ones (their columns lead another index
    /// with the same method and predicate), invalid ones, and foreign keys
    /// no index starts with; each with the statement that would fix it,
    /// which glance does not run. SQLite: duplicates and foreign keys.
    Health,
    /// Indexes that would make one statement cheaper: candidates from its
    /// WHERE, JOIN, ORDER BY and GROUP BY columns, checked with the planner
    /// (PostgreSQL: hypopg's hypothetical indexes; SQLite: built in a
    /// transaction that is rolled back), or else ranked by statistics and
    /// marked unverified. Prints the CREATE INDEX statements; creates none.
    /// With --workload: for the top of pg_stat_statements instead (at most
    /// 10 statements by total time, each called at least 50 times at 5 ms
    /// or more), chosen greedily by the cost they save per byte.
    Advise(AdviseArgs),
}

#[derive(Debug, Args)]
pub struct AdviseArgs {
    /// The statement (read from stdin when absent).
    pub sql: Vec<String>,
    /// Also show the plan before and the plan with the suggested indexes.
    #[arg(long)]
    pub plans: bool,
    /// Advise on the workload in pg_stat_statements (PostgreSQL) rather
    /// than one statement.
    #[arg(long, conflicts_with_all = ["sql", "plans"])]
    pub workload: bool,
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum ConfigAction {
    /// Write a commented template to the config file's place (never over an
    /// existing file).
    Init,
    /// Print where the config file is read from.
    Path,
    /// Print the settings in effect, merged from flags, environment, the
    /// file and defaults, with passwords redacted; the provider and model
    /// questions go to say where each comes from, and the [tools.NAME] and
    /// [mcp.NAME] entries are listed as glance runs them. With --format json
    /// a JSON object.
    Show,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The statement (read from stdin when absent).
    pub sql: Vec<String>,

    /// Run the statement to measure it (EXPLAIN ANALYZE with BUFFERS). One
    /// that writes runs in a transaction that is always rolled back, and
    /// needs a terminal to confirm it or --allow-write.
    #[arg(long)]
    pub analyze: bool,

    /// With --analyze: run a write without a terminal to confirm it (it is
    /// rolled back; sequences it advances stay advanced).
    #[arg(long)]
    pub allow_write: bool,

    /// With --analyze: run a destructive statement (DELETE without WHERE,
    /// DROP…) without a terminal to confirm it; it is rolled back.
    #[arg(long)]
    pub allow_destructive: bool,

    /// Do not ask the model to explain the plan (it is asked when one is
    /// configured, and sees only the statement, the plan and the findings).
    #[arg(long)]
    pub no_explanation: bool,
}

#[derive(Debug, Args)]
pub struct ErdArgs {
    /// The tables to draw: `*` and `?` wildcards, an optional `schema.`
    /// part, exact case inside double quotes.
    pub pattern: Option<String>,
    /// Write the diagram into FILE: .mmd or .md (Mermaid) or .svg.
    #[arg(short = 'o', long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub out: Option<String>,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// The directory to write into, created when missing [default: dbdoc].
    #[arg(short = 'o', long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub output: Option<std::path::PathBuf>,
    /// The share of tables (views included) and columns that have a
    /// comment, per schema: printed, or with -o written into DIR as
    /// coverage.md (coverage.json with --format json).
    #[arg(long)]
    pub coverage: bool,
}

#[derive(Debug, Args)]
pub struct DescribeArgs {
    /// The table or view.
    pub table: String,
    /// Redraft the comments that exist too.
    #[arg(long)]
    pub all: bool,
    /// Write the draft out instead of running it: the COMMENT ON statements,
    /// or a tbls config file's comments; on stdout unless --output names a
    /// file.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub export: Option<DescribeExport>,
    /// The file to write the draft into (the statements, unless --export
    /// says tbls); an existing file is never replaced.
    #[arg(short = 'o', long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: Option<String>,
    /// Run the drafted statements without a terminal to confirm them (and
    /// without an editor).
    #[arg(long)]
    pub allow_write: bool,
}

#[derive(Debug, Args)]
pub struct DesignArgs {
    /// What to design, in plain words.
    #[arg(required = true, value_name = "TEXT")]
    pub request: Vec<String>,
    /// Write the DDL to FILE; an existing file is never replaced.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub save: Option<String>,
    /// Create the design on the connected database once confirmed
    /// (without a terminal, with --allow-write or --yes).
    #[arg(long)]
    pub apply: bool,
    /// Let --apply create the tables without a terminal to confirm.
    #[arg(long)]
    pub allow_write: bool,
}

/// What `glance describe --export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DescribeExport {
    /// COMMENT ON statements.
    Sql,
    /// A tbls config file with the comments (tbls --config).
    Tbls,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The change, in words ("add a soft delete column to customers").
    #[arg(required_unless_present = "up", conflicts_with_all = ["up", "down"])]
    pub request: Option<String>,
    /// A hand-written up step to check instead of asking the model.
    #[arg(long, value_name = "FILE", requires = "down", value_hint = clap::ValueHint::FilePath)]
    pub up: Option<String>,
    /// The down step that undoes --up.
    #[arg(long, value_name = "FILE", requires = "up", value_hint = clap::ValueHint::FilePath)]
    pub down: Option<String>,
    /// Validate on this scratch database instead of live: another, empty
    /// PostgreSQL database (loaded with the connected one's schema, no
    /// rows, through pg_dump and pg_restore) or one already holding a copy
    /// of it; up, down and up run there for real. Never the connected
    /// database.
    #[arg(long, value_name = "URL")]
    pub scratch: Option<String>,
    /// Once validated, write the migration into this directory, in the
    /// layout of the migration tool its files already follow (or --tool);
    /// an existing file is never replaced.
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub dir: Option<String>,
    /// The migration tool whose layout --dir gets: dbmate, sqlx,
    /// golang-migrate, flyway, sqitch or plain [default: detected from the
    /// files in --dir]
    #[arg(long, value_name = "TOOL", requires = "dir")]
    pub tool: Option<String>,
    /// The migration's name in its file names [default: the change in
    /// words, or the --up file's name]
    #[arg(long, value_name = "NAME", requires = "dir")]
    pub name: Option<String>,
    /// Once validated, apply the up step to the database after a
    /// confirmation (without a terminal: with --yes), with its timeouts.
    #[arg(long)]
    pub apply: bool,
}

#[derive(Debug, Args)]
pub struct McpArgs {
    /// Let run_sql run statements that write: each is shown to the person
    /// by the client (MCP elicitation), and runs only on their yes. Clients
    /// that cannot ask get a refusal.
    #[arg(long)]
    pub allow_write: bool,
    /// Append the server's log to FILE instead of stderr.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub log: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// The files to lint; `-` or none reads stdin.
    #[arg(value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub files: Vec<String>,
    /// The SQL dialect of the files [default: the dialect of -d when given
    /// (no connection is made), else postgres]
    #[arg(long, value_enum, value_name = "DIALECT")]
    pub dialect: Option<LintDialect>,
    /// Lint each file as run in one transaction, as migration tools (dbmate,
    /// Flyway, sqlx) run a file by default: a lock taken early is held to
    /// the end, and statements that cannot run in a transaction are errors
    /// (a dbmate file's sections follow their markers instead)
    #[arg(long)]
    pub assume_in_transaction: bool,
}

/// The dialects `glance lint` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LintDialect {
    Postgres,
    Sqlite,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The table to check (required unless --all).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub table: Option<String>,
    /// Check every table.
    #[arg(long)]
    pub all: bool,
    /// Read PCT percent of every table (PostgreSQL TABLESAMPLE SYSTEM);
    /// without it, only tables of 100,000 or more estimated rows are
    /// sampled, at 10%.
    #[arg(long, value_name = "PCT", conflicts_with = "exact", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub sample: Option<u32>,
    /// Read every row of every table: exact counts.
    #[arg(long)]
    pub exact: bool,
    /// Show the SQL of every check after the findings.
    #[arg(long, conflicts_with = "export")]
    pub show_sql: bool,
    /// Instead of the findings, write the checks that held (found nothing,
    /// reading every row) as dbt tests: a schema.yml, on stdout unless
    /// --output names a file.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub export: Option<CheckExport>,
    /// With --export: the file to write; an existing file is never replaced.
    #[arg(short = 'o', long, value_name = "FILE", requires = "export", value_hint = clap::ValueHint::FilePath)]
    pub output: Option<String>,
}

/// What `glance check --export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckExport {
    /// A dbt properties file (schema.yml) with data tests.
    Dbt,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The saved query's name (glance run --list, or \n in the REPL, lists them).
    #[arg(required_unless_present = "list")]
    pub name: Option<String>,

    /// Its arguments: values in order ($1, $2… or its parameters in order
    /// of use), or NAME=VALUE.
    #[arg(allow_hyphen_values = true, trailing_var_arg = true)]
    pub args: Vec<String>,

    /// List the saved queries (personal and team) and their parameters.
    #[arg(long, conflicts_with = "name")]
    pub list: bool,
}

#[derive(Debug, Args)]
pub struct AskArgs {
    /// The question, in plain language (read from stdin when absent).
    pub question: Vec<String>,

    /// Run this SQL instead of asking a question; without a value (or with
    /// "-") the SQL is read from stdin. It may start with a -- comment.
    #[arg(long, value_name = "SQL", num_args = 0..=1, default_missing_value = "-")]
    pub sql: Option<String>,

    /// Print the SQL (generated for a question, or given with --sql) and its
    /// safety verdict, and run nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Run destructive statements (DROP, DELETE, TRUNCATE…) without a
    /// terminal to confirm them.
    #[arg(long)]
    pub allow_destructive: bool,

    /// Run writes (INSERT, UPDATE…) the model wrote without a terminal to
    /// confirm them.
    #[arg(long)]
    pub allow_write: bool,

    /// Let the model call plugins ([tools.NAME]) that are not read-only;
    /// without it such calls are refused and the model is told so.
    #[arg(long)]
    pub allow_tools: bool,

    /// Print the request that would go to the model, and exit without
    /// calling it: the address, the model, a summary of the schema sent,
    /// then the system prompt and the messages as text (one JSON document
    /// with --format json).
    #[arg(long, conflicts_with = "sql")]
    pub show_prompt: bool,

    /// Draw the result as a chart after the table: KIND is bar, line, hist
    /// or scatter, or chosen from the columns when left out (auto).
    /// --format chart draws only the chart; with --format json it is an error.
    #[arg(long, value_name = "KIND", num_args = 0..=1, default_missing_value = "auto",
          value_parser = ["auto", "bar", "line", "hist", "histogram", "scatter"])]
    pub chart: Option<String>,

    /// Save the chart of the result as an SVG image in FILE (its name must
    /// end in .svg), the same chart --chart draws; never replaces a file.
    /// Works with every --format, json included.
    #[arg(long, value_name = "FILE")]
    pub chart_out: Option<String>,

    /// Print on stderr where glance's time went: start-up, connect,
    /// introspection, context, LLM, database and render, and glance's own
    /// share (everything but the LLM and the database).
    #[arg(long)]
    pub timings: bool,
}

/// Variables that stand for options; an empty one counts as unset.
const OPTION_VARIABLES: [(&str, &str); 3] = [
    ("config", "GLANCE_CONFIG"),
    ("provider", "GLANCE_PROVIDER"),
    ("model", "GLANCE_MODEL"),
];

/// Parses the process's command line (exiting with status 2 and a usage
/// message when it is wrong). An empty `GLANCE_*` variable is ignored, and
/// SQL given to `--sql` may start with a `--` comment.
pub fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Cli::command();
    for (id, var) in OPTION_VARIABLES {
        if std::env::var_os(var).is_some_and(|value| value.is_empty()) {
            command = command.mut_arg(id, |arg| arg.env(None::<&str>));
        }
    }
    let matches = command.get_matches_from(attach_sql(std::env::args_os()));
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    cli.global.from_env = OPTION_VARIABLES
        .iter()
        .filter(|(id, _)| matches.value_source(id) == Some(clap::parser::ValueSource::EnvVariable))
        .map(|(_, var)| *var)
        .collect();
    cli
}

/// Writes `--sql VALUE` as `--sql=VALUE` when the value starts with `-` and
/// holds white space (SQL beginning with a `--` comment): no option has
/// white space in its name, so the value cannot be an option.
fn attach_sql(args: impl IntoIterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut out: Vec<std::ffi::OsString> = Vec::new();
    for arg in args {
        let sql_value = arg
            .to_str()
            .is_some_and(|text| text.starts_with('-') && text.contains(char::is_whitespace));
        if sql_value && out.last().is_some_and(|last| last == "--sql") {
            let mut attached = std::ffi::OsString::from("--sql=");
            attached.push(&arg);
            *out.last_mut().expect("the --sql before") = attached;
        } else {
            out.push(arg);
        }
    }
    out
}

/// Candidates for `-p/--profile`: the profiles of the config file that
/// `--config` on the line being completed, `GLANCE_CONFIG`, or the default
/// place names.
fn profile_candidates(current: &std::ffi::OsStr) -> Vec<clap_complete::CompletionCandidate> {
    let Some(current) = current.to_str() else {
        return Vec::new();
    };
    // The flag on the line being completed, else its variable when set.
    let named = |flag: &str, var: &str| {
        let words = std::env::args_os().filter_map(|arg| arg.into_string().ok());
        flag_on_line(words, flag)
            .or_else(|| std::env::var(var).ok().filter(|v| !v.is_empty()))
            .map(std::path::PathBuf::from)
    };
    let Ok(path) = config::path(named("--config", "GLANCE_CONFIG").as_deref()) else {
        return Vec::new();
    };
    let team_dir = named("--team-dir", "GLANCE_TEAM_DIR");
    config::profile_names(&path, team_dir.as_deref())
        .into_iter()
        .filter(|(name, _)| name.starts_with(current))
        .map(|(name, about)| {
            clap_complete::CompletionCandidate::new(name)
                .help((!about.is_empty()).then(|| about.into()))
        })
        .collect()
}

/// The value `FLAG VALUE` or `FLAG=VALUE` gives among `words` (the last).
fn flag_on_line(words: impl IntoIterator<Item = String>, flag: &str) -> Option<String> {
    let mut found = None;
    let mut words = words.into_iter();
    let joined = format!("{flag}=");
    while let Some(word) = words.next() {
        if word == flag {
            found = words.next().or(found);
        } else if let Some(value) = word.strip_prefix(joined.as_str()) {
            found = Some(value.to_string());
        }
    }
    found.filter(|value| !value.is_empty())
}

/// Reads a prompt budget in tokens, refusing one too small to hold anything.
fn parse_budget(text: &str) -> Result<usize, String> {
    let min = crate::agent::context::MIN_BUDGET;
    match text.trim().parse::<usize>() {
        Ok(n) if n >= min => Ok(n),
        Ok(_) => Err(format!("the budget must be at least {min} tokens")),
        Err(_) => Err(format!("`{text}` is not a number of tokens")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn budgets_have_a_floor() {
        assert_eq!(parse_budget("8000"), Ok(8000));
        assert!(parse_budget("10").is_err());
        assert!(parse_budget("lots").is_err());
    }

    #[test]
    fn sql_may_start_with_a_comment() {
        let args = attach_sql(
            ["glance", "ask", "--sql", "-- note\nselect 1", "--dry-run"].map(Into::into),
        );
        let cli = Cli::try_parse_from(args).unwrap();
        let Some(Command::Ask(ask)) = cli.command else {
            panic!("ask")
        };
        assert_eq!(ask.sql.as_deref(), Some("-- note\nselect 1"));
        assert!(ask.dry_run);
        let args = attach_sql(["glance", "ask", "--sql", "--dry-run"].map(Into::into));
        let cli = Cli::try_parse_from(args).unwrap();
        let Some(Command::Ask(ask)) = cli.command else {
            panic!("ask")
        };
        assert_eq!(ask.sql.as_deref(), Some("-"));
    }

    #[test]
    fn global_options_go_before_or_after_the_subcommand() {
        let a = Cli::try_parse_from(["glance", "-d", "x.db", "ask", "--sql", "select 1"]).unwrap();
        let b = Cli::try_parse_from(["glance", "ask", "--sql", "select 1", "-d", "x.db"]).unwrap();
        assert_eq!(a.global.database, b.global.database);
    }

    #[test]
    fn without_a_command_there_is_none_and_global_options_still_parse() {
        let bare = Cli::try_parse_from(["glance", "--demo"]).unwrap();
        assert!(bare.command.is_none() && bare.global.demo);
        let profile = Cli::try_parse_from(["glance", "-p", "prod"]).unwrap();
        assert_eq!(profile.global.profile.as_deref(), Some("prod"));
        assert!(Cli::try_parse_from(["glance", "nosuchcommand"]).is_err());
    }
}
