# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_glance_global_optspecs
    string join \n d/database= p/profile= W/password w/no-password config= no-history format= no-color demo statement-timeout= y/yes provider= model= context-tokens= share-samples retries= h/help V/version
end

function __fish_glance_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_glance_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_glance_using_subcommand
    set -l cmd (__fish_glance_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c glance -n "__fish_glance_needs_command" -s d -l database -d 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql\'s defaults' -r
complete -c glance -n "__fish_glance_needs_command" -s p -l profile -d 'Connection profile from the config file ([connections.NAME])' -r
complete -c glance -n "__fish_glance_needs_command" -l config -d 'Config file to read instead of ~/.config/glance/config.toml' -r -F
complete -c glance -n "__fish_glance_needs_command" -l format -d 'Output format for results' -r -f -a "table\t'Aligned table (paged on a terminal)'
expanded\t'One record per block, one line per column (psql\'s \\x)'
csv\t'RFC 4180 CSV with a header row'
json\t'One JSON document with columns, rows and counts'
ndjson\t'One JSON object per row, one per line'
markdown\t'GitHub-flavoured Markdown table'"
complete -c glance -n "__fish_glance_needs_command" -l statement-timeout -d 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file\'s]' -r
complete -c glance -n "__fish_glance_needs_command" -l provider -d 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)' -r
complete -c glance -n "__fish_glance_needs_command" -l model -d 'Model id for questions (default: the provider\'s default model)' -r
complete -c glance -n "__fish_glance_needs_command" -l context-tokens -d 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file\'s]' -r
complete -c glance -n "__fish_glance_needs_command" -l retries -d 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file\'s]' -r
complete -c glance -n "__fish_glance_needs_command" -s W -l password -d 'Ask for the PostgreSQL password on the terminal before connecting (and at each \\c), as psql -W does. Ignored for SQLite'
complete -c glance -n "__fish_glance_needs_command" -s w -l no-password -d 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one'
complete -c glance -n "__fish_glance_needs_command" -l no-history -d 'Do not read or write the history database or the line history'
complete -c glance -n "__fish_glance_needs_command" -l no-color -d 'Never colour output (the NO_COLOR variable does the same)'
complete -c glance -n "__fish_glance_needs_command" -l demo -d 'Open the built-in demo database (a small shop, in SQLite)'
complete -c glance -n "__fish_glance_needs_command" -s y -l yes -d 'Do not ask before destructive statements typed by hand'
complete -c glance -n "__fish_glance_needs_command" -l share-samples -d 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine'
complete -c glance -n "__fish_glance_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c glance -n "__fish_glance_needs_command" -s V -l version -d 'Print version'
complete -c glance -n "__fish_glance_needs_command" -f -a "repl" -d 'Interactive session: ask questions, or type SQL after \\sql (the default when no command is given)'
complete -c glance -n "__fish_glance_needs_command" -f -a "ask" -d 'Answer one question, or run one statement with --sql, without prompts'
complete -c glance -n "__fish_glance_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c glance -n "__fish_glance_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c glance -n "__fish_glance_needs_command" -f -a "usage" -d 'Tokens and cost of questions over the last days, per provider and model, from the history'
complete -c glance -n "__fish_glance_needs_command" -f -a "models" -d 'List the models a provider offers (default: the configured one); the model questions go to is marked'
complete -c glance -n "__fish_glance_needs_command" -f -a "setup-reader" -d 'Print the SQL that creates a role for a profile\'s guard_role: it can read every table and nothing else (pg_read_all_data on PostgreSQL 14 and later, SELECT grants before), and cannot log in unless --login. glance runs nothing; pipe it to psql as a superuser'
complete -c glance -n "__fish_glance_needs_command" -f -a "config" -d 'Create, locate or show the config file'
complete -c glance -n "__fish_glance_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c glance -n "__fish_glance_using_subcommand repl" -s d -l database -d 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql\'s defaults' -r
complete -c glance -n "__fish_glance_using_subcommand repl" -s p -l profile -d 'Connection profile from the config file ([connections.NAME])' -r
complete -c glance -n "__fish_glance_using_subcommand repl" -l config -d 'Config file to read instead of ~/.config/glance/config.toml' -r -F
complete -c glance -n "__fish_glance_using_subcommand repl" -l format -d 'Output format for results' -r -f -a "table\t'Aligned table (paged on a terminal)'
expanded\t'One record per block, one line per column (psql\'s \\x)'
csv\t'RFC 4180 CSV with a header row'
json\t'One JSON document with columns, rows and counts'
ndjson\t'One JSON object per row, one per line'
markdown\t'GitHub-flavoured Markdown table'"
complete -c glance -n "__fish_glance_using_subcommand repl" -l statement-timeout -d 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand repl" -l provider -d 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)' -r
complete -c glance -n "__fish_glance_using_subcommand repl" -l model -d 'Model id for questions (default: the provider\'s default model)' -r
complete -c glance -n "__fish_glance_using_subcommand repl" -l context-tokens -d 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand repl" -l retries -d 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand repl" -s W -l password -d 'Ask for the PostgreSQL password on the terminal before connecting (and at each \\c), as psql -W does. Ignored for SQLite'
complete -c glance -n "__fish_glance_using_subcommand repl" -s w -l no-password -d 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one'
complete -c glance -n "__fish_glance_using_subcommand repl" -l no-history -d 'Do not read or write the history database or the line history'
complete -c glance -n "__fish_glance_using_subcommand repl" -l no-color -d 'Never colour output (the NO_COLOR variable does the same)'
complete -c glance -n "__fish_glance_using_subcommand repl" -l demo -d 'Open the built-in demo database (a small shop, in SQLite)'
complete -c glance -n "__fish_glance_using_subcommand repl" -s y -l yes -d 'Do not ask before destructive statements typed by hand'
complete -c glance -n "__fish_glance_using_subcommand repl" -l share-samples -d 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine'
complete -c glance -n "__fish_glance_using_subcommand repl" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c glance -n "__fish_glance_using_subcommand repl" -s V -l version -d 'Print version'
complete -c glance -n "__fish_glance_using_subcommand ask" -l sql -d 'Run this SQL instead of asking a question; without a value (or with "-") the SQL is read from stdin. It may start with a -- comment' -r
complete -c glance -n "__fish_glance_using_subcommand ask" -s d -l database -d 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql\'s defaults' -r
complete -c glance -n "__fish_glance_using_subcommand ask" -s p -l profile -d 'Connection profile from the config file ([connections.NAME])' -r
complete -c glance -n "__fish_glance_using_subcommand ask" -l config -d 'Config file to read instead of ~/.config/glance/config.toml' -r -F
complete -c glance -n "__fish_glance_using_subcommand ask" -l format -d 'Output format for results' -r -f -a "table\t'Aligned table (paged on a terminal)'
expanded\t'One record per block, one line per column (psql\'s \\x)'
csv\t'RFC 4180 CSV with a header row'
json\t'One JSON document with columns, rows and counts'
ndjson\t'One JSON object per row, one per line'
markdown\t'GitHub-flavoured Markdown table'"
complete -c glance -n "__fish_glance_using_subcommand ask" -l statement-timeout -d 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand ask" -l provider -d 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)' -r
complete -c glance -n "__fish_glance_using_subcommand ask" -l model -d 'Model id for questions (default: the provider\'s default model)' -r
complete -c glance -n "__fish_glance_using_subcommand ask" -l context-tokens -d 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand ask" -l retries -d 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand ask" -l dry-run -d 'Print the SQL (generated for a question, or given with --sql) and its safety verdict, and run nothing'
complete -c glance -n "__fish_glance_using_subcommand ask" -l allow-destructive -d 'Run destructive statements (DROP, DELETE, TRUNCATE…) without a terminal to confirm them'
complete -c glance -n "__fish_glance_using_subcommand ask" -l allow-write -d 'Run writes (INSERT, UPDATE…) the model wrote without a terminal to confirm them'
complete -c glance -n "__fish_glance_using_subcommand ask" -l show-prompt -d 'Print the exact request that would go to the model, and exit without calling it'
complete -c glance -n "__fish_glance_using_subcommand ask" -l timings -d 'Print on stderr where glance\'s time went: start-up, connect, introspection, context, LLM, database and render, and glance\'s own share (everything but the LLM and the database)'
complete -c glance -n "__fish_glance_using_subcommand ask" -s W -l password -d 'Ask for the PostgreSQL password on the terminal before connecting (and at each \\c), as psql -W does. Ignored for SQLite'
complete -c glance -n "__fish_glance_using_subcommand ask" -s w -l no-password -d 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one'
complete -c glance -n "__fish_glance_using_subcommand ask" -l no-history -d 'Do not read or write the history database or the line history'
complete -c glance -n "__fish_glance_using_subcommand ask" -l no-color -d 'Never colour output (the NO_COLOR variable does the same)'
complete -c glance -n "__fish_glance_using_subcommand ask" -l demo -d 'Open the built-in demo database (a small shop, in SQLite)'
complete -c glance -n "__fish_glance_using_subcommand ask" -s y -l yes -d 'Do not ask before destructive statements typed by hand'
complete -c glance -n "__fish_glance_using_subcommand ask" -l share-samples -d 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine'
complete -c glance -n "__fish_glance_using_subcommand ask" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c glance -n "__fish_glance_using_subcommand ask" -s V -l version -d 'Print version'
complete -c glance -n "__fish_glance_using_subcommand completions" -s d -l database -d 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql\'s defaults' -r
complete -c glance -n "__fish_glance_using_subcommand completions" -s p -l profile -d 'Connection profile from the config file ([connections.NAME])' -r
complete -c glance -n "__fish_glance_using_subcommand completions" -l config -d 'Config file to read instead of ~/.config/glance/config.toml' -r -F
complete -c glance -n "__fish_glance_using_subcommand completions" -l format -d 'Output format for results' -r -f -a "table\t'Aligned table (paged on a terminal)'
expanded\t'One record per block, one line per column (psql\'s \\x)'
csv\t'RFC 4180 CSV with a header row'
json\t'One JSON document with columns, rows and counts'
ndjson\t'One JSON object per row, one per line'
markdown\t'GitHub-flavoured Markdown table'"
complete -c glance -n "__fish_glance_using_subcommand completions" -l statement-timeout -d 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand completions" -l provider -d 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)' -r
complete -c glance -n "__fish_glance_using_subcommand completions" -l model -d 'Model id for questions (default: the provider\'s default model)' -r
complete -c glance -n "__fish_glance_using_subcommand completions" -l context-tokens -d 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand completions" -l retries -d 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand completions" -s W -l password -d 'Ask for the PostgreSQL password on the terminal before connecting (and at each \\c), as psql -W does. Ignored for SQLite'
complete -c glance -n "__fish_glance_using_subcommand completions" -s w -l no-password -d 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one'
complete -c glance -n "__fish_glance_using_subcommand completions" -l no-history -d 'Do not read or write the history database or the line history'
complete -c glance -n "__fish_glance_using_subcommand completions" -l no-color -d 'Never colour output (the NO_COLOR variable does the same)'
complete -c glance -n "__fish_glance_using_subcommand completions" -l demo -d 'Open the built-in demo database (a small shop, in SQLite)'
complete -c glance -n "__fish_glance_using_subcommand completions" -s y -l yes -d 'Do not ask before destructive statements typed by hand'
complete -c glance -n "__fish_glance_using_subcommand completions" -l share-samples -d 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine'
complete -c glance -n "__fish_glance_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c glance -n "__fish_glance_using_subcommand completions" -s V -l version -d 'Print version'
complete -c glance -n "__fish_glance_using_subcommand man" -s d -l database -d 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql\'s defaults' -r
complete -c glance -n "__fish_glance_using_subcommand man" -s p -l profile -d 'Connection profile from the config file ([connections.NAME])' -r
complete -c glance -n "__fish_glance_using_subcommand man" -l config -d 'Config file to read instead of ~/.config/glance/config.toml' -r -F
complete -c glance -n "__fish_glance_using_subcommand man" -l format -d 'Output format for results' -r -f -a "table\t'Aligned table (paged on a terminal)'
expanded\t'One record per block, one line per column (psql\'s \\x)'
csv\t'RFC 4180 CSV with a header row'
json\t'One JSON document with columns, rows and counts'
ndjson\t'One JSON object per row, one per line'
markdown\t'GitHub-flavoured Markdown table'"
complete -c glance -n "__fish_glance_using_subcommand man" -l statement-timeout -d 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand man" -l provider -d 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)' -r
complete -c glance -n "__fish_glance_using_subcommand man" -l model -d 'Model id for questions (default: the provider\'s default model)' -r
complete -c glance -n "__fish_glance_using_subcommand man" -l context-tokens -d 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand man" -l retries -d 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand man" -s W -l password -d 'Ask for the PostgreSQL password on the terminal before connecting (and at each \\c), as psql -W does. Ignored for SQLite'
complete -c glance -n "__fish_glance_using_subcommand man" -s w -l no-password -d 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one'
complete -c glance -n "__fish_glance_using_subcommand man" -l no-history -d 'Do not read or write the history database or the line history'
complete -c glance -n "__fish_glance_using_subcommand man" -l no-color -d 'Never colour output (the NO_COLOR variable does the same)'
complete -c glance -n "__fish_glance_using_subcommand man" -l demo -d 'Open the built-in demo database (a small shop, in SQLite)'
complete -c glance -n "__fish_glance_using_subcommand man" -s y -l yes -d 'Do not ask before destructive statements typed by hand'
complete -c glance -n "__fish_glance_using_subcommand man" -l share-samples -d 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine'
complete -c glance -n "__fish_glance_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c glance -n "__fish_glance_using_subcommand man" -s V -l version -d 'Print version'
complete -c glance -n "__fish_glance_using_subcommand usage" -l days -d 'How many days back to count' -r
complete -c glance -n "__fish_glance_using_subcommand usage" -s d -l database -d 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql\'s defaults' -r
complete -c glance -n "__fish_glance_using_subcommand usage" -s p -l profile -d 'Connection profile from the config file ([connections.NAME])' -r
complete -c glance -n "__fish_glance_using_subcommand usage" -l config -d 'Config file to read instead of ~/.config/glance/config.toml' -r -F
complete -c glance -n "__fish_glance_using_subcommand usage" -l format -d 'Output format for results' -r -f -a "table\t'Aligned table (paged on a terminal)'
expanded\t'One record per block, one line per column (psql\'s \\x)'
csv\t'RFC 4180 CSV with a header row'
json\t'One JSON document with columns, rows and counts'
ndjson\t'One JSON object per row, one per line'
markdown\t'GitHub-flavoured Markdown table'"
complete -c glance -n "__fish_glance_using_subcommand usage" -l statement-timeout -d 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand usage" -l provider -d 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)' -r
complete -c glance -n "__fish_glance_using_subcommand usage" -l model -d 'Model id for questions (default: the provider\'s default model)' -r
complete -c glance -n "__fish_glance_using_subcommand usage" -l context-tokens -d 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand usage" -l retries -d 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand usage" -s W -l password -d 'Ask for the PostgreSQL password on the terminal before connecting (and at each \\c), as psql -W does. Ignored for SQLite'
complete -c glance -n "__fish_glance_using_subcommand usage" -s w -l no-password -d 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one'
complete -c glance -n "__fish_glance_using_subcommand usage" -l no-history -d 'Do not read or write the history database or the line history'
complete -c glance -n "__fish_glance_using_subcommand usage" -l no-color -d 'Never colour output (the NO_COLOR variable does the same)'
complete -c glance -n "__fish_glance_using_subcommand usage" -l demo -d 'Open the built-in demo database (a small shop, in SQLite)'
complete -c glance -n "__fish_glance_using_subcommand usage" -s y -l yes -d 'Do not ask before destructive statements typed by hand'
complete -c glance -n "__fish_glance_using_subcommand usage" -l share-samples -d 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine'
complete -c glance -n "__fish_glance_using_subcommand usage" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c glance -n "__fish_glance_using_subcommand usage" -s V -l version -d 'Print version'
complete -c glance -n "__fish_glance_using_subcommand models" -s d -l database -d 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql\'s defaults' -r
complete -c glance -n "__fish_glance_using_subcommand models" -s p -l profile -d 'Connection profile from the config file ([connections.NAME])' -r
complete -c glance -n "__fish_glance_using_subcommand models" -l config -d 'Config file to read instead of ~/.config/glance/config.toml' -r -F
complete -c glance -n "__fish_glance_using_subcommand models" -l format -d 'Output format for results' -r -f -a "table\t'Aligned table (paged on a terminal)'
expanded\t'One record per block, one line per column (psql\'s \\x)'
csv\t'RFC 4180 CSV with a header row'
json\t'One JSON document with columns, rows and counts'
ndjson\t'One JSON object per row, one per line'
markdown\t'GitHub-flavoured Markdown table'"
complete -c glance -n "__fish_glance_using_subcommand models" -l statement-timeout -d 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand models" -l model -d 'Model id for questions (default: the provider\'s default model)' -r
complete -c glance -n "__fish_glance_using_subcommand models" -l context-tokens -d 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand models" -l retries -d 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand models" -s W -l password -d 'Ask for the PostgreSQL password on the terminal before connecting (and at each \\c), as psql -W does. Ignored for SQLite'
complete -c glance -n "__fish_glance_using_subcommand models" -s w -l no-password -d 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one'
complete -c glance -n "__fish_glance_using_subcommand models" -l no-history -d 'Do not read or write the history database or the line history'
complete -c glance -n "__fish_glance_using_subcommand models" -l no-color -d 'Never colour output (the NO_COLOR variable does the same)'
complete -c glance -n "__fish_glance_using_subcommand models" -l demo -d 'Open the built-in demo database (a small shop, in SQLite)'
complete -c glance -n "__fish_glance_using_subcommand models" -s y -l yes -d 'Do not ask before destructive statements typed by hand'
complete -c glance -n "__fish_glance_using_subcommand models" -l share-samples -d 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine'
complete -c glance -n "__fish_glance_using_subcommand models" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c glance -n "__fish_glance_using_subcommand models" -s V -l version -d 'Print version'
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -s d -l database -d 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql\'s defaults' -r
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -s p -l profile -d 'Connection profile from the config file ([connections.NAME])' -r
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -l config -d 'Config file to read instead of ~/.config/glance/config.toml' -r -F
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -l format -d 'Output format for results' -r -f -a "table\t'Aligned table (paged on a terminal)'
expanded\t'One record per block, one line per column (psql\'s \\x)'
csv\t'RFC 4180 CSV with a header row'
json\t'One JSON document with columns, rows and counts'
ndjson\t'One JSON object per row, one per line'
markdown\t'GitHub-flavoured Markdown table'"
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -l statement-timeout -d 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -l provider -d 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)' -r
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -l model -d 'Model id for questions (default: the provider\'s default model)' -r
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -l context-tokens -d 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -l retries -d 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -l login -d 'Let the role log in (LOGIN); by default it cannot, since glance only switches to it inside the read-only guard'
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -s W -l password -d 'Ask for the PostgreSQL password on the terminal before connecting (and at each \\c), as psql -W does. Ignored for SQLite'
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -s w -l no-password -d 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one'
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -l no-history -d 'Do not read or write the history database or the line history'
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -l no-color -d 'Never colour output (the NO_COLOR variable does the same)'
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -l demo -d 'Open the built-in demo database (a small shop, in SQLite)'
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -s y -l yes -d 'Do not ask before destructive statements typed by hand'
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -l share-samples -d 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine'
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c glance -n "__fish_glance_using_subcommand setup-reader" -s V -l version -d 'Print version'
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -s d -l database -d 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql\'s defaults' -r
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -s p -l profile -d 'Connection profile from the config file ([connections.NAME])' -r
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -l config -d 'Config file to read instead of ~/.config/glance/config.toml' -r -F
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -l format -d 'Output format for results' -r -f -a "table\t'Aligned table (paged on a terminal)'
expanded\t'One record per block, one line per column (psql\'s \\x)'
csv\t'RFC 4180 CSV with a header row'
json\t'One JSON document with columns, rows and counts'
ndjson\t'One JSON object per row, one per line'
markdown\t'GitHub-flavoured Markdown table'"
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -l statement-timeout -d 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -l provider -d 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)' -r
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -l model -d 'Model id for questions (default: the provider\'s default model)' -r
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -l context-tokens -d 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -l retries -d 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -s W -l password -d 'Ask for the PostgreSQL password on the terminal before connecting (and at each \\c), as psql -W does. Ignored for SQLite'
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -s w -l no-password -d 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one'
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -l no-history -d 'Do not read or write the history database or the line history'
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -l no-color -d 'Never colour output (the NO_COLOR variable does the same)'
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -l demo -d 'Open the built-in demo database (a small shop, in SQLite)'
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -s y -l yes -d 'Do not ask before destructive statements typed by hand'
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -l share-samples -d 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine'
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -s V -l version -d 'Print version'
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -f -a "init" -d 'Write a commented template to the config file\'s place (never over an existing file)'
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -f -a "path" -d 'Print where the config file is read from'
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -f -a "show" -d 'Print the settings in effect, merged from flags, environment, the file and defaults, with passwords redacted'
complete -c glance -n "__fish_glance_using_subcommand config; and not __fish_seen_subcommand_from init path show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -s d -l database -d 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql\'s defaults' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -s p -l profile -d 'Connection profile from the config file ([connections.NAME])' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -l config -d 'Config file to read instead of ~/.config/glance/config.toml' -r -F
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -l format -d 'Output format for results' -r -f -a "table\t'Aligned table (paged on a terminal)'
expanded\t'One record per block, one line per column (psql\'s \\x)'
csv\t'RFC 4180 CSV with a header row'
json\t'One JSON document with columns, rows and counts'
ndjson\t'One JSON object per row, one per line'
markdown\t'GitHub-flavoured Markdown table'"
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -l statement-timeout -d 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -l provider -d 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -l model -d 'Model id for questions (default: the provider\'s default model)' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -l context-tokens -d 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -l retries -d 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -s W -l password -d 'Ask for the PostgreSQL password on the terminal before connecting (and at each \\c), as psql -W does. Ignored for SQLite'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -s w -l no-password -d 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -l no-history -d 'Do not read or write the history database or the line history'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -l no-color -d 'Never colour output (the NO_COLOR variable does the same)'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -l demo -d 'Open the built-in demo database (a small shop, in SQLite)'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -s y -l yes -d 'Do not ask before destructive statements typed by hand'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -l share-samples -d 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -s d -l database -d 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql\'s defaults' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -s p -l profile -d 'Connection profile from the config file ([connections.NAME])' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'Config file to read instead of ~/.config/glance/config.toml' -r -F
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -l format -d 'Output format for results' -r -f -a "table\t'Aligned table (paged on a terminal)'
expanded\t'One record per block, one line per column (psql\'s \\x)'
csv\t'RFC 4180 CSV with a header row'
json\t'One JSON document with columns, rows and counts'
ndjson\t'One JSON object per row, one per line'
markdown\t'GitHub-flavoured Markdown table'"
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -l statement-timeout -d 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -l provider -d 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -l model -d 'Model id for questions (default: the provider\'s default model)' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -l context-tokens -d 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -l retries -d 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -s W -l password -d 'Ask for the PostgreSQL password on the terminal before connecting (and at each \\c), as psql -W does. Ignored for SQLite'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -s w -l no-password -d 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -l no-history -d 'Do not read or write the history database or the line history'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -l no-color -d 'Never colour output (the NO_COLOR variable does the same)'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -l demo -d 'Open the built-in demo database (a small shop, in SQLite)'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -s y -l yes -d 'Do not ask before destructive statements typed by hand'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -l share-samples -d 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -s d -l database -d 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql\'s defaults' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -s p -l profile -d 'Connection profile from the config file ([connections.NAME])' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Config file to read instead of ~/.config/glance/config.toml' -r -F
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -l format -d 'Output format for results' -r -f -a "table\t'Aligned table (paged on a terminal)'
expanded\t'One record per block, one line per column (psql\'s \\x)'
csv\t'RFC 4180 CSV with a header row'
json\t'One JSON document with columns, rows and counts'
ndjson\t'One JSON object per row, one per line'
markdown\t'GitHub-flavoured Markdown table'"
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -l statement-timeout -d 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -l provider -d 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -l model -d 'Model id for questions (default: the provider\'s default model)' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -l context-tokens -d 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -l retries -d 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file\'s]' -r
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -s W -l password -d 'Ask for the PostgreSQL password on the terminal before connecting (and at each \\c), as psql -W does. Ignored for SQLite'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -s w -l no-password -d 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -l no-history -d 'Do not read or write the history database or the line history'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -l no-color -d 'Never colour output (the NO_COLOR variable does the same)'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -l demo -d 'Open the built-in demo database (a small shop, in SQLite)'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -s y -l yes -d 'Do not ask before destructive statements typed by hand'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -l share-samples -d 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write a commented template to the config file\'s place (never over an existing file)'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print where the config file is read from'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the settings in effect, merged from flags, environment, the file and defaults, with passwords redacted'
complete -c glance -n "__fish_glance_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c glance -n "__fish_glance_using_subcommand help; and not __fish_seen_subcommand_from repl ask completions man usage models setup-reader config help" -f -a "repl" -d 'Interactive session: ask questions, or type SQL after \\sql (the default when no command is given)'
complete -c glance -n "__fish_glance_using_subcommand help; and not __fish_seen_subcommand_from repl ask completions man usage models setup-reader config help" -f -a "ask" -d 'Answer one question, or run one statement with --sql, without prompts'
complete -c glance -n "__fish_glance_using_subcommand help; and not __fish_seen_subcommand_from repl ask completions man usage models setup-reader config help" -f -a "completions" -d 'Print a shell completion script'
complete -c glance -n "__fish_glance_using_subcommand help; and not __fish_seen_subcommand_from repl ask completions man usage models setup-reader config help" -f -a "man" -d 'Print the man page (roff)'
complete -c glance -n "__fish_glance_using_subcommand help; and not __fish_seen_subcommand_from repl ask completions man usage models setup-reader config help" -f -a "usage" -d 'Tokens and cost of questions over the last days, per provider and model, from the history'
complete -c glance -n "__fish_glance_using_subcommand help; and not __fish_seen_subcommand_from repl ask completions man usage models setup-reader config help" -f -a "models" -d 'List the models a provider offers (default: the configured one); the model questions go to is marked'
complete -c glance -n "__fish_glance_using_subcommand help; and not __fish_seen_subcommand_from repl ask completions man usage models setup-reader config help" -f -a "setup-reader" -d 'Print the SQL that creates a role for a profile\'s guard_role: it can read every table and nothing else (pg_read_all_data on PostgreSQL 14 and later, SELECT grants before), and cannot log in unless --login. glance runs nothing; pipe it to psql as a superuser'
complete -c glance -n "__fish_glance_using_subcommand help; and not __fish_seen_subcommand_from repl ask completions man usage models setup-reader config help" -f -a "config" -d 'Create, locate or show the config file'
complete -c glance -n "__fish_glance_using_subcommand help; and not __fish_seen_subcommand_from repl ask completions man usage models setup-reader config help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c glance -n "__fish_glance_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "init" -d 'Write a commented template to the config file\'s place (never over an existing file)'
complete -c glance -n "__fish_glance_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print where the config file is read from'
complete -c glance -n "__fish_glance_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the settings in effect, merged from flags, environment, the file and defaults, with passwords redacted'
