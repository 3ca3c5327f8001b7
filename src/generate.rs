//! The man page and the shell completion scripts, generated from the clap
//! definitions in `cli` and the meta-command table in `command`, so they
//! can never disagree with `--help` or `\?`. The completion scripts are
//! thin: they ask the binary (`COMPLETE=SHELL glance -- WORDS…`), which
//! completes from the same definitions at the moment of the Tab. The
//! committed copies in `completions/` and `man/` are checked against this
//! output by a test.

use std::io::{self, Write};

use clap::CommandFactory;

use crate::cli::{Cli, EXIT_CODES};
use crate::command::{COMMANDS, Section};

/// The variable that asks the binary for completions instead of running.
const COMPLETE_VAR: &str = "COMPLETE";

/// Writes the completion script for `shell`: a small script that asks the
/// installed glance for the candidates (`COMPLETE=SHELL glance -- WORDS…`),
/// so completion always matches the binary and can offer the config file's
/// profile names after `-p`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> io::Result<()> {
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells
        .completer(&shell.to_string())
        .ok_or_else(|| io::Error::other(format!("no completion for {shell}")))?;
    completer.write_registration(COMPLETE_VAR, "glance", "glance", "glance", out)?;
    if shell == clap_complete::Shell::Zsh {
        // Loaded from $fpath as `_glance`, the file is the completion
        // function itself: complete right away, not only from the next Tab.
        writeln!(
            out,
            "if [ \"$funcstack[1]\" = \"_glance\" ]; then\n    _clap_dynamic_completer_glance \"$@\"\nfi"
        )?;
    }
    out.flush()
}

/// Answers a completion request from a shell script written by
/// [`completions`] and exits; returns at once when there is none. Must run
/// before anything is printed.
pub fn complete_if_asked() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(COMPLETE_VAR)
        .complete();
}

/// Writes the man page (roff): the options and subcommands from the clap
/// definitions, every meta-command from [`COMMANDS`] by section, the
/// environment from [`ENVIRONMENT`], the files, and EXIT STATUS from
/// [`EXIT_CODES`]. It refers to no other glance page.
pub fn man(out: &mut dyn Write) -> io::Result<()> {
    let mut command = Cli::command();
    // Building fills in what the derive leaves implicit (how many values
    // each argument takes), which the COMMANDS section reads.
    command.build();
    let man = clap_mangen::Man::new(command.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    writeln!(out, "{DESCRIPTION}")?;
    man.render_options_section(out)?;
    commands_section(&command, out)?;
    meta_commands_section(out)?;
    writeln!(out, "{SAFETY}")?;
    environment_section(out)?;
    writeln!(out, "{FILES}")?;
    writeln!(out, ".SH \"EXIT STATUS\"")?;
    for line in EXIT_CODES.lines().skip(1) {
        let line = line.trim();
        match line.split_once("  ") {
            Some((code, meaning)) => writeln!(out, ".TP\n{code}\n{}", roff_escape(meaning))?,
            None => writeln!(out, "{}", roff_escape(line))?,
        }
    }
    writeln!(out, "{EXAMPLES}")?;
    writeln!(out, ".SH \"SEE ALSO\"\n\\fBpsql\\fR(1), \\fBsqlite3\\fR(1)")?;
    man.render_version_section(out)?;
    out.flush()
}

/// Prose after the description: how a question travels.
const DESCRIPTION: &str = r#".PP
A question typed at the prompt goes to an LLM together with a summary of the
database's schema; the SQL that comes back is shown, classified by the safety
gate (see SAFETY), confirmed when it writes, run, and its result printed as a
paged table. A line starting with a backslash is a meta\-command (see
META\-COMMANDS), as in \fBpsql\fR(1); \fB\esql\fR runs SQL typed by hand.
.PP
\fBglance ask\fR answers one question, or runs one statement given with
\fB\-\-sql\fR, without prompts, for pipes and scripts."#;

/// Every subcommand with its own options (global options are under
/// OPTIONS), nested subcommands under their parent.
fn commands_section(command: &clap::Command, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, ".SH COMMANDS")?;
    for sub in command.get_subcommands().filter(|sub| shown(sub)) {
        write_command(&["glance"], sub, out)?;
    }
    Ok(())
}

