"""The editor's HTTP API (Starlette) and the static front end.

Every route but the static files needs the launch token (see :mod:`spark.editor._security`). File
names in requests are relative to the editor's folder and confined to it.

=======  ===========================  =======================================================
method   path                         what
=======  ===========================  =======================================================
GET      /                            the front end (``?token=...`` on the first load)
GET      /api/state                   folder name, file to open at start
GET      /api/catalogue               the module catalogue (``spark.catalogue()``)
GET      /api/files?dir=              list a folder
POST     /api/session/load|save       read / atomically write a ``.sge`` session
POST     /api/model/load              read a ``.scfg`` model into a laid-out graph
POST     /api/model/export            validate, then write a ``.scfg`` model
POST     /api/validate/config|model   inline validation of one config / the whole model
POST     /api/run                     simulate the model (Run panel)
POST     /api/upload?path=            store an uploaded file (raw body) in the folder
=======  ===========================  =======================================================
"""

from __future__ import annotations

import json
import typing as tp
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from spark.editor import _checks, _files, _run
from spark.editor._graph import GraphError
from spark.editor._security import Guard, PathError, atomic_write_bytes, resolve_inside

__all__ = ["create_app", "STATIC_DIR", "MAX_BODY"]

STATIC_DIR = Path(__file__).parent / "static"
MAX_BODY = 32 * 1024 * 1024
SESSION_SUFFIXES = (".sge",)
MODEL_SUFFIXES = (".scfg", ".scfg.gz")
UPLOAD_SUFFIXES = (".npy", ".npz", ".sge", ".scfg", ".scfg.gz")


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _load_catalogue() -> dict:
    import spark

    catalogue = dict(spark.catalogue())
    if "initializers" not in catalogue:
        catalogue["initializers"] = _initializer_schemas()
    return catalogue


def _initializer_schemas() -> list[dict]:
    """The registered initializer configs, so the inspector can switch an initializer's class."""
    try:
        from spark.core.catalogue import config_schema
        from spark.core.registry import INITIALIZERS

        return [{"name": name, "config": config_schema(cls)} for name, cls in INITIALIZERS.items()]
    except Exception:  # an optional extra: the editor works without it
        return []


