//! Meta-commands: one table (name, arguments, help, section) and one parser.
//! `\?`, completion and "did you mean" all read [`COMMANDS`].

use crate::catalog::RelationKind;
use crate::export;
use crate::render::{Expanded, Format};
use crate::server_listing::{self, ServerListing};

mod table;

pub use table::{COMMANDS, Section, Spec, is_psql_command};

/// `\design [new] TEXT`.
fn design_command(rest: &str) -> Result<Meta, String> {
    let (new, text) = match rest.split_once(char::is_whitespace) {
        Some(("new", text)) => (true, text.trim()),
        _ if rest == "new" => (true, ""),
        _ => (false, rest),
    };
    if text.is_empty() {
        return Err("\\design needs what to design: \\design [new] TEXT".into());
    }
    Ok(Meta::Design {
        text: text.to_string(),
        new,
    })
}

/// What a describe command lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// `\d`: every kind of relation.
    Relations,
    Kinds(&'static [RelationKind]),
    Schemas,
    Indexes,
}

/// A parsed meta-command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Meta {
    /// `\sql STATEMENT` runs it; `\sql` alone toggles SQL mode.
    Sql(Option<String>),
    /// `\g` (`expanded` false) or `\gx` alone on a line: run the SQL typed
    /// so far, or the last SQL again.
    Go {
        expanded: bool,
    },
    /// `\d NAME`: one relation.
    Describe {
        name: String,
        verbose: bool,
    },
    List {
        listing: Listing,
        pattern: Option<String>,
        verbose: bool,
    },
    /// `\\du`, `\\df`…: a listing the server's catalogs answer (PostgreSQL).
    ServerList {
        listing: ServerListing,
        pattern: Option<String>,
    },
    /// `None` toggles between on and off.
    Expanded(Option<Expanded>),
    Timing(Option<bool>),
    /// `\export FORMAT FILE[!]`: the whole last result into a file;
    /// `overwrite` when the line ends in `!`.
    Export {
        format: Format,
        file: String,
        overwrite: bool,
    },
    /// `\chart [save FILE[!]] [all] [KIND] [X] [Y…]`: the last result as
    /// a chart, drawn or saved as SVG (`!` replaces an existing file); `all`
    /// runs it again to chart every row.
    Chart {
        all: bool,
        request: crate::chart::Request,
        save: Option<SaveAs>,
    },
    /// `\yank [FORM]`: copy to the clipboard.
    Yank(Yank),
    /// `\o FILE` sends results to a file; `\o` alone back to the terminal.
    Output(Option<String>),
    Log,
    /// `\ask QUESTION`: a question for the model, whatever it looks like.
    Ask(String),
    /// `\prompt QUESTION`: the request a question would send.
    Prompt(String),
    /// `\explain [analyze] [SQL]`: the plan of SQL, or of the last statement.
    Explain {
        analyze: bool,
        sql: Option<String>,
    },
    /// `\reset`: forget the conversation.
    Reset,
    /// `\usage`: the session's tokens and cost.
    Usage,
    /// `\model`: show the model; with a choice, switch to it.
    Model(Option<ModelChoice>),
    /// `\slow [ORDER] [N]`: the N slowest statements by ORDER.
    Slow {
        order: crate::analysis::slow::Order,
        limit: usize,
    },
    /// `\indexes health`: what is wrong with the indexes.
    IndexHealth,
    /// `\indexes advise[+] [SQL|N]`: indexes that would make SQL cheaper;
    /// `plans` (`+`) shows the plans before and after.
    IndexAdvise {
        sql: Option<String>,
        plans: bool,
    },
    /// `\design [new] TEXT`: the model designs tables (`new`: start over).
    Design {
        text: String,
        new: bool,
    },
    /// `\describe TABLE …`: the model drafts comments.
    DescribeDraft(crate::analysis::comments::Options),
    /// `\migrate TEXT`: the model writes a migration, glance checks it.
    Migrate(String),
    /// `\docs [-o DIR | DIR] [--coverage] [--format …]`: write the
    /// database's documentation, or its comment coverage.
    Docs(crate::docs::Options),
    /// `\erd [PATTERN] [--out FILE]`: the tables' diagram.
    Erd(crate::erd::Options),
    /// `\indexes advise --workload`: indexes for the top of pg_stat_statements.
    IndexAdviseWorkload,
    /// `\c [TARGET]`: switch to a profile or address; alone, pick a profile.
    Connect(Option<String>),
    /// `\c+ TARGET`: open another connection, keeping the current one.
    ConnectAlso(String),
    /// `\close NAME`: close one open connection.
    Close(String),
    /// `\conns`: list the open connections.
    Conns,
    /// `\tools`: the tools a question may call.
    Tools,
    /// `\tool NAME [JSON]`: call one tool by hand.
    Tool {
        name: String,
        arguments: String,
    },
    /// `\e`: edit the last SQL or question in an editor, then run it.
    Edit,
    ConnInfo,
    /// `\team`: the team folder in use and what it holds.
    Team,
    /// `\history [WORDS]`: recent entries, or those matching every word.
    History(Option<String>),
    /// `\history N`: one entry in full.
    HistoryEntry(i64),
    /// `\good`: keep the last answer as an example.
    Good,
    /// `\bad`: do not keep the last answer (forget it if kept).
    Bad,
    /// `\examples [WORDS]`: the examples, or those matching WORDS.
    Examples(Option<String>),
    /// `\examples rm N`: forget example N.
    ExamplesRemove(crate::recall::Number),
    /// `\rerun N`: run entry N's SQL again, with the rules of whoever wrote it.
    Rerun(i64),
    /// `\n`, `\ns`, `\np`, `\nd`, `\share`: saved queries.
    Saved(crate::saved::command::Command),
    /// `\i FILE` (`relative`: `\ir`, from the directory of the file being read).
    Include {
        file: String,
        relative: bool,
    },
    /// `\watch [SECONDS]`: the last read-only SQL again, every `every`,
    /// at most `count` times.
    Watch {
        every: std::time::Duration,
        count: Option<u64>,
    },
    /// `\copy …`: a table or query to a file, or a file into a table.
    Copy(crate::copy::CopySpec),
    Help,
    Quit,
    /// `\check[+] TABLE|--all`: data-quality checks; `show_sql` with `+`;
    /// with `--export dbt`, the checks that held as dbt tests instead.
    Check {
        options: crate::analysis::check::Options,
        show_sql: bool,
        export: Option<crate::analysis::dbt::Target>,
    },
}

