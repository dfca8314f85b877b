"""Real servers that tests start on 127.0.0.1: ``oxigraph serve`` and ``kg serve``."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest



def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """A real server in a subprocess on a free local port, ready once ``ready`` (a path) answers 200.

    >>> s = ServerProcess(lambda port: ["oxigraph", "serve", "--bind", f"127.0.0.1:{port}"], "/query?query=ASK%7B%7D")  # doctest: +SKIP
    >>> s.url, s.stop()                                                                                                 # doctest: +SKIP
    """

    def __init__(self, argv: Callable[[int], list[str]], ready: str, timeout: float = 30.0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(argv(self.port), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + ready, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{argv(self.port)[0]} did not start: {self.proc.stderr.read()}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def oxigraph_server(*args: str) -> ServerProcess:
    """``oxigraph serve`` (from the oxigraph PyPI package) with ``args``; skips the test when it is missing."""
    exe = Path(sys.executable).parent / "oxigraph"
    found = str(exe) if exe.is_file() else shutil.which("oxigraph")
    if not found:
        pytest.skip("the oxigraph CLI is missing: pip install -e '.[test]' (package oxigraph)")
    return ServerProcess(lambda port: [found, "serve", "--bind", f"127.0.0.1:{port}", *args], "/query?query=ASK%7B%7D")
