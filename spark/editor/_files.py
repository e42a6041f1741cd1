"""Editor files: sessions (``.sge``) and models (``.scfg``).

A **session** saves the editor's whole state, valid model or not::

    {"format": "spark.editor.session", "version": 1,
     "graph": <graph document, see spark.editor._graph>,
     "view": {"panning": {"x": 0, "y": 0}, "scaling": 1.0},
     "model_path": "last/exported.scfg" | null}

A **model** is a ``BrainConfig`` in Spark's ``.scfg`` format (JSON, optionally gzip-compressed), read
here without building anything so that even a model with invalid values opens in the editor.
"""

from __future__ import annotations

import gzip
import json
import typing as tp
from pathlib import Path

from spark.editor._graph import GraphError, brain_to_graph
from spark.editor._security import atomic_write_bytes

__all__ = [
    "SESSION_FORMAT",
    "SESSION_VERSION",
    "MODEL_FORMAT",
    "MAX_FILE_BYTES",
    "EditorFileError",
    "write_session",
    "read_session",
    "read_model_graph",
    "parse_model_bytes",
]

SESSION_FORMAT = "spark.editor.session"
SESSION_VERSION = 1
MODEL_FORMAT = "spark.config"
MAX_FILE_BYTES = 64 * 1024 * 1024


class EditorFileError(ValueError):
    """A session or model file cannot be read (not JSON, wrong format or version, too large)."""


def _read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    if not path.is_file():
        raise FileNotFoundError(f"file not found: {path.name}")
    with open(path, "rb") as fh:
        head = fh.read(2)
        fh.seek(0)
        stream: tp.IO[bytes] = gzip.GzipFile(fileobj=fh) if head == b"\x1f\x8b" else fh
        try:
            data = stream.read(limit + 1)
        except (OSError, EOFError) as exc:
            raise EditorFileError(f"{path.name}: corrupt compressed file ({exc})") from None
    if len(data) > limit:
        raise EditorFileError(f"{path.name}: larger than the {limit // 2**20} MiB limit")
    return data


def _json(data: bytes, source: str) -> tp.Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EditorFileError(f"{source}: not a JSON file ({exc})") from None


def _check_graph(graph: tp.Any, source: str) -> dict:
    if (
        not isinstance(graph, dict)
        or not isinstance(graph.get("nodes"), list)
        or not isinstance(graph.get("edges"), list)
    ):
        raise EditorFileError(f"{source}: the session has no graph (expected 'nodes' and 'edges' lists)")
    return graph


def make_session(graph: dict, view: dict | None = None, model_path: str | None = None) -> dict:
    """The session document for ``graph``."""
    return {
        "format": SESSION_FORMAT,
        "version": SESSION_VERSION,
        "graph": _check_graph(graph, "session"),
        "view": view or {},
        "model_path": model_path,
    }


def write_session(path: Path, session: dict) -> None:
    """Save a session atomically: a failed save leaves the previous file intact."""
    doc = make_session(session.get("graph"), session.get("view"), session.get("model_path"))
    try:
        data = json.dumps(doc, indent=1, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise EditorFileError(
            f"{path.name}: the session cannot be saved ({exc}); the previous file is unchanged"
        ) from None
    atomic_write_bytes(path, data)


def read_session(path: Path) -> dict:
    """Read a session file and check its format and version."""
    doc = _json(_read_bytes(path), path.name)
    if not isinstance(doc, dict) or doc.get("format") != SESSION_FORMAT:
        raise EditorFileError(
            f'{path.name}: not a graph editor session (missing "format": "{SESSION_FORMAT}")'
        )
    version = doc.get("version")
    if not isinstance(version, int) or not 1 <= version <= SESSION_VERSION:
        raise EditorFileError(
            f"{path.name}: session version {version!r} is not supported (this editor reads 1..{SESSION_VERSION})"
        )
    return make_session(_check_graph(doc.get("graph"), path.name), doc.get("view"), doc.get("model_path"))


def parse_model_bytes(data: bytes, source: str, port_counts: dict[str, int] | None = None) -> dict:
    """The graph document of a ``.scfg`` file's content (layered layout applied)."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise EditorFileError(f"{source}: corrupt compressed file ({exc})") from None
    doc = _json(data, source)
    if not isinstance(doc, dict) or doc.get("format") != MODEL_FORMAT:
        raise EditorFileError(f'{source}: not a Spark model file (missing "format": "{MODEL_FORMAT}")')
    if doc.get("version") != 1:
        raise EditorFileError(
            f"{source}: model file version {doc.get('version')!r} is not supported (expected 1)"
        )
    config = doc.get("config")
    if not isinstance(config, dict) or config.get("class") != "BrainConfig":
        found = config.get("class") if isinstance(config, dict) else type(config).__name__
        raise EditorFileError(f"{source}: the file holds a {found}, not a BrainConfig")
    try:
        return brain_to_graph(config, port_counts)
    except GraphError as exc:
        raise EditorFileError(f"{source}: {exc}") from None


def read_model_graph(path: Path, port_counts: dict[str, int] | None = None) -> dict:
    """Read a ``.scfg`` model file into a graph document."""
    return parse_model_bytes(_read_bytes(path), path.name, port_counts)
