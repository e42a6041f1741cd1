import dataclasses as dc
import gzip
import json
import os
import pathlib
import tempfile
import typing as tp

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spark
from spark.core import files
from spark.core.errors import FileFormatError, UnsafeFileError


class InnerConfig(spark.nn.Config):
    gain: float = 1.0
    shape: tuple[int, ...] = (3,)


class OuterConfig(spark.nn.Config):
    name: str = "x"
    count: int = 2
    ratio: float = 0.5
    flag: bool = True
    items: list[int] = dc.field(default_factory=list)
    table: dict[str, float] = dc.field(default_factory=dict)
    weights: tp.Any = None
    inner: InnerConfig = dc.field(default_factory=InnerConfig)


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
dtypes = st.sampled_from(["float16", "float32", "float64", "int8", "int32", "uint16", "bool"])


@st.composite
def arrays(draw):
    dt = np.dtype(draw(dtypes))
    shape = tuple(draw(st.lists(st.integers(0, 3), max_size=3)))
    n = int(np.prod(shape, dtype=np.int64))
    raw = draw(st.lists(st.integers(0, 100), min_size=n, max_size=n))
    return np.asarray(raw).astype(dt).reshape(shape)


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(max_size=20),
    count=st.integers(-(2**40), 2**40),
    ratio=st.one_of(finite, st.just(float("inf")), st.just(float("-inf"))),
    flag=st.booleans(),
    items=st.lists(st.integers(-5, 5), max_size=5),
    table=st.dictionaries(st.text(max_size=5), finite, max_size=4),
    weights=st.one_of(st.none(), arrays(), st.tuples(st.integers(), st.text(max_size=3))),
    gain=finite,
    shape=st.lists(st.integers(1, 9), min_size=1, max_size=3).map(tuple),
    dtype=st.sampled_from([jnp.float16, jnp.float32, "bfloat16", np.float64]),
    compress=st.booleans(),
)
def test_config_file_round_trip_is_lossless(name, count, ratio, flag, items, table, weights,
                                            gain, shape, dtype, compress):
    cfg = OuterConfig(name=name, count=count, ratio=ratio, flag=flag, items=items, table=table, weights=weights,
                      inner__gain=gain, inner__shape=shape, _s_dtype=dtype, __skip_validation__=True)
    path = pathlib.Path(tempfile.mkdtemp()) / ("c.scfg.gz" if compress else "c.scfg")
    cfg.to_file(str(path))
    back = OuterConfig.from_file(str(path))
    assert back == cfg
    assert back.inner.dtype == cfg.inner.dtype
    if isinstance(weights, np.ndarray):
        assert back.weights.dtype == weights.dtype and back.weights.shape == weights.shape
    if compress:
        assert path.read_bytes()[:2] == b"\x1f\x8b"


def test_dict_round_trip_and_format_envelope(tmp_path):
    cfg = OuterConfig(items=[1, 2], inner__shape=(4, 5))
    assert OuterConfig.from_dict(cfg.to_dict()) == cfg
    path = tmp_path / "c.scfg"
    cfg.to_file(str(path))
    doc = json.loads(path.read_text())
    assert doc["format"] == "spark.config" and doc["version"] == 1
    assert doc["config"]["class"] == "OuterConfig"
    assert doc["config"]["fields"]["inner"]["fields"]["shape"] == {"$type": "tuple", "items": [4, 5]}


def test_unknown_class_in_file_is_refused_without_import(tmp_path):
    path = tmp_path / "evil.scfg"
    enc = OuterConfig().to_dict()
    enc["fields"]["inner"]["class"] = "os.system"
    path.write_text(json.dumps({"format": "spark.config", "version": 1, "config": enc}))
    with pytest.raises(UnsafeFileError, match="unknown config 'os.system'"):
        OuterConfig.from_file(str(path))
    enc = OuterConfig().to_dict()
    enc["fields"]["weights"] = {"$type": "module", "name": "subprocess.Popen"}
    path.write_text(json.dumps({"format": "spark.config", "version": 1, "config": enc}))
    with pytest.raises(UnsafeFileError, match="unknown module 'subprocess.Popen'"):
        OuterConfig.from_file(str(path))


def test_bad_files_give_clear_errors(tmp_path):
    p = tmp_path / "x.scfg"
    p.write_text("{not json")
    with pytest.raises(FileFormatError, match="invalid JSON"):
        OuterConfig.from_file(str(p))
    p.write_text(json.dumps({"format": "other"}))
    with pytest.raises(FileFormatError, match="not a Spark config file"):
        OuterConfig.from_file(str(p))
    p.write_text(json.dumps({"format": "spark.config", "version": 99, "config": {}}))
    with pytest.raises(FileFormatError, match="version 99 is not supported"):
        OuterConfig.from_file(str(p))
    with pytest.raises(FileNotFoundError, match="config file not found"):
        OuterConfig.from_file(str(tmp_path / "missing.scfg"))
    enc = OuterConfig().to_dict()
    enc["fields"]["typo_field"] = 1
    p.write_text(json.dumps({"format": "spark.config", "version": 1, "config": enc}))
    with pytest.raises(FileFormatError, match="has no field 'typo_field'"):
        OuterConfig.from_file(str(p))


def test_decompression_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    p = tmp_path / "bomb.scfg"
    with gzip.open(p, "wb") as fh:
        fh.write(b" " * 100_000)
    with pytest.raises(FileFormatError, match="larger than"):
        files.read_limited(str(p), limit=1000)


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    p = tmp_path / "good.scfg"
    OuterConfig(count=1).to_file(str(p))
    before = p.read_bytes()

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with files.atomic_write(str(p)) as fh:
            fh.write(b"partial")
            raise Boom()
    assert p.read_bytes() == before
    assert os.listdir(tmp_path) == ["good.scfg"]  # no temp file left behind
    cfg = OuterConfig(weights=object())
    with pytest.raises(TypeError, match="cannot save a value of type object"):
        cfg.to_file(str(p))
    assert p.read_bytes() == before


def test_from_file_works_for_unregistered_class_named_by_caller(tmp_path):
    class LocalConfig(spark.nn.Config):
        inner: InnerConfig = dc.field(default_factory=InnerConfig)

    from spark.core.registry import CONFIGS

    CONFIGS._by_name.pop("LocalConfig", None)
    cfg = LocalConfig(inner__gain=3.0)
    cfg.to_file(str(tmp_path / "l.scfg"))
    assert LocalConfig.from_file(str(tmp_path / "l.scfg")) == cfg