/// What `\yank` copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Yank {
    /// The last result in a format (`Table` when no form is given).
    Result(Format),
    /// The last SQL.
    Sql,
}

/// A model to switch to: `PROVIDER/MODEL`, or `MODEL` at the current
/// provider. Only a known provider name before the first `/` counts as one,
/// so gateway ids like `meta-llama/llama-3.3` stay whole models.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelChoice {
    /// The provider's canonical name, when one was given.
    pub provider: Option<&'static str>,
    pub model: String,
}

impl ModelChoice {
    fn parse(text: &str) -> Result<ModelChoice, String> {
        if let Some(provider) = crate::llm::canonical(text) {
            return Err(format!(
                "\\model: `{text}` is a provider; name a model too, e.g. \\model {provider}/MODEL (`glance models {provider}` lists them)"
            ));
        }
        let (provider, model) = match text.split_once('/') {
            Some((name, model)) => match crate::llm::canonical(name) {
                Some(provider) => (Some(provider), model.trim()),
                None => (None, text),
            },
            None => (None, text),
        };
        if model.is_empty() || model.contains(char::is_whitespace) {
            return Err(format!(
                "\\model: `{text}` is not a model; write e.g. \\model gpt-5 or \\model ollama/llama3.2"
            ));
        }
        Ok(ModelChoice {
            provider,
            model: model.to_string(),
        })
    }
}

const TABLES: &[RelationKind] = &[RelationKind::Table, RelationKind::PartitionedTable];
const VIEWS: &[RelationKind] = &[RelationKind::View];
const MATVIEWS: &[RelationKind] = &[RelationKind::MaterializedView];

/// `\explain`'s argument: an optional leading `analyze`, then the SQL.
fn explain(rest: &str) -> Meta {
    let (first, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let analyze = first.eq_ignore_ascii_case("analyze");
    let sql = if analyze { after.trim() } else { rest };
    Meta::Explain {
        analyze,
        sql: (!sql.is_empty()).then(|| sql.to_string()),
    }
}

/// Parses a line. `Ok(None)` when the line is not a meta-command.
pub fn parse(line: &str) -> Result<Option<Meta>, String> {
    let line = line.trim();
    if line == "?" {
        return Ok(Some(Meta::Help));
    }
    if !line.starts_with('\\') {
        return Ok(None);
    }
    let (word, rest) = match line.find(char::is_whitespace) {
        Some(at) => (&line[..at], line[at..].trim()),
        None => (line, ""),
    };
    let argument = (!rest.is_empty()).then(|| rest.to_string());
    let (base, verbose) = match word.strip_suffix('+') {
        Some(base) if base.starts_with("\\d") => (base, true),
        _ => (word, false),
    };
    let server_list = |listing| {
        Ok(Some(Meta::ServerList {
            listing,
            pattern: argument.clone(),
        }))
    };
    let list = |listing| {
        Ok(Some(Meta::List {
            listing,
            pattern: argument.clone(),
            verbose,
        }))
    };
    match base {
        "\\sql" => Ok(Some(Meta::Sql(argument))),
        "\\log" => no_argument(word, rest, Meta::Log),
        "\\prompt" => match argument {
            Some(question) => Ok(Some(Meta::Prompt(question))),
            None => {
                Err("\\prompt needs a question, e.g. \\prompt how many orders are there".into())
            }
        },
        "\\ask" => match argument {
            Some(question) => Ok(Some(Meta::Ask(question))),
            None => Err("\\ask needs a question, e.g. \\ask show me the top customers".into()),
        },
        "\\explain" => Ok(Some(explain(rest))),
        "\\reset" => no_argument(word, rest, Meta::Reset),
        "\\usage" => no_argument(word, rest, Meta::Usage),
        "\\e" | "\\edit" => no_argument(word, rest, Meta::Edit),
        "\\g" => no_argument(word, rest, Meta::Go { expanded: false }),
        "\\gx" => no_argument(word, rest, Meta::Go { expanded: true }),
        "\\model" => match argument {
            None => Ok(Some(Meta::Model(None))),
            Some(text) => ModelChoice::parse(&text).map(|choice| Some(Meta::Model(Some(choice)))),
        },
        "\\d" => match &argument {
            Some(name) if !name.contains(['*', '?']) => Ok(Some(Meta::Describe {
                name: name.clone(),
                verbose,
            })),
            _ => list(Listing::Relations),
        },
        "\\dt" => list(Listing::Kinds(TABLES)),
        "\\dv" => list(Listing::Kinds(VIEWS)),
        "\\dm" => list(Listing::Kinds(MATVIEWS)),
        "\\dn" => list(Listing::Schemas),
        "\\di" => list(Listing::Indexes),
        "\\ds" => server_list(server_listing::SEQUENCES),
        "\\dT" => server_list(server_listing::TYPES),
        "\\df" => server_list(server_listing::FUNCTIONS),
        "\\dx" => server_list(server_listing::EXTENSIONS),
        "\\dd" => server_list(server_listing::DESCRIPTIONS),
        "\\du" => server_list(server_listing::ROLES),
        "\\l" | "\\list" => server_list(server_listing::DATABASES),
        "\\slow" => slow_command(rest).map(Some),
        "\\docs" => crate::docs::Options::parse(rest).map(|options| Some(Meta::Docs(options))),
        "\\erd" => crate::erd::Options::parse(rest).map(|options| Some(Meta::Erd(options))),
        "\\design" => design_command(rest).map(Some),
        "\\describe" => crate::analysis::comments::Options::parse(rest)
            .map(|options| Some(Meta::DescribeDraft(options))),
        "\\indexes" => indexes_command(rest).map(Some),
        "\\migrate" if rest.is_empty() => Err(
            "\\migrate needs the change in words: \\migrate add a soft delete column to customers"
                .into(),
        ),
        "\\migrate" => Ok(Some(Meta::Migrate(rest.to_string()))),
        "\\c" | "\\connect" => Ok(Some(Meta::Connect(argument))),
        "\\conninfo" => no_argument(word, rest, Meta::ConnInfo),
        "\\team" => no_argument(word, rest, Meta::Team),
        "\\c+" => argument
            .map(|target| Some(Meta::ConnectAlso(target)))
            .ok_or_else(|| {
                "\\c+ needs a profile or an address, e.g. \\c+ staging or \\c+ postgres://…/shop"
                    .into()
            }),
        "\\conns" => no_argument(word, rest, Meta::Conns),
        "\\tools" => no_argument(word, rest, Meta::Tools),
        "\\tool" => match rest.split_once(char::is_whitespace) {
            _ if rest.is_empty() => Err(
                "\\tool needs a tool's name, e.g. \\tool list_tables {}; \\tools lists them".into(),
            ),
            Some((name, arguments)) => Ok(Some(Meta::Tool {
                name: name.to_string(),
                arguments: arguments.trim().to_string(),
            })),
            None => Ok(Some(Meta::Tool {
                name: rest.to_string(),
                arguments: String::new(),
            })),
        },
        "\\close" => argument.map(|name| Some(Meta::Close(name))).ok_or_else(|| {
            "\\close needs the name of an open connection; \\conns lists them".into()
        }),
        "\\x" => match rest {
            "" => Ok(Some(Meta::Expanded(None))),
            "on" => Ok(Some(Meta::Expanded(Some(Expanded::On)))),
            "off" => Ok(Some(Meta::Expanded(Some(Expanded::Off)))),
            "auto" => Ok(Some(Meta::Expanded(Some(Expanded::Auto)))),
            other => Err(format!("\\x: unknown value `{other}`; use on, off or auto")),
        },
        "\\timing" => match rest {
            "" => Ok(Some(Meta::Timing(None))),
            "on" => Ok(Some(Meta::Timing(Some(true)))),
            "off" => Ok(Some(Meta::Timing(Some(false)))),
            other => Err(format!("\\timing: unknown value `{other}`; use on or off")),
        },
        "\\history" => Ok(Some(match entry_number(rest) {
            Some(number) => Meta::HistoryEntry(number),
            None => Meta::History(argument),
        })),
        "\\rerun" => match (entry_number(rest), rest) {
            (Some(number), _) => Ok(Some(Meta::Rerun(number))),
            (None, "") => Err(RERUN_USAGE.into()),
            (None, other) => Err(format!("`{other}` is not a history entry: {RERUN_USAGE}")),
        },
        "\\n" | "\\ns" | "\\np" | "\\nd" | "\\share" => {
            crate::saved::command::parse(base, rest).map(|command| Some(Meta::Saved(command)))
        }
        "\\good" => no_argument(word, rest, Meta::Good),
        "\\bad" => no_argument(word, rest, Meta::Bad),
        "\\examples" => examples_command(rest, argument),
        "\\export" => export_command(rest).map(Some),
        "\\chart" => chart_command(rest).map(Some),
        "\\yank" => match rest {
            "" | "table" => Ok(Some(Meta::Yank(Yank::Result(Format::Table)))),
            "sql" => Ok(Some(Meta::Yank(Yank::Sql))),
            form => match export::format_named(form) {
                Some(format) => Ok(Some(Meta::Yank(Yank::Result(format)))),
                None => Err(format!(
                    "\\yank: unknown form `{form}`; use table, sql, or {}",
                    export::FORMAT_NAMES
                )),
            },
        },
        "\\o" | "\\out" => Ok(Some(Meta::Output(
            (!rest.is_empty()).then(|| unquote(rest).to_string()),
        ))),
        "\\i" | "\\include" | "\\ir" | "\\include_relative" => match unquote(rest) {
            "" => Err(format!("{word} needs a file name, e.g. {word} setup.sql")),
            file => Ok(Some(Meta::Include {
                file: file.to_string(),
                relative: word.ends_with('r') || word.ends_with("relative"),
            })),
        },
        "\\watch" => watch_command(rest).map(Some),
        "\\copy" => crate::copy::parse(rest).map(|spec| Some(Meta::Copy(spec))),
        "\\?" | "\\h" | "\\help" => Ok(Some(Meta::Help)),
        "\\check" | "\\check+" => parse_check(rest, base == "\\check+"),
        "\\q" | "\\quit" => no_argument(word, rest, Meta::Quit),
        _ => Err(unknown(word)),
    }
}

const RERUN_USAGE: &str =
    "\\rerun needs the number of a history entry, e.g. \\rerun 12 (\\history lists them)";

/// A history entry number: digits only, at least 1.
fn entry_number(text: &str) -> Option<i64> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|n| *n > 0)
}

