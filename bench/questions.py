"""The 36 questions of `agent::context::tests` (`QUESTIONS` in
src/agent/context/mod.rs) with the tables each needs, read from the source so
the benchmark and the unit test always ask the same."""

import re


def load(source):
    """[(question, [needed tables])] from the Rust source at `source`."""
    text = open(source, encoding="utf-8").read()
    start = text.find("const QUESTIONS")
    if start < 0:
        raise SystemExit(f"no QUESTIONS array in {source}")
    body = text[start:text.find("];", start)]
    pairs = re.findall(r'\(\s*"((?:[^"\\]|\\.)*)",\s*"([^"]*)",?\s*\)', body)
    if not pairs:
        raise SystemExit(f"could not read the QUESTIONS array in {source}")
    return [(q.replace('\\"', '"'), tables.split()) for q, tables in pairs]
