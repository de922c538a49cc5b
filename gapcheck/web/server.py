"""Run the pages on this machine only: ``gapcheck serve`` (issue #16).

::

    from gapcheck.web.server import serve
    serve(8765, open_browser=True)   # until Ctrl+C
"""

from __future__ import annotations

import errno
import socket
import sys
import threading
import time
import webbrowser
from pathlib import Path

import uvicorn

from gapcheck.errors import ServerError
from gapcheck.web.app import create_app
from gapcheck.web.guard import TOKEN_PARAM, new_token

HOST = "127.0.0.1"  # never another interface: the pages are for this PC's user alone


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:``port`` (0: any free port), or a message saying
    what to do when the port is taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sys.platform != "win32":  # on Windows this would let two servers share the port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1), errno.EACCES):
            raise ServerError(
                f"ポート {port} は別のプログラムが使っています。--port で別の番号"
                "（例: --port 8766）を指定してください。"
            ) from exc
        raise ServerError(f"ポート {port} で待ち受けできません（{exc.strerror}）。") from exc
    sock.listen(128)
    return sock


def address(port: int, token: str) -> str:
    """The address to open: the token in it lets this browser in (and only the one who
    has it)."""
    return f"http://{HOST}:{port}/?{TOKEN_PARAM}={token}"


def serve(port: int = 8765, open_browser: bool = False, guidelines: Path | None = None) -> None:
    """Serve the pages on 127.0.0.1:``port`` until Ctrl+C, with a new random token; print
    the address and, with ``open_browser``, open it in the default browser."""
    token = new_token()
    app = create_app(guidelines=guidelines, token=token)
    sock = bind(port)
    url = address(sock.getsockname()[1], token)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,  # the first request's address carries the token
        server_header=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    print(f"gapcheck のページを起動しました: {url}", flush=True)
    print(
        "このアドレスをブラウザで開いてください（このパソコンの中だけで使えます。"
        "アドレスは起動のたびに変わります）。終了するには Ctrl+C を押します。",
        flush=True,
    )
    if open_browser:
        threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn has shut down cleanly and passes Ctrl+C on
        pass
    finally:
        sock.close()
    print("gapcheck のページを終了しました。", flush=True)


def _open_when_started(server: uvicorn.Server, url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if server.started:
        webbrowser.open(url)


__all__ = [
    "HOST",
    "address",
    "bind",
    "serve",
]