/// `\examples [WORDS]` or `\examples rm N` (`N` a kept pair's number, or
/// `tN` for a team example).
fn examples_command(rest: &str, argument: Option<String>) -> Result<Option<Meta>, String> {
    let usage = "e.g. \\examples rm 3 (the numbers are those \\examples lists)";
    let Some(number) = rest
        .strip_prefix("rm")
        .filter(|n| n.is_empty() || n.starts_with(' '))
    else {
        return Ok(Some(Meta::Examples(argument)));
    };
    let number = number.trim();
    let parsed = match number.strip_prefix('t') {
        Some(team) => entry_number(team).map(crate::recall::Number::Team),
        None => entry_number(number).map(crate::recall::Number::Kept),
    };
    match (parsed, number) {
        (Some(parsed), _) => Ok(Some(Meta::ExamplesRemove(parsed))),
        (None, "") => Err(format!("\\examples rm needs a number: {usage}")),
        (None, other) => Err(format!("`{other}` is not an example number: {usage}")),
    }
}

/// `\chart`'s words: `save FILE[!]` first, then `all`, then a kind, then
/// the X column and the Y columns (a first word that is no kind is the X
/// column).
fn chart_command(rest: &str) -> Result<Meta, String> {
    let rest = rest.trim_start();
    let saved = rest
        .split_once(char::is_whitespace)
        .filter(|(word, _)| word.eq_ignore_ascii_case("save"))
        .map(|(_, after)| after.trim_start())
        .or_else(|| rest.eq_ignore_ascii_case("save").then_some(""));
    let (save, rest) = match saved {
        None => (None, rest),
        Some(after) => {
            let (file, overwrite, rest) = leading_file(after);
            if file.is_empty() {
                return Err(
                    "\\chart save needs a file, e.g. \\chart save revenue.svg (end with ! to replace it)"
                        .into(),
                );
            }
            let save = SaveAs {
                file: file.to_string(),
                overwrite,
            };
            (Some(save), rest)
        }
    };
    let mut words = rest.split_whitespace().peekable();
    let all = words.next_if(|w| w.eq_ignore_ascii_case("all")).is_some();
    let kind = words.peek().and_then(|w| crate::chart::Kind::parse(w));
    if kind.is_some() {
        words.next();
    }
    let x = words.next().map(str::to_string);
    let y = words.map(str::to_string).collect();
    Ok(Meta::Chart {
        all,
        request: crate::chart::Request { kind, x, y },
        save,
    })
}