/// Whether a subcommand is documented: not hidden, and not the `help`
/// clap adds.
fn shown(sub: &clap::Command) -> bool {
    !sub.is_hide_set() && sub.get_name() != "help"
}

fn write_command(parents: &[&str], sub: &clap::Command, out: &mut dyn Write) -> io::Result<()> {
    let mut path = parents.to_vec();
    path.push(sub.get_name());
    let mut usage = format!("\\fB{}\\fR", path.join(" "));
    let own = || {
        sub.get_arguments()
            .filter(|arg| !arg.is_global_set() && !arg.is_hide_set())
            .filter(|arg| !matches!(arg.get_id().as_str(), "help" | "version"))
    };
    if own().any(|arg| !arg.is_positional()) {
        usage.push_str(" [\\fIOPTIONS\\fR]");
    }
    for arg in own().filter(|arg| arg.is_positional()) {
        let name = value_name(arg);
        let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
        let shown = format!("\\fI{name}\\fR{}", if many { "..." } else { "" });
        if arg.is_required_set() {
            usage.push_str(&format!(" {shown}"));
        } else {
            usage.push_str(&format!(" [{shown}]"));
        }
    }
    let has_children = sub.get_subcommands().any(shown);
    if has_children {
        usage.push_str(" \\fICOMMAND\\fR");
    }
    writeln!(out, ".SS \"{}\"", path.join(" "))?;
    writeln!(out, "{usage}")?;
    let about = sub
        .get_long_about()
        .or(sub.get_about())
        .map(|text| text.to_string())
        .unwrap_or_default();
    writeln!(out, ".PP\n{}", paragraphs(&about))?;
    for arg in own() {
        let mut head = Vec::new();
        if let Some(short) = arg.get_short() {
            head.push(format!("\\fB\\-{short}\\fR"));
        }
        if let Some(long) = arg.get_long() {
            head.push(format!("\\fB\\-\\-{}\\fR", roff_escape(long)));
        }
        let mut head = head.join(", ");
        let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
        if arg.is_positional() {
            head = format!("\\fI{}\\fR", value_name(arg));
        } else if takes_value {
            let name = value_name(arg);
            let optional = arg.get_num_args().is_some_and(|n| n.min_values() == 0);
            head.push_str(&if optional {
                format!(" [\\fI{name}\\fR]")
            } else {
                format!(" \\fI{name}\\fR")
            });
        }
        let help = arg
            .get_long_help()
            .or(arg.get_help())
            .map(|text| text.to_string())
            .unwrap_or_default();
        let mut help = paragraphs(&help);
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|value| value.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() && takes_value {
            help.push_str(&format!(
                " [default: {}]",
                roff_escape(&defaults.join(", "))
            ));
        }
        let choices: Vec<String> = if arg.is_positional() || takes_value {
            arg.get_possible_values()
                .iter()
                .filter(|value| !value.is_hide_set())
                .map(|value| value.get_name().to_string())
                .collect()
        } else {
            Vec::new()
        };
        if !choices.is_empty() {
            help.push_str(&format!(" [one of: {}]", roff_escape(&choices.join(", "))));
        }
        writeln!(out, ".RS\n.TP\n{head}\n{help}\n.RE")?;
    }
    if has_children {
        for child in sub.get_subcommands().filter(|child| shown(child)) {
            write_command(&path, child, out)?;
        }
    }
    Ok(())
}

/// The name shown for an argument's value.
fn value_name(arg: &clap::Arg) -> String {
    arg.get_value_names()
        .and_then(|names| names.first())
        .map(|name| name.to_string())
        .unwrap_or_else(|| arg.get_id().as_str().to_ascii_uppercase())
}

/// Help text as roff: blank lines become paragraph breaks.
fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| roff_escape(&paragraph.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect::<Vec<_>>()
        .join("\n.IP\n")
}

