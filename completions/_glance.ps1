
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'glance' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'glance'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'glance' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of ~/.config/glance/config.toml')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for results')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file''s]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model id for questions (default: the provider''s default model)')
            [CompletionResult]::new('--context-tokens', '--context-tokens', [CompletionResultType]::ParameterName, 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file''s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file''s]')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-password', '--no-password', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Do not read or write the history database or the line history')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (the NO_COLOR variable does the same)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Open the built-in demo database (a small shop, in SQLite)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--share-samples', '--share-samples', [CompletionResultType]::ParameterName, 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('repl', 'repl', [CompletionResultType]::ParameterValue, 'Interactive session: ask questions, or type SQL after \sql (the default when no command is given)')
            [CompletionResult]::new('ask', 'ask', [CompletionResultType]::ParameterValue, 'Answer one question, or run one statement with --sql, without prompts')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Tokens and cost of questions over the last days, per provider and model, from the history')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'List the models a provider offers (default: the configured one); the model questions go to is marked')
            [CompletionResult]::new('setup-reader', 'setup-reader', [CompletionResultType]::ParameterValue, 'Print the SQL that creates a role for a profile''s guard_role: it can read every table and nothing else (pg_read_all_data on PostgreSQL 14 and later, SELECT grants before), and cannot log in unless --login. glance runs nothing; pipe it to psql as a superuser')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Create, locate or show the config file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'glance;repl' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of ~/.config/glance/config.toml')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for results')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file''s]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model id for questions (default: the provider''s default model)')
            [CompletionResult]::new('--context-tokens', '--context-tokens', [CompletionResultType]::ParameterName, 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file''s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file''s]')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-password', '--no-password', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Do not read or write the history database or the line history')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (the NO_COLOR variable does the same)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Open the built-in demo database (a small shop, in SQLite)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--share-samples', '--share-samples', [CompletionResultType]::ParameterName, 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'glance;ask' {
            [CompletionResult]::new('--sql', '--sql', [CompletionResultType]::ParameterName, 'Run this SQL instead of asking a question; without a value (or with "-") the SQL is read from stdin. It may start with a -- comment')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of ~/.config/glance/config.toml')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for results')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file''s]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model id for questions (default: the provider''s default model)')
            [CompletionResult]::new('--context-tokens', '--context-tokens', [CompletionResultType]::ParameterName, 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file''s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file''s]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the SQL (generated for a question, or given with --sql) and its safety verdict, and run nothing')
            [CompletionResult]::new('--allow-destructive', '--allow-destructive', [CompletionResultType]::ParameterName, 'Run destructive statements (DROP, DELETE, TRUNCATE…) without a terminal to confirm them')
            [CompletionResult]::new('--allow-write', '--allow-write', [CompletionResultType]::ParameterName, 'Run writes (INSERT, UPDATE…) the model wrote without a terminal to confirm them')
            [CompletionResult]::new('--show-prompt', '--show-prompt', [CompletionResultType]::ParameterName, 'Print the exact request that would go to the model, and exit without calling it')
            [CompletionResult]::new('--timings', '--timings', [CompletionResultType]::ParameterName, 'Print on stderr where glance''s time went: start-up, connect, introspection, context, LLM, database and render, and glance''s own share (everything but the LLM and the database)')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-password', '--no-password', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Do not read or write the history database or the line history')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (the NO_COLOR variable does the same)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Open the built-in demo database (a small shop, in SQLite)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--share-samples', '--share-samples', [CompletionResultType]::ParameterName, 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'glance;completions' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of ~/.config/glance/config.toml')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for results')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file''s]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model id for questions (default: the provider''s default model)')
            [CompletionResult]::new('--context-tokens', '--context-tokens', [CompletionResultType]::ParameterName, 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file''s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file''s]')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-password', '--no-password', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Do not read or write the history database or the line history')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (the NO_COLOR variable does the same)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Open the built-in demo database (a small shop, in SQLite)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--share-samples', '--share-samples', [CompletionResultType]::ParameterName, 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'glance;man' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of ~/.config/glance/config.toml')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for results')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file''s]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model id for questions (default: the provider''s default model)')
            [CompletionResult]::new('--context-tokens', '--context-tokens', [CompletionResultType]::ParameterName, 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file''s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file''s]')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-password', '--no-password', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Do not read or write the history database or the line history')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (the NO_COLOR variable does the same)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Open the built-in demo database (a small shop, in SQLite)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--share-samples', '--share-samples', [CompletionResultType]::ParameterName, 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'glance;usage' {
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'How many days back to count')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of ~/.config/glance/config.toml')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for results')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file''s]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model id for questions (default: the provider''s default model)')
            [CompletionResult]::new('--context-tokens', '--context-tokens', [CompletionResultType]::ParameterName, 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file''s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file''s]')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-password', '--no-password', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Do not read or write the history database or the line history')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (the NO_COLOR variable does the same)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Open the built-in demo database (a small shop, in SQLite)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--share-samples', '--share-samples', [CompletionResultType]::ParameterName, 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'glance;models' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of ~/.config/glance/config.toml')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for results')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file''s]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model id for questions (default: the provider''s default model)')
            [CompletionResult]::new('--context-tokens', '--context-tokens', [CompletionResultType]::ParameterName, 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file''s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file''s]')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-password', '--no-password', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Do not read or write the history database or the line history')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (the NO_COLOR variable does the same)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Open the built-in demo database (a small shop, in SQLite)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--share-samples', '--share-samples', [CompletionResultType]::ParameterName, 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'glance;setup-reader' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of ~/.config/glance/config.toml')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for results')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file''s]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model id for questions (default: the provider''s default model)')
            [CompletionResult]::new('--context-tokens', '--context-tokens', [CompletionResultType]::ParameterName, 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file''s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file''s]')
            [CompletionResult]::new('--login', '--login', [CompletionResultType]::ParameterName, 'Let the role log in (LOGIN); by default it cannot, since glance only switches to it inside the read-only guard')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-password', '--no-password', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Do not read or write the history database or the line history')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (the NO_COLOR variable does the same)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Open the built-in demo database (a small shop, in SQLite)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--share-samples', '--share-samples', [CompletionResultType]::ParameterName, 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'glance;config' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of ~/.config/glance/config.toml')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for results')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file''s]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model id for questions (default: the provider''s default model)')
            [CompletionResult]::new('--context-tokens', '--context-tokens', [CompletionResultType]::ParameterName, 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file''s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file''s]')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-password', '--no-password', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Do not read or write the history database or the line history')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (the NO_COLOR variable does the same)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Open the built-in demo database (a small shop, in SQLite)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--share-samples', '--share-samples', [CompletionResultType]::ParameterName, 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented template to the config file''s place (never over an existing file)')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print where the config file is read from')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the settings in effect, merged from flags, environment, the file and defaults, with passwords redacted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'glance;config;init' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of ~/.config/glance/config.toml')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for results')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file''s]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model id for questions (default: the provider''s default model)')
            [CompletionResult]::new('--context-tokens', '--context-tokens', [CompletionResultType]::ParameterName, 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file''s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file''s]')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-password', '--no-password', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Do not read or write the history database or the line history')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (the NO_COLOR variable does the same)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Open the built-in demo database (a small shop, in SQLite)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--share-samples', '--share-samples', [CompletionResultType]::ParameterName, 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'glance;config;path' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of ~/.config/glance/config.toml')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for results')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file''s]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model id for questions (default: the provider''s default model)')
            [CompletionResult]::new('--context-tokens', '--context-tokens', [CompletionResultType]::ParameterName, 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file''s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file''s]')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-password', '--no-password', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Do not read or write the history database or the line history')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (the NO_COLOR variable does the same)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Open the built-in demo database (a small shop, in SQLite)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--share-samples', '--share-samples', [CompletionResultType]::ParameterName, 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'glance;config;show' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Database to open: a postgres:// URL, a libpq "key=value" string, sqlite:PATH, or a path ending in .db, .sqlite or .sqlite3. Without it, PostgreSQL is reached through the PG* variables and psql''s defaults')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Connection profile from the config file ([connections.NAME])')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to read instead of ~/.config/glance/config.toml')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for results')
            [CompletionResult]::new('--statement-timeout', '--statement-timeout', [CompletionResultType]::ParameterName, 'Time limit for statements run inside the read-only guard, such as 30s, 500ms or 2m, at most 596h; 0 turns it off [default: 30s, or the config file''s]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'LLM provider for questions: openai, anthropic, gemini, azure or ollama (default: the first whose API key is set, else a local Ollama)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model id for questions (default: the provider''s default model)')
            [CompletionResult]::new('--context-tokens', '--context-tokens', [CompletionResultType]::ParameterName, 'Budget for the schema part of the prompt, in tokens; on larger schemas the tables most relevant to the question are sent in full [default: 8000, or the config file''s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failing generated statement is sent back to the model with its error for a corrected one [default: 2, or the config file''s]')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Ask for the PostgreSQL password on the terminal before connecting (and at each \c), as psql -W does. Ignored for SQLite')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-password', '--no-password', [CompletionResultType]::ParameterName, 'Never ask for a password: when the server wants one and none is given (URL, PGPASSWORD, ~/.pgpass, the profile), fail, as psql -w. Without it glance asks on the terminal when stdin is one')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Do not read or write the history database or the line history')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour output (the NO_COLOR variable does the same)')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Open the built-in demo database (a small shop, in SQLite)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before destructive statements typed by hand')
            [CompletionResult]::new('--share-samples', '--share-samples', [CompletionResultType]::ParameterName, 'Also send the LLM the distinct values of text columns that have few of them (statuses, categories…), which makes answers about them right. Off by default: without it only schema metadata leaves the machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'glance;config;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented template to the config file''s place (never over an existing file)')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print where the config file is read from')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the settings in effect, merged from flags, environment, the file and defaults, with passwords redacted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'glance;config;help;init' {
            break
        }
        'glance;config;help;path' {
            break
        }
        'glance;config;help;show' {
            break
        }
        'glance;config;help;help' {
            break
        }
        'glance;help' {
            [CompletionResult]::new('repl', 'repl', [CompletionResultType]::ParameterValue, 'Interactive session: ask questions, or type SQL after \sql (the default when no command is given)')
            [CompletionResult]::new('ask', 'ask', [CompletionResultType]::ParameterValue, 'Answer one question, or run one statement with --sql, without prompts')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Tokens and cost of questions over the last days, per provider and model, from the history')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'List the models a provider offers (default: the configured one); the model questions go to is marked')
            [CompletionResult]::new('setup-reader', 'setup-reader', [CompletionResultType]::ParameterValue, 'Print the SQL that creates a role for a profile''s guard_role: it can read every table and nothing else (pg_read_all_data on PostgreSQL 14 and later, SELECT grants before), and cannot log in unless --login. glance runs nothing; pipe it to psql as a superuser')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Create, locate or show the config file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'glance;help;repl' {
            break
        }
        'glance;help;ask' {
            break
        }
        'glance;help;completions' {
            break
        }
        'glance;help;man' {
            break
        }
        'glance;help;usage' {
            break
        }
        'glance;help;models' {
            break
        }
        'glance;help;setup-reader' {
            break
        }
        'glance;help;config' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented template to the config file''s place (never over an existing file)')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print where the config file is read from')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the settings in effect, merged from flags, environment, the file and defaults, with passwords redacted')
            break
        }
        'glance;help;config;init' {
            break
        }
        'glance;help;config;path' {
            break
        }
        'glance;help;config;show' {
            break
        }
        'glance;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
