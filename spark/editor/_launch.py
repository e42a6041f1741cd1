"""Launching the editor: ``spark.GraphEditor().launch()`` and ``spark editor [FILE]``.

The server listens on ``127.0.0.1`` only and prints a URL carrying a fresh token. From a script or the
command line, :meth:`GraphEditor.launch` blocks until Ctrl+C; in a notebook (an IPython kernel is
running) it serves from a background thread and shows the editor inline, so the kernel stays free.
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import typing as tp
import webbrowser
from pathlib import Path

from spark.editor._app import create_app
from spark.editor._security import PathError, new_token, resolve_inside

__all__ = ["GraphEditor", "cli_main", "in_notebook"]

HOST = "127.0.0.1"


def in_notebook() -> bool:
    """Whether we run inside an IPython kernel (Jupyter, VS Code notebooks...)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:
        return False
    return shell is not None and getattr(shell, "kernel", None) is not None


class GraphEditor:
    """The Spark Graph Editor, a local web app to draw, configure, save and run brains.

    Args:
        file: a ``.sge`` session or ``.scfg`` model (inside ``root``) to open at start.
        root: the folder the editor may read and write; defaults to the current directory. Nothing
            outside it can be opened or saved.
        port: the port to listen on; ``None`` picks a free one.
        open_browser: open the editor in the default browser once the server is up.

    Example::

        editor = spark.GraphEditor()
        if __name__ == "__main__":
            editor.launch()
    """

    def __init__(
        self,
        file: str | Path | None = None,
        *,
        root: str | Path | None = None,
        port: int | None = None,
        open_browser: bool = True,
    ):
        self.root = Path(root if root is not None else Path.cwd()).resolve()
        if not self.root.is_dir():
            raise NotADirectoryError(f"GraphEditor: root {str(root)!r} is not a folder")
        self.initial: str | None = None
        if file is not None:
            try:
                path = resolve_inside(self.root, str(file), (".sge", ".scfg", ".scfg.gz"))
            except PathError as exc:
                raise ValueError(f"GraphEditor: cannot open {str(file)!r}: {exc}") from None
            if not path.is_file():
                raise FileNotFoundError(f"GraphEditor: file not found: {file}")
            self.initial = path.relative_to(self.root).as_posix()
        if port is not None and not 0 <= int(port) <= 65535:
            raise ValueError(f"GraphEditor: port must be between 0 and 65535, got {port}")
        self.port = int(port or 0)
        self.open_browser = open_browser
        self.token = new_token()
        self._server: tp.Any = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        """The address to open, token included (valid while this editor runs)."""
        return f"http://{HOST}:{self.port}/?token={self.token}"

    def _bind(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((HOST, self.port))
        except OSError:
            sock.close()
            raise OSError(
                f"GraphEditor: port {self.port} on {HOST} is in use; pick another one "
                f"(--port N) or leave it out to get a free port"
            ) from None
        self.port = sock.getsockname()[1]
        return sock

    def _make_server(self) -> tp.Any:
        import uvicorn

        app = create_app(self.root, token=self.token, port=self.port, initial=self.initial)
        config = uvicorn.Config(
            app, log_config=None, log_level="warning", access_log=False, lifespan="off", ws="none"
        )
        return uvicorn.Server(config)

    def launch(self, block: bool | None = None) -> GraphEditor:
        """Start the server, print its URL and open it.

        Args:
            block: wait until the server stops (Ctrl+C). ``None`` means: block, except in a notebook,
                where the server runs in a background thread and the editor is shown inline.
        """
        if self._server is not None:
            raise RuntimeError(f"GraphEditor is already running at {self.url}")
        notebook = in_notebook()
        if block is None:
            block = not notebook
        self._socket = self._bind()
        self._server = self._make_server()
        print(f"Spark Graph Editor running at {self.url}  (folder: {self.root})", flush=True)
        if block:
            if self.open_browser:
                threading.Thread(target=self._open_when_started, daemon=True).start()
            print("Press Ctrl+C to stop.", flush=True)
            try:
                self._server.run(sockets=[self._socket])
            finally:
                self._cleanup()
            return self
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="spark-graph-editor",
            daemon=True,
        )
        self._thread.start()
        self._wait_started()
        if notebook:
            self._show_inline()
        elif self.open_browser:
            webbrowser.open(self.url)
        return self

    def _wait_started(self, timeout: float = 20.0) -> None:
        import time

        deadline = time.monotonic() + timeout
        while not getattr(self._server, "started", False):
            if time.monotonic() > deadline or (self._thread is not None and not self._thread.is_alive()):
                raise RuntimeError("GraphEditor: the server did not start")
            time.sleep(0.02)

    def _open_when_started(self) -> None:
        try:
            self._wait_started()
        except RuntimeError:
            return
        webbrowser.open(self.url)

    def _show_inline(self) -> None:
        from IPython.display import HTML, IFrame, display

        display(HTML(f'<a href="{self.url}" target="_blank">Open the Spark Graph Editor in a new tab</a>'))
        display(IFrame(self.url, width="100%", height=760))

    def stop(self) -> None:
        """Stop a server started with ``launch(block=False)`` (or in a notebook)."""
        if self._server is None:
            return
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._cleanup()

    def _cleanup(self) -> None:
        if self._socket is not None:
            self._socket.close()
        self._server, self._thread, self._socket = None, None, None

    def __enter__(self) -> GraphEditor:
        return self

    def __exit__(self, *exc: tp.Any) -> None:
        self.stop()


def cli_main(argv: tp.Sequence[str] | None = None) -> int:
    """``spark editor [FILE] [--port N] [--no-browser]``: serve the editor for the current folder."""
    parser = argparse.ArgumentParser(prog="spark editor", description="Open the Spark Graph Editor.")
    parser.add_argument("file", nargs="?", help="a .sge session or .scfg model in this folder to open")
    parser.add_argument("--port", type=int, default=None, help="port to listen on (default: a free one)")
    parser.add_argument("--no-browser", action="store_true", help="print the URL but do not open a browser")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        editor = GraphEditor(args.file, port=args.port, open_browser=not args.no_browser)
        editor.launch(block=True)
    except (ValueError, OSError) as exc:
        print(f"spark editor: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0
