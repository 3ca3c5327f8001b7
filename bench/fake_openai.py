"""A tiny OpenAI-compatible chat server for the benchmark: every
`POST …/chat/completions` gets the same streamed (SSE) answer, a fixed SQL
statement in a fenced block, at once. Standard library only.

Writes the port it listens on to --port-file and serves until killed.
"""

import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = "Here it is.\n\n```sql\nselect count(*) from sales.customers\n```\n"


def chunk(choices, usage=None):
    body = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 0,
            "model": "gpt-bench", "choices": choices, "usage": usage}
    return f"data: {json.dumps(body)}\n\n"


def stream():
    out = [chunk([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])]
    out.append(chunk([{"index": 0, "delta": {"content": ANSWER}, "finish_reason": None}]))
    out.append(chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}]))
    out.append(chunk([], {"prompt_tokens": 1000, "completion_tokens": 20, "total_tokens": 1020}))
    out.append("data: [DONE]\n\n")
    return "".join(out).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if not self.path.endswith("/chat/completions"):
            self.send_error(404)
            return
        body = stream()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(args.port_file, "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
