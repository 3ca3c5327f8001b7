//! Meta-commands: one table (name, arguments, help, section) and one parser.
//! `\?`, completion and "did you mean" all read [`COMMANDS`].

use crate::catalog::RelationKind;
use crate::render::Expanded;

/// Where a command is listed in `\?`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    General,
    Connection,
    Query,
    Informational,
    Display,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::General => "General",
            Section::Connection => "Connection",
            Section::Query => "Query",
            Section::Informational => "Informational (+ adds detail)",
            Section::Display => "Display",
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
        name: "\\prompt",
        args: "QUESTION",
        help: "show the exact request a question would send to the model",
        section: Section::Query,
    },
    Spec {
        name: "\\reset",
        args: "",
        help: "forget the conversation, so the next question starts fresh",
        section: Section::Query,
    },
    Spec {
        name: "\\model",
        args: "[PROVIDER/MODEL|MODEL]",
        help: "show the provider and model questions go to, or switch for this session",
        section: Section::Query,
    },
    Spec {
        name: "\\log",
        args: "",
        help: "list the statements run in this session",
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
        name: "\\c",
        args: "[PROFILE|URL|PATH]",
        help: "connect elsewhere; alone, list the config's profiles and pick one",
        section: Section::Connection,
    },
    Spec {
        name: "\\conninfo",
        args: "",
        help: "show what glance is connected to",
        section: Section::Connection,
    },
    Spec {
        name: "\\x",
        args: "[on|off|auto]",
        help: "expanded display (one line per column)",
        section: Section::Display,
    },
    Spec {
        name: "\\timing",
        args: "[on|off]",
        help: "show the database time after each result (on by default)",
        section: Section::Display,
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
    /// `None` toggles between on and off.
    Expanded(Option<Expanded>),
    Timing(Option<bool>),
    Log,
    /// `\prompt QUESTION`: the request a question would send.
    Prompt(String),
    /// `\reset`: forget the conversation.
    Reset,
    /// `\model`: show the model; with a choice, switch to it.
    Model(Option<ModelChoice>),
    /// `\c [TARGET]`: switch to a profile or address; alone, pick a profile.
    Connect(Option<String>),
    ConnInfo,
    Help,
    Quit,
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
        "\\reset" => no_argument(word, rest, Meta::Reset),
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
        "\\c" | "\\connect" => Ok(Some(Meta::Connect(argument))),
        "\\conninfo" => no_argument(word, rest, Meta::ConnInfo),
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
        "\\?" | "\\h" | "\\help" => Ok(Some(Meta::Help)),
        "\\q" | "\\quit" => no_argument(word, rest, Meta::Quit),
        _ => Err(unknown(word)),
    }
}

fn no_argument(word: &str, rest: &str, meta: Meta) -> Result<Option<Meta>, String> {
    if rest.is_empty() {
        Ok(Some(meta))
    } else {
        Err(format!("{word} takes no argument (got `{rest}`)"))
    }
}

fn unknown(word: &str) -> String {
    let closest = COMMANDS
        .iter()
        .map(|spec| (edit_distance(word, spec.name), spec.name))
        .min()
        .filter(|(distance, _)| *distance <= 2);
    match closest {
        Some((_, name)) => format!("unknown command {word}; did you mean {name}? (\\? lists all)"),
        None => format!("unknown command {word}; \\? lists the commands"),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// The text of `\?`: commands grouped by section, then the keys.
pub fn help() -> String {
    let mut text = String::new();
    let sections = [
        Section::General,
        Section::Connection,
        Section::Query,
        Section::Informational,
        Section::Display,
    ];
    for section in sections {
        text.push_str(section.title());
        text.push('\n');
        for spec in COMMANDS.iter().filter(|s| s.section == section) {
            let usage = format!("{} {}", spec.name, spec.args);
            text.push_str(&format!("  {:<24} {}\n", usage.trim_end(), spec.help));
        }
        text.push('\n');
    }
    text.push_str(
        "Keys\n\
         \x20 Ctrl-C                   cancel the running statement; clear the line at the prompt\n\
         \x20 Ctrl-D                   quit\n\
         \x20 pager                    Enter/Space/n next, b/p back, g first, G last, N⏎ page N, q stop\n\
         \n\
         Anything else you type is a question for the LLM; in SQL mode (\\sql) it is SQL,\n\
         run when a line ends with `;`.\n",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_name_is_taken_twice() {
        let mut seen = HashSet::new();
        for spec in COMMANDS {
            assert!(seen.insert(spec.name), "{} listed twice", spec.name);
        }
    }

    #[test]
    fn every_listed_command_parses() {
        for spec in COMMANDS {
            let line = match spec.args {
                "QUESTION" => format!("{} how many orders", spec.name),
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
    fn parses_arguments_and_plus() {
        assert_eq!(parse("hello"), Ok(None));
        assert_eq!(parse("?"), Ok(Some(Meta::Help)));
        assert_eq!(
            parse("\\sql select 1;"),
            Ok(Some(Meta::Sql(Some("select 1;".into()))))
        );
        assert_eq!(parse("\\sql"), Ok(Some(Meta::Sql(None))));
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
    fn help_lists_every_command() {
        let text = help();
        for spec in COMMANDS {
            assert!(text.contains(spec.name), "{} missing from help", spec.name);
        }
    }
}