/// A file a chart is saved to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveAs {
    pub file: String,
    /// Replace the file when it exists (the name ended in `!`).
    pub overwrite: bool,
}

/// `FORMAT FILE`, with a `!` at the very end to replace an existing file.
/// The file name is the rest of the line (spaces allowed), in quotes or not.
fn export_command(rest: &str) -> Result<Meta, String> {
    let usage = "e.g. \\export csv out.csv (end with ! to replace an existing file)";
    let (name, file) = match rest.find(char::is_whitespace) {
        Some(at) => (&rest[..at], rest[at..].trim()),
        None => (rest, ""),
    };
    if name.is_empty() {
        return Err(format!(
            "\\export needs a format ({}) and a file, {usage}",
            export::FORMAT_NAMES
        ));
    }
    let format = export::format_named(name).ok_or_else(|| {
        format!(
            "\\export: unknown format `{name}`; use {}",
            export::FORMAT_NAMES
        )
    })?;
    let (file, overwrite) = match file.strip_suffix('!') {
        Some(file) => (file.trim_end(), true),
        None => (file, false),
    };
    let file = unquote(file);
    if file.is_empty() {
        return Err(format!("\\export {name} needs a file name, {usage}"));
    }
    Ok(Meta::Export {
        format,
        file: file.to_string(),
        overwrite,
    })
}

/// `\indexes health`, `\indexes advise[+] [SQL|N]` or `\indexes advise
/// --workload`.
fn indexes_command(rest: &str) -> Result<Meta, String> {
    const USAGE: &str =
        "use \\indexes health, \\indexes advise [SQL|N], or \\indexes advise --workload";
    let (action, sql) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let sql = sql.trim();
    match action {
        "health" if sql.is_empty() => Ok(Meta::IndexHealth),
        "advise" if sql == "--workload" => Ok(Meta::IndexAdviseWorkload),
        "advise+" if sql == "--workload" => {
            Err("\\indexes advise --workload shows no plans: drop the +".into())
        }
        "advise" | "advise+" => Ok(Meta::IndexAdvise {
            sql: (!sql.is_empty()).then(|| sql.to_string()),
            plans: action == "advise+",
        }),
        "" => Err(format!("\\indexes needs what to do; {USAGE}")),
        _ => Err(format!("\\indexes: unknown action `{rest}`; {USAGE}")),
    }
}

/// `\slow [total|mean|io] [N]`, in either order.
fn slow_command(rest: &str) -> Result<Meta, String> {
    use crate::analysis::slow::{DEFAULT_LIMIT, Order};
    const USAGE: &str = "use \\slow [total|mean|io] [N], e.g. \\slow mean 5";
    let mut order = None;
    let mut limit = None;
    for word in rest.split_whitespace() {
        match (Order::named(word), word.parse::<usize>()) {
            (Some(named), _) if order.is_none() => order = Some(named),
            (_, Ok(n)) if n > 0 && limit.is_none() => limit = Some(n),
            _ => return Err(format!("\\slow: unexpected `{word}`; {USAGE}")),
        }
    }
    Ok(Meta::Slow {
        order: order.unwrap_or_default(),
        limit: limit.unwrap_or(usize::from(DEFAULT_LIMIT)),
    })
}

/// `\watch [SECONDS] [i=SECONDS] [c=COUNT]`, as psql takes them.
fn watch_command(rest: &str) -> Result<Meta, String> {
    let usage = "e.g. \\watch 5, \\watch i=0.5 or \\watch 2 c=10";
    let mut every = std::time::Duration::from_secs(2);
    let mut count = None;
    for word in rest.split_whitespace() {
        if let Some(n) = word.strip_prefix("c=") {
            count = Some(
                n.parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("\\watch: `{n}` is not a count of runs, {usage}"))?,
            );
            continue;
        }
        let seconds = word.strip_prefix("i=").unwrap_or(word);
        every = seconds
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0 && *s <= 86_400.0 * 365.0)
            .map(std::time::Duration::from_secs_f64)
            .ok_or_else(|| format!("\\watch: `{word}` is not a number of seconds, {usage}"))?;
    }
    Ok(Meta::Watch { every, count })
}

/// `'a b'` or `"a b"` → `a b`; anything else as it is.
/// The file at the start of `text`, whether `!` follows it (replace an
/// existing file), and the rest: a name in quotes, spaces allowed (quotes
/// as `\export` takes them), or else the first word.
fn leading_file(text: &str) -> (&str, bool, &str) {
    let quoted = ['\'', '"'].into_iter().find_map(|quote| {
        let inner = text.strip_prefix(quote)?;
        inner
            .find(quote)
            .map(|end| (&inner[..end], &inner[end + 1..]))
    });
    let (file, rest) = quoted.unwrap_or_else(|| {
        let end = text.find(char::is_whitespace).unwrap_or(text.len());
        (&text[..end], &text[end..])
    });
    match (rest.strip_prefix('!'), file.strip_suffix('!')) {
        (Some(rest), _) => (file, true, rest),
        (None, Some(file)) if quoted.is_none() => (file, true, rest),
        _ => (file, false, rest),
    }
}

fn unquote(text: &str) -> &str {
    for quote in ['\'', '"'] {
        if let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) {
            return inner;
        }
    }
    text
}

