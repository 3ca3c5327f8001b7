#!/bin/sh
# A read-only glance plugin: today's date, and the database and dialect
# glance was connected to when the tool was called.
#   [tools.today]
#   command = ["/path/to/today.sh"]
#   description = "today's date, for questions about 'this month' or 'last week'"
#   read_only = true
input=$(cat)
field() {
    printf '%s' "$input" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"
}
printf '{"today": "%s", "database": "%s", "dialect": "%s"}\n' \
    "$(date +%F)" "$(field database)" "$(field dialect)"