/// Every meta-command in [`COMMANDS`], grouped by section in the order the
/// sections are declared, as `\?` shows them.
fn meta_commands_section(out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        ".SH META\\-COMMANDS\nIn the interactive session a line starting with a backslash \
         is a meta\\-command; \\fB\\e?\\fR lists them."
    )?;
    let mut sections: Vec<Section> = COMMANDS.iter().map(|spec| spec.section).collect();
    sections.sort();
    sections.dedup();
    for section in sections {
        writeln!(out, ".SS \"{}\"", roff_escape(section.title()))?;
        for spec in COMMANDS.iter().filter(|spec| spec.section == section) {
            let args = if spec.args.is_empty() {
                String::new()
            } else {
                format!(" \\fI{}\\fR", roff_escape(spec.args))
            };
            writeln!(
                out,
                ".TP\n\\fB{}\\fR{args}\n{}",
                roff_escape(spec.name),
                roff_escape(spec.help)
            )?;
        }
    }
    Ok(())
}

const SAFETY: &str = r#".SH SAFETY
Every statement, typed or generated, is parsed and classified before it runs;
the most dangerous statement in a batch decides, and anything that cannot be
parsed counts as destructive.
.TP
\fBread_only\fR
SELECT, EXPLAIN, SHOW and the like. Runs without asking, inside the server
guard: alone, in a READ ONLY transaction with a statement timeout that is
always rolled back (on SQLite, with PRAGMA query_only).
.TP
\fBwrite\fR
INSERT, UPDATE with WHERE, CREATE, SET, functions with side effects. Typed by
hand it runs as typed; written by the model it is shown and asks y/N. \fBglance
ask\fR runs a generated write only with \fB\-\-allow\-write\fR.
.TP
\fBdestructive\fR
DELETE, DROP, TRUNCATE, UPDATE without WHERE, GRANT, reading server files.
Always shows the SQL, the level and the reasons and asks y/N (\fB\-\-yes\fR
skips the question for statements typed by hand). \fBglance ask\fR refuses
with exit status 3 unless \fB\-\-allow\-destructive\fR is given.
.PP
A profile with \fBread_only = true\fR refuses everything but read_only
statements; \fBguard_role\fR names a role the guard switches to (see
\fBglance setup\-reader\fR)."#;

/// Every environment variable glance reads, with what it does; a test
/// checks that the source reads no variable missing here.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("GLANCE_CONFIG", "The config file to read, as --config."),
    ("GLANCE_TEAM_DIR", "The team folder to read, as --team-dir."),
    ("GLANCE_PROVIDER", "The LLM provider, as --provider."),
    ("GLANCE_MODEL", "The model id, as --model."),
    (
        "GLANCE_LLM_TIMEOUT_MS",
        "Connect and read timeout for LLM requests, in milliseconds.",
    ),
    (
        "GLANCE_LLM_MAX_ANSWER_BYTES",
        "The largest answer accepted from the model, in bytes (default 32 MiB).",
    ),
    (
        "GLANCE_LLM_MAX_ANSWER_MS",
        "The longest an answer may take to arrive, in milliseconds (default 10 minutes).",
    ),
    (
        "GLANCE_PAGER_MEMORY",
        "How many bytes of rows the pager keeps in memory before it spills the rest \
         to a private temporary file (default 24 MiB).",
    ),
    (
        "OPENAI_API_KEY",
        "Key for OpenAI; when set, OpenAI is picked if no provider is named.",
    ),
    (
        "OPENAI_BASE_URL",
        "Address of the OpenAI API, or of another OpenAI-compatible server (which may need no key).",
    ),
    ("ANTHROPIC_API_KEY", "Key for Anthropic."),
    ("ANTHROPIC_BASE_URL", "Address of the Anthropic API."),
    ("GEMINI_API_KEY", "Key for Gemini."),
    (
        "GOOGLE_API_KEY",
        "Key for Gemini when GEMINI_API_KEY is not set.",
    ),
    ("GEMINI_BASE_URL", "Address of the Gemini API."),
    ("AZURE_OPENAI_API_KEY", "Key for Azure OpenAI."),
    (
        "AZURE_OPENAI_ENDPOINT",
        "The Azure OpenAI resource, https://RESOURCE.openai.azure.com.",
    ),
    (
        "AZURE_OPENAI_API_VERSION",
        "The Azure OpenAI api-version to ask for.",
    ),
    (
        "OLLAMA_HOST",
        "Address of the Ollama server (default http://localhost:11434).",
    ),
    (
        "PGHOST",
        "PostgreSQL host or socket directory, as for psql.",
    ),
    ("PGPORT", "PostgreSQL port."),
    ("PGUSER", "PostgreSQL user (default: the login name)."),
    (
        "PGDATABASE",
        "PostgreSQL database (default: the user name).",
    ),
    ("PGPASSWORD", "PostgreSQL password."),
    ("PGPASSFILE", "Password file (default ~/.pgpass)."),
    (
        "PGSSLMODE",
        "TLS mode: disable, prefer, require, verify-ca, verify-full.",
    ),
    ("PGSSLROOTCERT", "Certificates to verify the server with."),
    ("PGCONNECT_TIMEOUT", "Seconds to wait for a connection."),
    ("PGAPPNAME", "application_name reported to the server."),
    (
        "PGOPTIONS",
        "Options sent to the server at connection start.",
    ),
    (
        "NO_COLOR",
        "When set and not empty, no colour, as --no-color.",
    ),
    ("TERM", "When dumb, no colour."),
    (
        "VISUAL",
        "The editor \\e opens; EDITOR when unset, then vi.",
    ),
    ("EDITOR", "The editor \\e opens when VISUAL is unset."),
    (
        "XDG_CONFIG_HOME",
        "Where the config directory is (default ~/.config).",
    ),
    (
        "XDG_DATA_HOME",
        "Where the data directory with the history and the demo database is (default ~/.local/share).",
    ),
    ("HOME", "The home directory, for the defaults above."),
    (
        "WAYLAND_DISPLAY",
        "With DISPLAY, TMUX, WSL_DISTRO_NAME and WSL_INTEROP: which clipboard program \\yank uses.",
    ),
    ("DISPLAY", "See WAYLAND_DISPLAY."),
    ("TMUX", "See WAYLAND_DISPLAY."),
    ("WSL_DISTRO_NAME", "See WAYLAND_DISPLAY."),
    ("WSL_INTEROP", "See WAYLAND_DISPLAY."),
];