/// `\check`'s arguments: a table or `--all`, then `--exact` or
/// `--sample PCT`, and last `--export dbt` with an optional file (the rest
/// of the line, as with `\export`; `!` at the end replaces it).
fn parse_check(rest: &str, show_sql: bool) -> Result<Option<Meta>, String> {
    const USAGE: &str =
        "usage: \\check TABLE|--all [--exact|--sample PCT] [--export dbt [FILE[!]]]";
    let mut options = crate::analysis::check::Options::default();
    let mut all = false;
    let (rest, export) = match rest.split_once("--export") {
        Some((before, after)) if before.is_empty() || before.ends_with(char::is_whitespace) => {
            let after = after.trim();
            let file = match after.split_once(char::is_whitespace) {
                Some(("dbt", file)) => file.trim(),
                _ if after == "dbt" => "",
                _ => {
                    return Err(format!(
                        "--export takes dbt, then a file or nothing for the screen; {USAGE}"
                    ));
                }
            };
            let (file, overwrite) = match file.strip_suffix('!') {
                Some(file) => (file.trim_end(), true),
                None => (file, false),
            };
            let file = unquote(file);
            if show_sql {
                return Err(format!(
                    "\\check+ shows the SQL of findings, --export writes tests: use one; {USAGE}"
                ));
            }
            let target = crate::analysis::dbt::Target {
                file: (!file.is_empty()).then(|| file.to_string()),
                overwrite,
            };
            (before, Some(target))
        }
        _ => (rest, None),
    };
    let mut words = rest.split_whitespace();
    while let Some(word) = words.next() {
        match word {
            "--all" => all = true,
            "--exact" => options.exact = true,
            "--sample" => {
                let pct = words.next().and_then(|pct| pct.parse::<u32>().ok());
                match pct {
                    Some(pct @ 1..=100) => options.sample = Some(pct),
                    _ => {
                        return Err(format!(
                            "--sample needs a whole percentage from 1 to 100; {USAGE}"
                        ));
                    }
                }
            }
            _ if word.starts_with("--") => return Err(format!("unknown option {word}; {USAGE}")),
            _ if options.table.is_none() => options.table = Some(word.to_string()),
            _ => return Err(format!("\\check takes one table; {USAGE}")),
        }
    }
    if all == options.table.is_some() {
        return Err(format!("name one table or --all; {USAGE}"));
    }
    if options.exact && options.sample.is_some() {
        return Err(format!("--exact and --sample exclude each other; {USAGE}"));
    }
    Ok(Some(Meta::Check {
        options,
        show_sql,
        export,
    }))
}

fn no_argument(word: &str, rest: &str, meta: Meta) -> Result<Option<Meta>, String> {
    if rest.is_empty() {
        Ok(Some(meta))
    } else {
        Err(format!("{word} takes no argument (got `{rest}`)"))
    }
}

/// Whether `word` (`\name`, without arguments) is a meta-command: a
/// plugin of that name is reachable only by `\tool`.
pub fn is_command(word: &str) -> bool {
    parse(word) != Err(unknown(word))
}

fn unknown(word: &str) -> String {
    let closest = COMMANDS
        .iter()
        .map(|spec| (strsim::levenshtein(word, spec.name), spec.name))
        .min()
        .filter(|(distance, _)| *distance <= 2);
    match closest {
        Some((_, name)) => format!("unknown command {word}; did you mean {name}? (\\? lists all)"),
        None => format!("unknown command {word}; \\? lists the commands"),
    }
}

/// The keys listed at the end of `\?`.
const KEYS: &[(&str, &str)] = &[
    (
        "Tab",
        "complete a command, table, column, keyword or profile name",
    ),
    (
        "Ctrl-C",
        "cancel the running statement; clear the line at the prompt",
    ),
    ("Ctrl-D", "quit"),
    (
        "pager",
        "Enter/Space/n next, b/p back, g first, G last, N⏎ page N, q stop",
    ),
];