def create_app(
    root: str | Path,
    *,
    token: str,
    port: int = 0,
    catalogue: dict | None = None,
    initial: str | None = None,
    max_body: int = MAX_BODY,
) -> tp.Any:
    """The editor ASGI app serving ``root``.

    Args:
        root: the folder the editor may read and write (and nothing outside it).
        token: the per-launch token the front end must present.
        port: the port the server listens on (for the Host/Origin checks and the cookie name).
        catalogue: the module catalogue; ``None`` asks ``spark.catalogue()`` on first use.
        initial: a file (inside ``root``) to open when the page loads.
        max_body: the largest request body accepted (413 above it).
    """
    root = Path(root).resolve()
    cache: dict[str, tp.Any] = {"catalogue": catalogue}

    def get_catalogue() -> dict:
        if cache["catalogue"] is None:
            cache["catalogue"] = _load_catalogue()
        return cache["catalogue"]

    def rel(path: Path) -> str:
        return path.relative_to(root).as_posix()

    async def body(request: Request) -> dict:
        try:
            data = json.loads(await request.body() or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadRequest(f"request body is not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise BadRequest("request body must be a JSON object")
        return data

    def graph_of(data: dict) -> dict:
        graph = data.get("graph")
        if not isinstance(graph, dict):
            raise BadRequest("request needs a 'graph' object")
        return graph

    async def index(request: Request) -> Response:
        page = STATIC_DIR / "index.html"
        if not page.is_file():
            return Response("the editor front end is not built (npm run build in editor-frontend/)", 500)
        return FileResponse(page, headers={"Cache-Control": "no-store"})

    async def state(request: Request) -> Response:
        import spark

        start = None
        if initial:
            kind = "session" if initial.lower().endswith(SESSION_SUFFIXES) else "model"
            start = {"kind": kind, "path": initial}
        return JSONResponse(
            {"root": root.name or str(root), "initial": start, "version": getattr(spark, "__version__", "")}
        )

    async def catalogue_route(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(get_catalogue))

    async def files(request: Request) -> Response:
        name = request.query_params.get("dir", "") or "."
        folder = root if name in (".", "") else resolve_inside(root, name)
        if not folder.is_dir():
            raise BadRequest(f"{name!r} is not a folder", 404)
        entries = []
        for child in sorted(folder.iterdir(), key=lambda p: (not p.is_dir(), p.name.lower())):
            if child.name.startswith("."):
                continue
            try:
                inside = resolve_inside(root, rel(child))
            except (PathError, ValueError):
                continue  # a symlink leading out of the folder is not listed
            entries.append(
                {
                    "name": child.name,
                    "path": rel(child),
                    "type": "dir" if inside.is_dir() else "file",
                    "size": inside.stat().st_size if inside.is_file() else None,
                }
            )
        return JSONResponse({"dir": "" if folder == root else rel(folder), "entries": entries})

    async def session_load(request: Request) -> Response:
        path = resolve_inside(root, (await body(request)).get("path"), SESSION_SUFFIXES)
        return JSONResponse(
            {"path": rel(path), "session": await run_in_threadpool(_files.read_session, path)}
        )

    async def session_save(request: Request) -> Response:
        data = await body(request)
        path = resolve_inside(root, data.get("path"), SESSION_SUFFIXES)
        session = data.get("session")
        if not isinstance(session, dict):
            raise BadRequest("request needs a 'session' object")
        await run_in_threadpool(_files.write_session, path, session)
        return JSONResponse({"path": rel(path)})

    async def model_load(request: Request) -> Response:
        path = resolve_inside(root, (await body(request)).get("path"), MODEL_SUFFIXES)
        catalogue = await run_in_threadpool(get_catalogue)
        graph = await run_in_threadpool(_files.read_model_graph, path, _checks.port_counts(catalogue))
        return JSONResponse({"path": rel(path), "graph": graph})

    async def model_export(request: Request) -> Response:
        data = await body(request)
        path = resolve_inside(root, data.get("path"), MODEL_SUFFIXES)
        errors = await run_in_threadpool(_checks.export_model, graph_of(data), path, get_catalogue())
        if errors:
            return JSONResponse({"errors": errors}, status_code=422)
        return JSONResponse({"path": rel(path), "errors": []})

    async def validate_config(request: Request) -> Response:
        data = await body(request)
        return JSONResponse({"errors": await run_in_threadpool(_checks.config_errors, data.get("config"))})

    async def validate_model(request: Request) -> Response:
        data = await body(request)
        errors = await run_in_threadpool(_checks.model_errors, graph_of(data), get_catalogue())
        return JSONResponse({"errors": errors})

    async def run(request: Request) -> Response:
        data = await body(request)
        graph = graph_of(data)
        errors = await run_in_threadpool(_checks.model_errors, graph, get_catalogue())
        if errors:
            return JSONResponse({"errors": errors}, status_code=422)
        stimulus = data.get("stimulus") or {"kind": "constant", "value": 0.0}
        if not isinstance(stimulus, dict):
            raise BadRequest("'stimulus' must be an object")

        def work() -> dict:
            config = _checks.build_config(graph)
            return _run.simulate(
                config,
                int(data.get("steps", 100)),
                stimulus,
                lambda name: resolve_inside(root, name, (".npy", ".npz")),
            )

        try:
            return JSONResponse(await run_in_threadpool(work))
        except Exception as exc:  # the library's message is the most useful thing to show
            raise BadRequest(f"the run failed: {exc}", 422) from None

    async def upload(request: Request) -> Response:
        path = resolve_inside(root, request.query_params.get("path"), UPLOAD_SUFFIXES)
        data = await request.body()
        await run_in_threadpool(atomic_write_bytes, path, data)
        return JSONResponse({"path": rel(path), "size": len(data)})

    async def on_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, PathError):
            return JSONResponse({"error": str(exc)}, status_code=403)
        if isinstance(exc, BadRequest):
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        if isinstance(exc, FileNotFoundError):
            return JSONResponse({"error": str(exc)}, status_code=404)
        if isinstance(exc, (_files.EditorFileError, GraphError)):
            return JSONResponse({"error": str(exc)}, status_code=422)
        return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, status_code=500)

    routes = [
        Route("/", index),
        Route("/api/state", state),
        Route("/api/catalogue", catalogue_route),
        Route("/api/files", files),
        Route("/api/session/load", session_load, methods=["POST"]),
        Route("/api/session/save", session_save, methods=["POST"]),
        Route("/api/model/load", model_load, methods=["POST"]),
        Route("/api/model/export", model_export, methods=["POST"]),
        Route("/api/validate/config", validate_config, methods=["POST"]),
        Route("/api/validate/model", validate_model, methods=["POST"]),
        Route("/api/run", run, methods=["POST"]),
        Route("/api/upload", upload, methods=["POST"]),
    ]
    if (STATIC_DIR / "assets").is_dir():
        routes.append(Mount("/assets", StaticFiles(directory=STATIC_DIR / "assets"), name="assets"))
    handlers: dict[tp.Any, tp.Callable] = {
        cls: on_error
        for cls in (PathError, BadRequest, FileNotFoundError, _files.EditorFileError, GraphError, Exception)
    }
    app = Starlette(routes=routes, exception_handlers=handlers)
    hosts = [f"127.0.0.1:{port}", f"localhost:{port}"] if port else ["127.0.0.1", "localhost"]
    return Guard(app, token=token, hosts=hosts, cookie_name=f"spark_editor_{port}", max_body=max_body)
