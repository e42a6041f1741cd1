"""Module checkpoints: one zip archive holding the config, the input specs and every state array.

Layout of a ``.spark`` checkpoint (a plain zip file, safe to copy and share)::

    manifest.json   format, version, module (registered name), name, input specs, variable index
    config.scfg     the module's config, in the config-file format
    arrays/<i>.bin  raw little-endian bytes of variable i (dtype and shape in the manifest)

Loading with ``safe=True`` refuses member names with ``..`` or absolute paths, symbolic links,
unknown module or config classes and oversized members; nothing is ever unpickled or imported.
"""

from __future__ import annotations

import json
import os
import stat
import typing as tp
import zipfile

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.errors import FileFormatError, UnsafeFileError
from spark.core.files import MAX_FILE_BYTES, atomic_write, decode, encode, parse_document
from spark.core.registry import MODULES

__all__ = ["save_checkpoint", "load_checkpoint", "CHECKPOINT_FORMAT"]

CHECKPOINT_FORMAT = "spark.checkpoint"
CHECKPOINT_VERSION = 1
MAX_MEMBER_BYTES = 4 * 1024**3


def save_checkpoint(module: tp.Any, path: str | os.PathLike, overwrite: bool = False) -> None:
    from spark.core.graph import split

    path = os.fspath(path)
    if os.path.exists(path) and not overwrite:
        raise FileExistsError(f"checkpoint {path} already exists; pass overwrite=True to replace it")
    if not module.__built__:
        raise FileFormatError(f"{type(module).__name__} '{module.name}' is not built; call it once before checkpointing")
    reg = MODULES.name_of(type(module))
    if reg is None:
        raise FileFormatError(
            f"{type(module).__name__} is not registered; decorate it with @spark.register_module to checkpoint it"
        )
    _, state = split(module, constants_in_state=True)
    index = []
    blobs = []
    for key, value in state.items():
        leaves, treedef = jax.tree_util.tree_flatten(value)
        payload = type(value).__name__ if hasattr(value, "value") and len(leaves) == 1 else None
        if len(leaves) != 1:
            raise FileFormatError(f"variable '{key}' holds {len(leaves)} arrays; only single-array variables can be saved")
        arr = np.asarray(jax.device_get(leaves[0]))
        index.append({"key": key, "dtype": arr.dtype.name, "shape": list(arr.shape), "payload": payload})
        blobs.append(np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"), copy=False).tobytes())
    manifest = {
        "format": CHECKPOINT_FORMAT,
        "version": CHECKPOINT_VERSION,
        "module": reg,
        "name": module.name,
        "input_specs": {k: encode(v) for k, v in module.get_input_specs().items()},
        "variables": index,
    }
    config_doc = {"format": "spark.config", "version": 1, "config": encode(module.config)}
    with atomic_write(path) as fh, zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=1))
        zf.writestr("config.scfg", json.dumps(config_doc, indent=1))
        for i, blob in enumerate(blobs):
            zf.writestr(f"arrays/{i}.bin", blob)


def _check_member(info: zipfile.ZipInfo, safe: bool) -> None:
    name = info.filename
    if not safe:
        return
    if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name:
        raise UnsafeFileError(f"checkpoint member '{name}' has an unsafe path (absolute or with '..')")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UnsafeFileError(f"checkpoint member '{name}' is a symbolic link; refusing to load it")
    if info.file_size > MAX_MEMBER_BYTES:
        raise UnsafeFileError(f"checkpoint member '{name}' is too large ({info.file_size} bytes)")


def load_checkpoint(path: str | os.PathLike, safe: bool = True, expected: type | None = None) -> tp.Any:
    from spark.core.graph import split, update

    path = os.fspath(path)
    if safe and os.path.islink(path):
        raise UnsafeFileError(f"checkpoint {path} is a symbolic link; pass safe=False to follow it")
    if not zipfile.is_zipfile(path):
        raise FileFormatError(f"{path} is not a Spark checkpoint (not a zip archive)")
    with zipfile.ZipFile(path) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        for info in infos.values():
            _check_member(info, safe)
        for required in ("manifest.json", "config.scfg"):
            if required not in infos:
                raise FileFormatError(f"{path}: checkpoint lacks '{required}'")
        if infos["manifest.json"].file_size > MAX_FILE_BYTES:
            raise UnsafeFileError(f"{path}: manifest too large")
        manifest = json.loads(zf.read("manifest.json"))
        if manifest.get("format") != CHECKPOINT_FORMAT:
            raise FileFormatError(f"{path}: not a Spark checkpoint (format {manifest.get('format')!r})")
        if not isinstance(manifest.get("version"), int) or manifest["version"] > CHECKPOINT_VERSION:
            raise FileFormatError(f"{path}: checkpoint version {manifest.get('version')!r} is not supported")
        try:
            cls = MODULES.get(manifest["module"])
        except KeyError as exc:
            raise UnsafeFileError(f"{path}: {exc}") from None
        if expected is not None and expected is not cls and not issubclass(cls, expected):
            raise FileFormatError(f"{path}: holds a {cls.__name__}, not a {expected.__name__}")
        if infos["config.scfg"].file_size > MAX_FILE_BYTES:
            raise UnsafeFileError(f"{path}: config too large")
        config = decode(parse_document(zf.read("config.scfg"), path), expected=cls.default_config)
        specs = {k: decode(v) for k, v in manifest["input_specs"].items()}
        module = cls(config=config, name=manifest.get("name"))
        module.build_from_specs(specs)
        _, state = split(module, constants_in_state=True)
        saved = {}
        for i, entry in enumerate(manifest["variables"]):
            member = f"arrays/{i}.bin"
            if member not in infos:
                raise FileFormatError(f"{path}: missing array for '{entry['key']}'")
            dt = np.dtype(entry["dtype"])
            arr = np.frombuffer(zf.read(member), dtype=dt.newbyteorder("<")).astype(dt).reshape(entry["shape"])
            saved[entry["key"]] = arr
    if set(saved) != set(state):
        missing = sorted(set(state) ^ set(saved))
        raise FileFormatError(f"{path}: checkpoint variables do not match the rebuilt module ({missing[:5]})")
    new_state = {}
    for key, current in state.items():
        leaves, treedef = jax.tree_util.tree_flatten(current)
        new_state[key] = jax.tree_util.tree_unflatten(treedef, [jnp.asarray(saved[key])])
    update(module, new_state)
    return module