fn environment_section(out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        ".SH ENVIRONMENT\nAn empty variable counts as unset. Flags win over variables, \
         and variables over the config file."
    )?;
    for (name, meaning) in ENVIRONMENT {
        writeln!(
            out,
            ".TP\n\\fB{}\\fR\n{}",
            roff_escape(name),
            roff_escape(meaning)
        )?;
    }
    Ok(())
}

const FILES: &str = r#".SH FILES
.TP
\fI$XDG_CONFIG_HOME/glance/config.toml\fR (\fI~/.config/glance/config.toml\fR)
The config file: [llm], [providers.NAME], [display], [agent], [query],
[history], [safety], [prices."MODEL"] and the connection profiles
[connections.NAME]. \fBglance config init\fR writes a commented one,
\fBglance config path\fR prints where it is read from, \fB\-\-config\fR or
GLANCE_CONFIG name another.
.TP
\fI.glance/\fR
The team folder, committed with a project and found in the current directory
or a parent (or named by \fB\-\-team\-dir\fR, GLANCE_TEAM_DIR or [team] dir);
one found that belongs to another user (not root) is ignored:
\fIglossary.toml\fR (business terms under [terms], sent to the model),
\fIprofiles.toml\fR ([connections.NAME] without passwords, used only by
name, never as the default; a personal profile of the same name wins),
\fIqueries/\fR and \fIexamples.tsv\fR. A team file with a problem is skipped
with a warning. \fBglance team init\fR [\fIDIR\fR] writes a commented one
(DIR itself, else the folder \fB\-\-team\-dir\fR names, else
\fI./.glance\fR), \fBglance team\fR shows it.
.TP
\fI$XDG_DATA_HOME/glance/history.db\fR (\fI~/.local/share/glance/history.db\fR)
The history: questions, statements, results' sizes, tokens and cost (SQLite).
On macOS the data directory is \fI~/Library/Application Support\fR.
.TP
\fI$XDG_DATA_HOME/glance/queries/NAME.sql\fR
Your saved queries (\fB\ens\fR, \fB\en\fR, \fBglance run\fR), one SQL file each; a
team's are in the team folder's \fIqueries/\fR.
.TP
\fI$XDG_DATA_HOME/glance/line_history\fR
The interactive session's line history (arrow up).
.TP
\fI$XDG_DATA_HOME/glance/demo.sqlite\fR
The demo database \fB\-\-demo\fR opens, created on first use.
.TP
\fI~/.pgpass\fR
PostgreSQL passwords, as for psql (PGPASSFILE names another file)."#;

