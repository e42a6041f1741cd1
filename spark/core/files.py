"""The ``.scfg`` file format and safe, atomic file helpers.

A config file is JSON (optionally gzip-compressed)::

    {"format": "spark.config", "version": 1, "config": {"$type": "config", "class": "...", "fields": {...}}}

Values that JSON cannot hold are tagged objects with a ``"$type"`` key (tuples, dtypes, arrays with
their dtype, configs, payload and module classes, port maps and specs). Classes are looked up by
*registered name only*: reading a file never imports a module or runs code.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import io
import json
import math
import os
import tempfile
import typing as tp

import numpy as np

from spark.core.errors import FileFormatError, RegistryError, UnsafeFileError

__all__ = [
    "FORMAT",
    "VERSION",
    "MAX_FILE_BYTES",
    "encode",
    "decode",
    "atomic_write",
    "read_limited",
    "write_config_file",
    "read_config_file",
]

FORMAT = "spark.config"
VERSION = 1
MAX_FILE_BYTES = 64 * 1024 * 1024  # decompressed size limit (decompression-bomb guard)
GZIP_MAGIC = b"\x1f\x8b"


# ---------------------------------------------------------------------------------------------------
# encoding
# ---------------------------------------------------------------------------------------------------
def encode(value: tp.Any) -> tp.Any:
    """Encode a config value (or a whole config) into JSON-ready data."""
    from spark.core.config import BaseConfig
    from spark.core.payloads import SparkPayload
    from spark.core.registry import MODULES
    from spark.core.specs import InputSpec, ModuleSpecs, OutputSpec, PortMap, PortSpecs

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return {"$type": "float", "value": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, BaseConfig):
        return {
            "$type": "config",
            "class": type(value).__name__,
            "fields": {name: encode(v) for name, _, v in value},
        }
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return {"$type": "dtype", "name": np.dtype(value).name}
    if isinstance(value, type) and issubclass(value, SparkPayload):
        return {"$type": "payload_type", "name": value.__name__}
    if isinstance(value, type) and hasattr(value, "default_config"):
        name = MODULES.name_of(value)
        if name is None:
            raise RegistryError(
                f"module class {value.__qualname__} is not registered, so it cannot be saved; "
                f"decorate it with @spark.register_module"
            )
        return {"$type": "module", "name": name}
    if isinstance(value, PortMap):
        return {"$type": "port_map", "origin": value.origin, "port": value.port}
    if isinstance(value, PortSpecs):
        tag = "input_spec" if isinstance(value, InputSpec) else "output_spec" if isinstance(value, OutputSpec) else "port_spec"
        out = {
            "$type": tag,
            "payload_type": value.payload_type.__name__,
            "shape": list(value.shape),
            "dtype": np.dtype(value.dtype).name,
        }
        if value.description:
            out["description"] = value.description
        if isinstance(value, InputSpec) and value.is_optional:
            out["is_optional"] = True
        return out
    if isinstance(value, ModuleSpecs):
        return {
            "$type": "module_specs",
            "name": value.name,
            "module": encode(value.module_cls)["name"],
            "config": encode(value.config),
            "inputs": {port: [encode(m) for m in maps] for port, maps in value.inputs.items()},
        }
    if isinstance(value, SparkPayload):
        return {"$type": "payload", "name": type(value).__name__, "value": encode(np.asarray(value.value))}
    if isinstance(value, np.generic):
        return {"$type": "scalar", "dtype": value.dtype.name, "value": encode(value.item())}
    if hasattr(value, "__array__") and hasattr(value, "dtype") and hasattr(value, "shape"):
        arr = np.array(value, order="C", copy=True)
        if arr.dtype.kind not in "biufc" and arr.dtype.name != "bfloat16":
            raise TypeError(f"cannot save an array of dtype {arr.dtype} in a config file")
        return {
            "$type": "array",
            "dtype": arr.dtype.name,
            "shape": list(arr.shape),
            "data": base64.b64encode(arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()).decode("ascii"),
        }
    if isinstance(value, tuple):
        return {"$type": "tuple", "items": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError(f"config dicts must have string keys, got {list(value)[:5]!r}")
        enc = {k: encode(v) for k, v in value.items()}
        return {"$type": "dict", "items": enc} if "$type" in value else enc
    raise TypeError(
        f"cannot save a value of type {type(value).__name__} ({value!r:.60}) in a config file; "
        f"use numbers, strings, tuples, lists, dicts, arrays, dtypes or configs"
    )


def _np_dtype(name: tp.Any, where: str) -> np.dtype:
    import jax.numpy as jnp

    try:
        dt = np.dtype(jnp.dtype(str(name)))
    except TypeError:
        raise FileFormatError(f"{where}: unknown dtype {name!r}") from None
    if dt.kind not in "biufc" and dt.name != "bfloat16":
        raise FileFormatError(f"{where}: dtype {name!r} is not numeric")
    return dt


def decode(data: tp.Any, expected: type | None = None, where: str = "config") -> tp.Any:
    """Decode data written by :func:`encode`. ``expected`` names the config class for a top-level config."""
    from spark.core.config import BaseConfig
    from spark.core.payloads import payload_type_by_name
    from spark.core.registry import CONFIGS, MODULES
    from spark.core.specs import InputSpec, ModuleSpecs, OutputSpec, PortMap, PortSpecs

    if isinstance(data, list):
        return [decode(v, where=f"{where}[{i}]") for i, v in enumerate(data)]
    if not isinstance(data, dict):
        if data is None or isinstance(data, (bool, int, float, str)):
            return data
        raise FileFormatError(f"{where}: unexpected value {data!r:.60}")
    tag = data.get("$type")
    if tag is None:
        return {k: decode(v, where=f"{where}.{k}") for k, v in data.items()}
    try:
        if tag == "dict":
            return {k: decode(v, where=f"{where}.{k}") for k, v in data["items"].items()}
        if tag == "tuple":
            return tuple(decode(v, where=f"{where}[{i}]") for i, v in enumerate(data["items"]))
        if tag == "float":
            return float(data["value"])
        if tag == "dtype":
            return _np_dtype(data["name"], where)
        if tag == "scalar":
            return _np_dtype(data["dtype"], where).type(data["value"])
        if tag == "array":
            dt = _np_dtype(data["dtype"], where)
            shape = tuple(int(s) for s in data["shape"])
            raw = base64.b64decode(data["data"], validate=True)
            count = int(np.prod(shape, dtype=np.int64))
            if len(raw) != count * dt.itemsize:
                raise FileFormatError(f"{where}: array data has {len(raw)} bytes, expected {count * dt.itemsize}")
            return np.frombuffer(raw, dtype=dt.newbyteorder("<")).astype(dt).reshape(shape)
        if tag == "payload_type":
            return payload_type_by_name(data["name"])
        if tag == "module":
            return MODULES.get(data["name"])
        if tag == "port_map":
            return PortMap(origin=data["origin"], port=data["port"])
        if tag in ("input_spec", "output_spec", "port_spec"):
            cls = {"input_spec": InputSpec, "output_spec": OutputSpec, "port_spec": PortSpecs}[tag]
            kw = dict(
                payload_type=payload_type_by_name(data["payload_type"]),
                shape=tuple(data["shape"]),
                dtype=_np_dtype(data["dtype"], where),
                description=data.get("description"),
            )
            if cls is InputSpec:
                kw["is_optional"] = bool(data.get("is_optional", False))
            return cls(**kw)
        if tag == "module_specs":
            module_cls = MODULES.get(data["module"])
            default = getattr(module_cls, "default_config", None)
            raw_config = data.get("config")
            config = None if raw_config is None else decode(raw_config, expected=default,
                                                            where=f"{where}.{data['name']}.config")
            inputs = {
                port: [decode(m, where=f"{where}.{data['name']}.inputs.{port}") for m in maps]
                for port, maps in data.get("inputs", {}).items()
            }
            return ModuleSpecs(name=data["name"], module_cls=module_cls, config=config, inputs=inputs)
        if tag == "payload":
            return payload_type_by_name(data["name"])(decode(data["value"], where=where))
        if tag == "config":
            name = data["class"]
            cls = None
            if expected is not None and (name == expected.__name__):
                cls = expected
            else:
                cls = CONFIGS.get(name)
                if expected is not None and not issubclass(cls, expected):
                    raise FileFormatError(f"{where}: expected a {expected.__name__}, the file holds a {name}")
            if not (isinstance(cls, type) and issubclass(cls, BaseConfig)):
                raise FileFormatError(f"{where}: '{name}' is not a config class")
            return _build_config(cls, data.get("fields", {}), where)
    except RegistryError as exc:
        raise UnsafeFileError(f"{where}: {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, FileFormatError):
            raise
        raise FileFormatError(f"{where}: malformed '{tag}' entry ({type(exc).__name__}: {exc})") from None
    raise FileFormatError(f"{where}: unknown value tag '$type': {tag!r}")


def _build_config(cls: type, fields: dict, where: str) -> tp.Any:
    from spark.core.config import BaseConfig
    from spark.core.errors import ConfigError

    names = cls._field_names()
    unknown = [k for k in fields if k not in names]
    if unknown:
        raise FileFormatError(f"{where}: {cls.__name__} has no field '{unknown[0]}'")
    obj = object.__new__(cls)
    for f in cls._fields():
        if f.name in fields:
            sub = cls._nested_type(f.name)
            value = decode(fields[f.name], expected=sub, where=f"{where}.{f.name}")
            if isinstance(value, dict) and sub is not None:
                value = sub(**value)
            object.__setattr__(obj, f.name, obj._normalize(f.name, value) if not isinstance(value, BaseConfig) else value)
        else:
            default = obj._default_of(f.name)
            if default is __import__("dataclasses").MISSING:
                raise ConfigError(f"{where}: missing required field '{f.name}' of {cls.__name__}")
            object.__setattr__(obj, f.name, default)
    obj.__post_init__()
    return obj


# ---------------------------------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb") -> tp.Iterator[tp.IO]:
    """Write to a temporary file next to ``path`` and move it into place only on success.

    A crash or an exception mid-write leaves any previous file at ``path`` untouched.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file ordinary permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_limited(path: str | os.PathLike, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read a file, transparently gunzipping it, refusing more than ``limit`` bytes of content."""
    with open(path, "rb") as fh:
        head = fh.read(2)
        fh.seek(0)
        stream: tp.IO[bytes] = gzip.GzipFile(fileobj=fh) if head == GZIP_MAGIC else fh
        try:
            data = stream.read(limit + 1)
        except (OSError, EOFError) as exc:
            raise FileFormatError(f"{os.fspath(path)}: corrupt compressed file ({exc})") from None
    if len(data) > limit:
        raise FileFormatError(f"{os.fspath(path)}: content larger than the {limit // (1024 * 1024)} MiB limit")
    return data


def write_config_file(config: tp.Any, path: str | os.PathLike, compress: bool | None = None) -> None:
    """Write ``config`` to ``path`` as a versioned ``.scfg`` document, atomically."""
    payload = {"format": FORMAT, "version": VERSION, "config": encode(config)}
    text = json.dumps(payload, indent=1, allow_nan=False).encode("utf-8")
    if compress is None:
        compress = os.fspath(path).endswith(".gz")
    if compress:
        buf = io.BytesIO()
        with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
            gz.write(text)
        text = buf.getvalue()
    with atomic_write(path) as fh:
        fh.write(text)


def parse_document(raw: bytes, source: str) -> dict:
    """Parse and check the envelope of a ``.scfg`` document; return its encoded config."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileFormatError(f"{source}: not a Spark config file (invalid JSON: {exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise FileFormatError(f"{source}: not a Spark config file (missing \"format\": \"{FORMAT}\")")
    version = doc.get("version")
    if not isinstance(version, int) or version > VERSION or version < 1:
        raise FileFormatError(
            f"{source}: config file version {version!r} is not supported (this Spark reads versions 1..{VERSION}); "
            f"upgrade Spark to read it"
        )
    return doc["config"]


def read_config_file(path: str | os.PathLike, expected: type | None = None) -> tp.Any:
    """Read a ``.scfg`` file written by :func:`write_config_file`."""
    source = os.fspath(path)
    if not os.path.exists(source):
        raise FileNotFoundError(f"config file not found: {source}")
    enc = parse_document(read_limited(source), source)
    return decode(enc, expected=expected, where=os.path.basename(source))
