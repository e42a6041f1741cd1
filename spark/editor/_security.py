"""Security of the editor server: a per-launch token, same-origin checks, size limits, confined paths.

The server is a local tool, but a browser will happily send requests to ``127.0.0.1`` on behalf of any
web page the user visits. :class:`Guard` is the ASGI middleware that stops those:

* **Host** must be the address the server listens on (``127.0.0.1:PORT`` or ``localhost:PORT``), which
  defeats DNS rebinding;
* an **Origin** header, when present, must be that same origin, and ``Sec-Fetch-Site: cross-site``
  requests are refused (except opening the printed URL itself, e.g. from a notebook's IFrame);
* every request except the static front-end files carries the **token** printed at launch: in the
  ``?token=`` query of the first page load, then in a cookie or the ``X-Spark-Token`` header;
* request **bodies** larger than ``max_body`` bytes are answered with 413 before the app sees them.

:func:`resolve_inside` confines every file name the front end sends to the folder the editor was
started in: no absolute paths outside it, no ``..`` components, no symlink pointing out of it.
"""

from __future__ import annotations

import hmac
import os
import secrets
import tempfile
import typing as tp
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.responses import JSONResponse

__all__ = ["Guard", "PathError", "new_token", "resolve_inside", "atomic_write_bytes", "TOKEN_HEADER"]

TOKEN_HEADER = "x-spark-token"
PUBLIC_PREFIXES = ("/assets/", "/favicon")


def new_token() -> str:
    """A fresh unguessable token for one launch of the editor."""
    return secrets.token_urlsafe(24)


class PathError(ValueError):
    """A file name sent to the server is not allowed (outside the editor's folder, wrong suffix...)."""


class Guard:
    """ASGI middleware enforcing the token, same-origin requests and the body size limit.

    Args:
        app: the wrapped ASGI app.
        token: the launch token.
        hosts: the ``host:port`` values accepted in the Host header.
        cookie_name: the cookie that carries the token after the first page load.
        max_body: the largest request body accepted, in bytes.
    """

    def __init__(self, app: tp.Any, *, token: str, hosts: tp.Iterable[str], cookie_name: str, max_body: int):
        self.app = app
        self.token = token
        self.hosts = {h.lower() for h in hosts}
        self.origins = {f"http://{h}" for h in self.hosts}
        self.cookie_name = cookie_name
        self.max_body = int(max_body)

    async def __call__(self, scope: dict, receive: tp.Callable, send: tp.Callable) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            status, message = refusal
            await JSONResponse({"error": message}, status_code=status)(scope, receive, send)
            return
        if scope["type"] == "http" and scope.get("method") in ("POST", "PUT", "PATCH", "DELETE"):
            body = await self._read_body(headers, receive)
            if body is None:
                msg = f"request body larger than the {self.max_body} byte limit"
                await JSONResponse({"error": msg}, status_code=413)(scope, receive, send)
                return
            receive = _replay(body)
        if self._query_token(scope) is not None:
            send = self._with_cookie(send)
        await self.app(scope, receive, send)

    # -- checks ---------------------------------------------------------------------------------------
    def _refusal(self, scope: dict, headers: Headers) -> tuple[int, str] | None:
        host = (headers.get("host") or "").lower()
        if host not in self.hosts:
            return 403, f"unexpected Host header {host!r}; open the editor through the URL it printed"
        origin = headers.get("origin")
        if origin is not None and origin.lower() not in self.origins:
            return 403, f"cross-origin request from {origin!r} refused"
        if headers.get("sec-fetch-site") == "cross-site" and not self._is_entry(scope):
            return 403, "cross-site request refused"
        if scope["path"].startswith(PUBLIC_PREFIXES) and scope.get("method", "GET") in ("GET", "HEAD"):
            return None
        if not self._has_token(scope, headers):
            return 403, "missing or wrong editor token; open the editor through the URL it printed"
        return None

    def _is_entry(self, scope: dict) -> bool:
        """Opening the printed URL from another site (a notebook's IFrame or link): GET / with the token."""
        return scope["path"] == "/" and scope.get("method") == "GET" and self._query_token(scope) is not None

    def _query_token(self, scope: dict) -> str | None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        values = query.get("token")
        if values and hmac.compare_digest(values[0].encode(), self.token.encode()):
            return values[0]
        return None

    def _has_token(self, scope: dict, headers: Headers) -> bool:
        candidates = [headers.get(TOKEN_HEADER), _cookie(headers, self.cookie_name)]
        if self._query_token(scope) is not None:
            return True
        return any(c is not None and hmac.compare_digest(c.encode(), self.token.encode()) for c in candidates)

    async def _read_body(self, headers: Headers, receive: tp.Callable) -> bytes | None:
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            return None
        chunks, total = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _with_cookie(self, send: tp.Callable) -> tp.Callable:
        cookie = f"{self.cookie_name}={self.token}; Path=/; HttpOnly; SameSite=Strict".encode("latin-1")

        async def wrapped(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie)]
            await send(message)

        return wrapped


def _cookie(headers: Headers, name: str) -> str | None:
    for part in (headers.get("cookie") or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _replay(body: bytes) -> tp.Callable:
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def resolve_inside(root: Path, name: tp.Any, suffixes: tp.Sequence[str] | None = None) -> Path:
    """Resolve ``name`` (relative to ``root``) and refuse anything that leaves ``root``.

    Args:
        root: the editor's folder (already resolved).
        name: the file name sent by the front end, e.g. ``'models/a.scfg'``.
        suffixes: allowed file suffixes (``('.sge',)``); ``None`` allows any (and folders).

    Raises:
        PathError: the name is empty, absolute outside ``root``, contains ``..``, escapes through a
            symlink, or has a suffix that is not allowed.
    """
    if not isinstance(name, str) or not name.strip() or "\x00" in name:
        raise PathError(f"file name {name!r} is not a valid name")
    posix = PurePosixPath(name.replace("\\", "/"))
    if ".." in posix.parts:
        raise PathError(f"file name {name!r} contains '..'; use a path inside the editor's folder")
    if posix.is_absolute() or PureWindowsPath(name).drive:
        candidate = Path(name)
    else:
        candidate = root / posix
    resolved = candidate.resolve()
    if resolved != root and not resolved.is_relative_to(root):
        raise PathError(f"file name {name!r} is outside the editor's folder {root.name!r}")
    if suffixes is not None:
        lowered = resolved.name.lower()
        if not any(lowered.endswith(s) for s in suffixes):
            raise PathError(f"file name {name!r} must end with {' or '.join(suffixes)}")
    return resolved


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``.

    A failure at any point leaves the previous file untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
