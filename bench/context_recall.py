"""The prompt context on the live `wide` database: for each question of the
context test, `glance ask --show-prompt --format json` (which introspects and
builds the prompt without calling a model), and whether every table the
question needs was sent in full.

Prints JSON: {"questions", "hits", "tokens": [per question], "misses": […]}.
"""

import argparse
import json
import os
import subprocess

import questions


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--glance", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--source", required=True)
    args = parser.parse_args()
    env = dict(os.environ, OPENAI_API_KEY=os.environ.get("OPENAI_API_KEY", "sk-bench-not-used"))
    hits, tokens, misses = 0, [], []
    asked = questions.load(args.source)
    for question, needed in asked:
        out = subprocess.run(
            [args.glance, "-d", args.url, "--format", "json", "ask", "--show-prompt", question],
            env=env, check=True, capture_output=True, text=True,
        ).stdout
        context = json.loads(out)["context"]
        tokens.append(context["tokens"])
        missing = [t for t in needed if t not in context["tables_full"]]
        if missing:
            misses.append(f"{question}: missing {', '.join(missing)}")
        else:
            hits += 1
    print(json.dumps({"questions": len(asked), "hits": hits, "tokens": tokens, "misses": misses}))


if __name__ == "__main__":
    main()
