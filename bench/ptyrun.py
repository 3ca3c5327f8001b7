"""A program in a pseudo-terminal of a fixed size, read without blocking.

Standard library only; shared by the benchmark helpers that drive the REPL.
"""

import fcntl
import os
import pty
import select
import struct
import termios
import time


class Pty:
    """`argv` running in a new pseudo-terminal of `rows` × `cols`."""

    def __init__(self, argv, env=None, rows=24, cols=100):
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execvpe(argv[0], argv, env if env is not None else os.environ)
        self.pid, self.fd, self.seen = pid, fd, b""

    def send(self, text):
        os.write(self.fd, text.encode())

    def wait_for(self, needle, timeout=60.0):
        """Reads until `needle` (bytes) appears after what was already
        consumed; returns the monotonic time it was seen."""
        deadline = time.monotonic() + timeout
        while True:
            index = self.seen.find(needle)
            if index >= 0:
                self.seen = self.seen[index + len(needle):]
                return time.monotonic()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{needle!r} did not appear; last output: {self.seen[-400:]!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise EOFError(f"the program ended before {needle!r}; output: {self.seen[-400:]!r}")
                self.seen += chunk

    def settle(self, quiet=0.3, timeout=30.0):
        """Reads until nothing arrives for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], quiet)
            if not ready:
                return
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.seen += chunk

    def close(self):
        try:
            os.kill(self.pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)
