"""glance's own time per question on the `wide` database: `glance ask
--format json QUESTION` against the fake OpenAI server (bench/fake_openai.py),
for the first --runs questions of the context test. Each run's wall time is
measured here; the JSON's `timings` give the model's and the database's
parts (and, when present, glance's own as `glance_ms`).

Prints JSON: {"runs": [{"wall_ms", "timings": {…}}, …]}.
"""

import argparse
import json
import os
import subprocess
import time

import questions


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--glance", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    env = dict(os.environ, OPENAI_API_KEY="sk-bench", OPENAI_BASE_URL=args.base_url,
               GLANCE_PROVIDER="openai")
    asked = questions.load(args.source)
    runs = []
    for i in range(args.runs):
        question = asked[i % len(asked)][0]
        started = time.monotonic()
        done = subprocess.run(
            [args.glance, "-d", args.url, "--format", "json", "ask", question],
            env=env, capture_output=True, text=True,
        )
        wall = (time.monotonic() - started) * 1000.0
        if done.returncode != 0:
            raise SystemExit(f"glance ask failed ({done.returncode}): {done.stderr.strip()}")
        runs.append({"wall_ms": wall, "timings": json.loads(done.stdout).get("timings", {})})
    print(json.dumps({"runs": runs}))


if __name__ == "__main__":
    main()
