#!/usr/bin/env python3
"""A read-only glance plugin: the team's definition of a metric, as SQL the
model may use in its answer (glance never runs a plugin's SQL itself)."""
import json
import sys

METRICS = {
    "revenue": "select sum(price) as revenue from items",
    "items": "select count(*) as items from items",
}

call = json.load(sys.stdin)
name = call["arguments"].get("metric", "")
if name not in METRICS:
    print(f"unknown metric {name!r}; the metrics are: {', '.join(METRICS)}", file=sys.stderr)
    sys.exit(1)
json.dump({"metric": name, "dialect": call["context"]["dialect"], "sql": METRICS[name]}, sys.stdout)