const EXAMPLES: &str = r#".SH EXAMPLES
.TP
\fBglance \-\-demo\fR
Try glance on the built\-in demo database.
.TP
\fBglance \-d postgres://ann@db.example.com/shop\fR
Open a session on a PostgreSQL database.
.TP
\fBglance \-p prod\fR
Open a session with the profile [connections.prod] from the config file.
.TP
\fBglance ask "how many orders were placed last week?"\fR
Answer one question and exit.
.TP
\fBglance ask \-\-format json \-\-sql "select * from orders limit 5"\fR
Run one statement and print the result as JSON.
.TP
\fBglance ask \-\-dry\-run "delete old sessions"\fR
Show the SQL a question would run, and its safety level, without running it.
.TP
\fBglance setup\-reader glance_reader | psql\fR
Create a role that can only read, for a profile's guard_role."#;

/// Escapes text for a roff body line: backslashes and hyphens, and a
/// leading dot or quote that roff would read as a request.
fn roff_escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> String {
        let mut out = Vec::new();
        man(&mut out).expect("rendered");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn every_meta_command_is_in_the_man_page() {
        let page = page();
        for spec in COMMANDS {
            let entry = format!(".TP\n\\fB{}\\fR", roff_escape(spec.name));
            assert!(
                page.contains(&entry),
                "{} is missing from the man page",
                spec.name
            );
            assert!(
                page.contains(&roff_escape(spec.help)),
                "the help of {} is missing from the man page",
                spec.name
            );
        }
    }

    #[test]
    fn every_subcommand_is_in_the_man_page() {
        let page = page();
        let mut command = Cli::command();
        command.build();
        for sub in command.get_subcommands().filter(|sub| shown(sub)) {
            let heading = format!(".SS \"glance {}\"", sub.get_name());
            assert!(page.contains(&heading), "{heading} is missing");
        }
    }

    /// The page refers only to pages that exist: itself and those of the
    /// tools it stands beside; no `glance-NAME(1)`.
    #[test]
    fn the_man_page_refers_to_no_missing_page() {
        let page = page()
            .replace("\\fB", "")
            .replace("\\fR", "")
            .replace("\\-", "-");
        let mut referred = Vec::new();
        for (at, _) in page.match_indices("(1)") {
            let name: String = page[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            referred.push(name);
        }
        assert!(referred.contains(&"psql".to_string()), "{referred:?}");
        for name in referred {
            assert!(
                ["glance", "psql", "sqlite3"].contains(&name.as_str()),
                "the man page refers to {name}(1), which is not generated"
            );
        }
    }

    /// Variables in the source that look like ones glance reads (the
    /// provider, libpq, XDG and terminal ones) are all documented, and every
    /// documented one is in the page.
    #[test]
    fn every_environment_variable_is_documented() {
        let page = page();
        for (name, _) in ENVIRONMENT {
            assert!(
                page.contains(&format!("\\fB{}\\fR", roff_escape(name))),
                "{name} is missing from the man page"
            );
        }
        let prefixes = [
            "GLANCE_",
            "PG",
            "OLLAMA_",
            "AZURE_",
            "OPENAI_",
            "ANTHROPIC_",
            "GEMINI_",
            "GOOGLE_",
            "XDG_",
            "WSL_",
        ];
        let whole = [
            "NO_COLOR",
            "EDITOR",
            "VISUAL",
            "TERM",
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "TMUX",
            "PAGER",
        ];
        let documented: Vec<&str> = ENVIRONMENT.iter().map(|(name, _)| *name).collect();
        let mut missing = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("src is readable") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if path.extension().is_none_or(|ext| ext != "rs") || path.ends_with("generate.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("a source file");
                for literal in text.split('"').skip(1).step_by(2) {
                    let looks = literal.len() > 2
                        && literal
                            .chars()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                        && (whole.contains(&literal)
                            || prefixes.iter().any(|prefix| literal.starts_with(prefix)));
                    if looks
                        && !literal.starts_with("GLANCE_TEST_")
                        && !documented.contains(&literal)
                    {
                        missing.push(format!("{literal} ({})", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "undocumented variables: {missing:?}");
    }
}
