"""An MCP client for the e2e tests, on the official Python SDK (package
`mcp` from PyPI). Reads one JSON document on stdin:

    {"command": PATH, "args": [...], "env": {...},
     "calls": [[TOOL, ARGUMENTS], ...], "answers": [true, false, ...]}

starts the server with it over stdio, lists the tools, makes each call in
order (an elicitation is answered with the next of "answers"; without
"answers" the client declares no elicitation capability), and prints one
JSON document: the protocol version, the tools with their readOnlyHint,
each call's isError, structuredContent and text, and the elicitation
messages it was shown.
"""

import asyncio
import json
import sys

import mcp
from mcp import Client, StdioServerParameters


async def main() -> None:
    spec = json.load(sys.stdin)
    answers = spec.get("answers")
    asked = []

    async def elicit(_context, params):
        asked.append(params.message)
        run = answers.pop(0) if answers else False
        if run:
            return mcp.types.ElicitResult(action="accept", content={"run": True})
        return mcp.types.ElicitResult(action="decline")

    server = StdioServerParameters(command=spec["command"], args=spec["args"], env=spec["env"])
    options = {"elicitation_callback": elicit} if answers is not None else {}
    async with Client(server, **options) as client:
        listed = await client.list_tools()
        tools = [
            {"name": tool.name, "readOnlyHint": tool.annotations.read_only_hint if tool.annotations else None}
            for tool in listed.tools
        ]
        results = []
        for name, arguments in spec["calls"]:
            result = await client.call_tool(name, arguments)
            text = "".join(getattr(block, "text", "") for block in result.content)
            results.append({"isError": result.is_error, "structured": result.structured_content, "text": text})
        print(json.dumps({"protocol": client.protocol_version, "tools": tools, "results": results, "asked": asked}))


asyncio.run(main())