/// The text of `\?`: one heading per section (in [`Section`] order), the
/// commands under it in aligned columns, then the keys.
pub fn help() -> String {
    let usage = |spec: &Spec| {
        format!("{} {}", spec.name, spec.args)
            .trim_end()
            .to_string()
    };
    let width = COMMANDS
        .iter()
        .map(|spec| usage(spec).len())
        .max()
        .unwrap_or(0);
    let mut sections: Vec<Section> = COMMANDS.iter().map(|spec| spec.section).collect();
    sections.sort();
    sections.dedup();
    let mut text = String::new();
    for section in sections {
        text.push_str(section.title());
        text.push('\n');
        for spec in COMMANDS.iter().filter(|s| s.section == section) {
            text.push_str(&format!("  {:<width$}  {}\n", usage(spec), spec.help));
        }
        text.push('\n');
    }
    text.push_str("Keys\n");
    for (key, help) in KEYS {
        text.push_str(&format!("  {key:<width$}  {help}\n"));
    }
    text.push_str(
        "\nA line that reads as SQL (its first word starts a statement, such as select, with,\n\
         insert or show, and it parses) runs as SQL when it ends with `;`; without one, lines\n\
         are collected under the `->` prompt until one does. Anything else is a question for\n\
         the LLM. \\ask forces a question, \\sql forces SQL; in SQL mode (\\sql alone) every\n\
         line is SQL. The prompt shows =*> inside a transaction, =!> inside a failed one.\n",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psql_commands_glance_lacks_are_recognised() {
        for (name, psql) in [
            ("set", true),
            ("echo", true),
            ("s", true),
            ("w", true),
            ("dS", true),
            ("dt+", true),
            ("dfS+", true),
            ("dtx", true),
            ("dconfig", true),
            ("keep", false),
            ("dashboard", false),
            ("metric", false),
            ("sets", false),
        ] {
            assert_eq!(is_psql_command(name), psql, "{name}");
        }
    }
    use std::collections::HashSet;

    #[test]
    fn no_name_is_taken_twice() {
        let mut seen = HashSet::new();
        for spec in COMMANDS {
            assert!(seen.insert(spec.name), "{} listed twice", spec.name);
        }
    }

    #[test]
    fn check_takes_a_table_or_all_and_exact_or_a_sample() {
        use crate::analysis::check::Options;
        let check = |line| match parse(line) {
            Ok(Some(Meta::Check {
                options,
                show_sql,
                export: None,
            })) => Ok((options, show_sql)),
            other => Err(format!("{other:?}")),
        };
        assert_eq!(
            check("\\check orders"),
            Ok((
                Options {
                    table: Some("orders".into()),
                    ..Options::default()
                },
                false
            ))
        );
        assert_eq!(
            check("\\check+ --all --sample 5"),
            Ok((
                Options {
                    sample: Some(5),
                    ..Options::default()
                },
                true
            ))
        );
        assert_eq!(
            check("\\check --exact orders").map(|(o, _)| o.exact),
            Ok(true)
        );
        for bad in [
            "\\check",
            "\\check orders --all",
            "\\check a b",
            "\\check --all --sample 0",
            "\\check --all --sample x",
            "\\check --all --exact --sample 5",
            "\\check --all --fast",
            "\\check --all --export",
            "\\check --all --export csv out.csv",
            "\\check+ --all --export dbt",
            "\\check --export dbt",
        ] {
            assert!(parse(bad).is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn check_export_takes_dbt_and_a_file_to_the_end_of_the_line() {
        use crate::analysis::dbt::Target;
        let export = |line| match parse(line) {
            Ok(Some(Meta::Check {
                options, export, ..
            })) => Ok((options.exact, export)),
            other => Err(format!("{other:?}")),
        };
        let target = |file: Option<&str>, overwrite| Target {
            file: file.map(str::to_string),
            overwrite,
        };
        assert_eq!(
            export("\\check --all --exact --export dbt"),
            Ok((true, Some(target(None, false))))
        );
        assert_eq!(
            export("\\check orders --export dbt models/my schema.yml!"),
            Ok((false, Some(target(Some("models/my schema.yml"), true))))
        );
        assert_eq!(
            export("\\check --all --export dbt 'out.yml'"),
            Ok((false, Some(target(Some("out.yml"), false))))
        );
    }

    #[test]
    fn migrate_takes_the_change_in_words() {
        assert!(matches!(
            parse("\\migrate add a soft delete column"),
            Ok(Some(Meta::Migrate(text))) if text == "add a soft delete column"
        ));
        let missing = parse("\\migrate").unwrap_err();
        assert!(missing.contains("needs the change in words"), "{missing}");
    }

    #[test]
    fn design_refines_unless_new() {
        let design = |line: &str| {
            parse(line).map(|m| match m {
                Some(Meta::Design { text, new }) => Some((text, new)),
                _ => None,
            })
        };
        assert_eq!(
            design("\\design loans need a due date"),
            Ok(Some(("loans need a due date".to_string(), false)))
        );
        assert_eq!(
            design("\\design new a library"),
            Ok(Some(("a library".to_string(), true)))
        );
        assert_eq!(
            design("\\design newsletters and readers"),
            Ok(Some(("newsletters and readers".to_string(), false)))
        );
        assert!(design("\\design").is_err() && design("\\design new").is_err());
    }

    #[test]
    fn every_listed_command_parses() {
        for spec in COMMANDS {
            let line = match spec.args {
                "QUESTION" => format!("{} how many orders", spec.name),
                "N" => format!("{} 1", spec.name),
                "health | advise[+] [SQL|N] | advise --workload" => {
                    format!("{} health", spec.name)
                }
                "FORMAT FILE[!]" => format!("{} csv out.csv", spec.name),
                "FILE" => format!("{} script.sql", spec.name),
                "TABLE to|from FILE [csv]" => format!("{} items to 'items.csv' csv", spec.name),
                "TABLE|--all [--exact|--sample PCT] [--export dbt [FILE[!]]]" => {
                    format!("{} --all", spec.name)
                }
                "TABLE [--all] [--export sql|tbls] [-o FILE]" => format!("{} orders", spec.name),
                "TEXT" => format!("{} add a soft delete column to customers", spec.name),
                "[new] TEXT" => format!("{} a library", spec.name),
                "NAME" | "NAME [SQL|N]" | "NAME [JSON]" => format!("{} q", spec.name),
                "PROFILE|URL|PATH" => format!("{} shop.db", spec.name),
                _ => spec.name.to_string(),
            };
            assert!(
                matches!(parse(&line), Ok(Some(_))),
                "{} does not parse",
                spec.name
            );
        }
    }

    #[test]
    fn connection_commands_need_their_argument() {
        assert!(matches!(parse("\\c+ staging"), Ok(Some(Meta::ConnectAlso(t))) if t == "staging"));
        assert!(matches!(parse("\\close shop-2"), Ok(Some(Meta::Close(n))) if n == "shop-2"));
        assert!(matches!(parse("\\conns"), Ok(Some(Meta::Conns))));
        assert_eq!(parse("\\tools"), Ok(Some(Meta::Tools)));
        assert_eq!(
            parse("\\tool weather {\"city\": \"Oslo\"}"),
            Ok(Some(Meta::Tool {
                name: "weather".into(),
                arguments: "{\"city\": \"Oslo\"}".into()
            }))
        );
        assert!(parse("\\tool").is_err());
        assert!(parse("\\c+").unwrap_err().contains("profile or an address"));
        assert!(parse("\\close").unwrap_err().contains("\\conns lists them"));
        assert!(parse("\\conns x").is_err());
    }

    #[test]
    fn meta_commands_are_known_whatever_their_arguments() {
        for word in ["\\dt", "\\tool", "\\c", "\\include", "\\q"] {
            assert!(is_command(word), "{word}");
        }
        for word in ["\\metric", "\\toolz", "\\keep"] {
            assert!(!is_command(word), "{word}");
        }
    }

    #[test]
    fn parses_arguments_and_plus() {
        assert_eq!(parse("hello"), Ok(None));
        assert_eq!(parse("?"), Ok(Some(Meta::Help)));
        assert_eq!(
            parse("\\sql select 1;"),
            Ok(Some(Meta::Sql(Some("select 1;".into()))))
        );
        assert_eq!(parse("\\sql"), Ok(Some(Meta::Sql(None))));
        assert_eq!(
            parse("\\explain"),
            Ok(Some(Meta::Explain {
                analyze: false,
                sql: None
            }))
        );
        assert_eq!(
            parse("\\explain ANALYZE"),
            Ok(Some(Meta::Explain {
                analyze: true,
                sql: None
            }))
        );
        assert_eq!(
            parse("\\explain analyze  select 1"),
            Ok(Some(Meta::Explain {
                analyze: true,
                sql: Some("select 1".into())
            }))
        );
        assert_eq!(
            parse("\\explain analyzed_rows"),
            Ok(Some(Meta::Explain {
                analyze: false,
                sql: Some("analyzed_rows".into())
            }))
        );
        assert_eq!(parse("\\g"), Ok(Some(Meta::Go { expanded: false })));
        assert_eq!(parse(" \\gx "), Ok(Some(Meta::Go { expanded: true })));
        assert_eq!(
            parse("\\d+ orders"),
            Ok(Some(Meta::Describe {
                name: "orders".into(),
                verbose: true
            }))
        );
        assert_eq!(
            parse("\\dt+ public.*"),
            Ok(Some(Meta::List {
                listing: Listing::Kinds(TABLES),
                pattern: Some("public.*".into()),
                verbose: true
            }))
        );
        assert_eq!(
            parse("\\d order*"),
            Ok(Some(Meta::List {
                listing: Listing::Relations,
                pattern: Some("order*".into()),
                verbose: false
            }))
        );
        assert_eq!(
            parse("\\x auto"),
            Ok(Some(Meta::Expanded(Some(Expanded::Auto))))
        );
        assert_eq!(parse("\\timing off"), Ok(Some(Meta::Timing(Some(false)))));
    }

    #[test]
    fn slow_takes_an_order_and_a_count_in_either_order() {
        use crate::analysis::slow::{DEFAULT_LIMIT, Order};
        let slow = |order, limit| Ok(Some(Meta::Slow { order, limit }));
        assert_eq!(
            parse("\\slow"),
            slow(Order::Total, usize::from(DEFAULT_LIMIT))
        );
        assert_eq!(
            parse("\\slow io"),
            slow(Order::Io, usize::from(DEFAULT_LIMIT))
        );
        assert_eq!(parse("\\slow mean 5"), slow(Order::Mean, 5));
        assert_eq!(parse("\\slow 3 mean"), slow(Order::Mean, 3));
        for wrong in ["\\slow 0", "\\slow fast", "\\slow mean io", "\\slow 2 3"] {
            assert!(
                parse(wrong)
                    .unwrap_err()
                    .contains("\\slow [total|mean|io] [N]")
            );
        }
    }

    #[test]
    fn indexes_takes_health_or_advise_with_a_statement_or_number() {
        let advise = |sql: Option<&str>, plans| {
            Ok(Some(Meta::IndexAdvise {
                sql: sql.map(str::to_string),
                plans,
            }))
        };
        assert_eq!(parse("\\indexes health"), Ok(Some(Meta::IndexHealth)));
        assert_eq!(parse("\\indexes advise"), advise(None, false));
        assert_eq!(parse("\\indexes advise+ 2"), advise(Some("2"), true));
        assert_eq!(
            parse("\\indexes advise  select * from t where a = 1"),
            advise(Some("select * from t where a = 1"), false)
        );
        assert_eq!(
            parse("\\indexes advise --workload"),
            Ok(Some(Meta::IndexAdviseWorkload))
        );
        assert!(
            parse("\\indexes advise+ --workload")
                .unwrap_err()
                .contains("drop the +")
        );
        for wrong in ["\\indexes", "\\indexes heal", "\\indexes health now"] {
            assert!(
                parse(wrong)
                    .unwrap_err()
                    .contains("\\indexes advise [SQL|N]"),
                "{wrong}"
            );
        }
    }

    #[test]
    fn include_and_watch_take_psql_arguments() {
        use std::time::Duration;
        assert_eq!(
            parse("\\i 'my file.sql'"),
            Ok(Some(Meta::Include {
                file: "my file.sql".into(),
                relative: false
            }))
        );
        assert_eq!(
            parse("\\ir lib/a.sql"),
            Ok(Some(Meta::Include {
                file: "lib/a.sql".into(),
                relative: true
            }))
        );
        assert!(parse("\\i").is_err());
        let watch = |every: f64, count| {
            Ok(Some(Meta::Watch {
                every: Duration::from_secs_f64(every),
                count,
            }))
        };
        assert_eq!(parse("\\watch"), watch(2.0, None));
        assert_eq!(parse("\\watch 0.5"), watch(0.5, None));
        assert_eq!(parse("\\watch i=3 c=4"), watch(3.0, Some(4)));
        assert!(parse("\\watch soon").is_err());
        assert!(parse("\\watch -1").is_err());
        assert!(parse("\\watch c=0").is_err());
    }

    #[test]
    fn psql_listings_parse_to_server_queries_with_their_pattern() {
        let cases = [
            ("\\du", server_listing::ROLES),
            ("\\dx", server_listing::EXTENSIONS),
            ("\\l", server_listing::DATABASES),
            ("\\list", server_listing::DATABASES),
            ("\\ds", server_listing::SEQUENCES),
            ("\\dT", server_listing::TYPES),
            ("\\df", server_listing::FUNCTIONS),
            ("\\dd", server_listing::DESCRIPTIONS),
        ];
        for (line, listing) in cases {
            assert_eq!(
                parse(&format!("{line} billing.*")),
                Ok(Some(Meta::ServerList {
                    listing,
                    pattern: Some("billing.*".into())
                })),
                "{line}"
            );
        }
        assert_eq!(
            parse("\\du"),
            Ok(Some(Meta::ServerList {
                listing: server_listing::ROLES,
                pattern: None
            }))
        );
    }

    #[test]
    fn parses_export_yank_and_output() {
        let export = |format, file: &str, overwrite| {
            Ok(Some(Meta::Export {
                format,
                file: file.into(),
                overwrite,
            }))
        };
        assert_eq!(
            parse("\\export csv out.csv"),
            export(Format::Csv, "out.csv", false)
        );
        assert_eq!(
            parse("\\export json ~/out.json!"),
            export(Format::Json, "~/out.json", true)
        );
        assert_eq!(
            parse("\\export md my report.md !"),
            export(Format::Markdown, "my report.md", true)
        );
        assert_eq!(
            parse("\\export ndjson 'a b.ndjson'"),
            export(Format::Ndjson, "a b.ndjson", false)
        );
        assert_eq!(
            parse("\\yank"),
            Ok(Some(Meta::Yank(Yank::Result(Format::Table))))
        );
        assert_eq!(
            parse("\\yank csv"),
            Ok(Some(Meta::Yank(Yank::Result(Format::Csv))))
        );
        assert_eq!(
            parse("\\yank json"),
            Ok(Some(Meta::Yank(Yank::Result(Format::Json))))
        );
        assert_eq!(parse("\\yank sql"), Ok(Some(Meta::Yank(Yank::Sql))));
        assert_eq!(parse("\\o"), Ok(Some(Meta::Output(None))));
        assert_eq!(
            parse("\\o results.txt"),
            Ok(Some(Meta::Output(Some("results.txt".into()))))
        );
    }

    #[test]
    fn export_errors_say_what_is_missing() {
        let err = parse("\\export").unwrap_err();
        assert!(
            err.contains("needs a format") && err.contains("csv, json"),
            "{err}"
        );
        let err = parse("\\export xlsx out.xlsx").unwrap_err();
        assert!(
            err.contains("unknown format `xlsx`") && err.contains("ndjson"),
            "{err}"
        );
        let err = parse("\\export csv").unwrap_err();
        assert!(err.contains("needs a file name"), "{err}");
        let err = parse("\\export csv !").unwrap_err();
        assert!(err.contains("needs a file name"), "{err}");
        let err = parse("\\yank xml").unwrap_err();
        assert!(err.contains("unknown form `xml`"), "{err}");
    }

    #[test]
    fn model_choices_name_a_provider_only_when_it_is_one() {
        assert_eq!(parse("\\model"), Ok(Some(Meta::Model(None))));
        let choice = |provider: Option<&'static str>, model: &str| {
            Ok(Some(Meta::Model(Some(ModelChoice {
                provider,
                model: model.into(),
            }))))
        };
        assert_eq!(parse("\\model gpt-5"), choice(None, "gpt-5"));
        assert_eq!(
            parse("\\model ollama/llama3.2:latest"),
            choice(Some("ollama"), "llama3.2:latest")
        );
        assert_eq!(
            parse("\\model google/gemini-2.5-pro"),
            choice(Some("gemini"), "gemini-2.5-pro")
        );
        assert_eq!(
            parse("\\model meta-llama/llama-3.3-70b"),
            choice(None, "meta-llama/llama-3.3-70b")
        );
        assert_eq!(
            parse("\\model openai/anthropic/claude-sonnet-5"),
            choice(Some("openai"), "anthropic/claude-sonnet-5")
        );
        let error = parse("\\model Google").expect_err("a bare provider");
        assert!(error.contains("\\model gemini/MODEL"), "{error}");
        for bad in ["\\model ollama/", "\\model gpt 5"] {
            let error = parse(bad).expect_err(bad);
            assert!(error.contains("\\model gpt-5"), "{error}");
        }
    }

    #[test]
    fn unknown_commands_suggest_the_closest() {
        let err = parse("\\dtt").unwrap_err();
        assert!(err.contains("did you mean \\dt"), "{err}");
        assert!(parse("\\x sideways").is_err());
        assert!(parse("\\q now").is_err());
        assert!(parse("\\prompt").is_err());
    }

    #[test]
    fn history_takes_a_number_or_words_and_rerun_a_number() {
        assert_eq!(parse("\\history"), Ok(Some(Meta::History(None))));
        assert_eq!(parse("\\history 12"), Ok(Some(Meta::HistoryEntry(12))));
        assert_eq!(
            parse("\\history orders by month"),
            Ok(Some(Meta::History(Some("orders by month".into()))))
        );
        assert_eq!(
            parse("\\history 12 orders"),
            Ok(Some(Meta::History(Some("12 orders".into()))))
        );
        assert_eq!(parse("\\rerun 3"), Ok(Some(Meta::Rerun(3))));
        assert_eq!(parse("\\good"), Ok(Some(Meta::Good)));
        assert_eq!(parse("\\bad"), Ok(Some(Meta::Bad)));
        assert!(parse("\\good now").is_err());
        assert_eq!(parse("\\examples"), Ok(Some(Meta::Examples(None))));
        assert_eq!(
            parse("\\examples orders by month"),
            Ok(Some(Meta::Examples(Some("orders by month".into()))))
        );
        assert_eq!(
            parse("\\examples rmdir"),
            Ok(Some(Meta::Examples(Some("rmdir".into()))))
        );
        assert_eq!(
            parse("\\examples rm 4"),
            Ok(Some(Meta::ExamplesRemove(crate::recall::Number::Kept(4))))
        );
        assert_eq!(
            parse("\\examples rm t2"),
            Ok(Some(Meta::ExamplesRemove(crate::recall::Number::Team(2))))
        );
        for bad in ["\\examples rm", "\\examples rm x", "\\examples rm 0"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        for bad in [
            "\\rerun",
            "\\rerun x",
            "\\rerun 0",
            "\\rerun -1",
            "\\rerun 99999999999999999999",
        ] {
            let error = parse(bad).unwrap_err();
            assert!(
                error.contains("needs the number of a history entry"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn help_lists_every_command() {
        let text = help();
        for spec in COMMANDS {
            assert!(text.contains(spec.name), "{} missing from help", spec.name);
        }
    }

    #[test]
    fn help_groups_commands_under_one_heading_per_section_in_order() {
        let text = help();
        let headings: Vec<&str> = text
            .lines()
            .filter(|line| !line.is_empty() && !line.starts_with(' '))
            .collect();
        let mut sections: Vec<Section> = COMMANDS.iter().map(|spec| spec.section).collect();
        sections.sort();
        sections.dedup();
        let mut expected: Vec<&str> = sections.iter().map(|s| s.title()).collect();
        expected.push("Keys");
        assert_eq!(headings[..expected.len()], expected[..]);
        for spec in COMMANDS {
            let heading = text
                .lines()
                .take_while(|line| !line.starts_with(&format!("  {} ", spec.name)))
                .filter(|line| !line.is_empty() && !line.starts_with(' '))
                .last();
            assert_eq!(heading, Some(spec.section.title()), "{}", spec.name);
        }
        let columns: Vec<usize> = COMMANDS
            .iter()
            .map(|spec| {
                let line = text
                    .lines()
                    .find(|line| line.starts_with(&format!("  {} ", spec.name)))
                    .unwrap_or_default();
                line.find(spec.help).unwrap_or_default()
            })
            .chain(KEYS.iter().map(|(key, help)| {
                let line = text.lines().find(|l| l.contains(key)).unwrap_or_default();
                line.find(help).unwrap_or_default()
            }))
            .collect();
        assert!(
            columns.windows(2).all(|pair| pair[0] == pair[1]),
            "descriptions start in one column: {columns:?}"
        );
    }

    #[test]
    fn chart_save_takes_a_quoted_file_with_spaces() {
        let saved = |line: &str| match parse(line) {
            Ok(Some(Meta::Chart { save, request, .. })) => (save, request),
            other => panic!("{other:?}"),
        };
        let (save, request) = saved("\\chart save '/tmp/sp ace.svg' bar status");
        assert_eq!(
            save,
            Some(SaveAs {
                file: "/tmp/sp ace.svg".into(),
                overwrite: false
            })
        );
        assert_eq!(request.x.as_deref(), Some("status"));
        let (save, _) = saved("\\chart save \"a b.svg\"!");
        assert_eq!(
            save.map(|s| (s.file, s.overwrite)),
            Some(("a b.svg".into(), true))
        );
        let (save, request) = saved("\\chart save out.svg! all");
        assert_eq!(
            save.map(|s| (s.file, s.overwrite)),
            Some(("out.svg".into(), true))
        );
        assert_eq!(request.kind, None);
        assert!(parse("\\chart save").unwrap_err().contains("needs a file"));
    }
}
