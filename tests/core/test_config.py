import dataclasses as dc
import typing as tp

import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.core.errors import ConfigError


class ChildConfig(spark.nn.Config):
    foo: int
    bar: float = dc.field(
        default=2.0,
        metadata={
            "units": "nA",
            "validators": [spark.validation.TypeValidator, spark.validation.PositiveValidator],
            "description": "a positive current",
        },
    )


class ParentConfig(spark.nn.Config):
    foo: int
    child_bar: ChildConfig
    child_baz: ChildConfig = dc.field(default_factory=lambda **kw: ChildConfig(**{"foo": 1, **kw}))


def test_plain_fields_and_defaults():
    c = ChildConfig(foo=3)
    assert (c.foo, c.bar, c.dt) == (3, 2.0, 1.0)
    assert c.dtype == np.dtype("float32")
    assert isinstance(c.seed, int)


def test_nested_by_double_underscore_dict_instance_and_factory():
    c = ParentConfig(foo=1, child_bar__foo=2, child_baz__foo=3)
    assert (c.foo, c.child_bar.foo, c.child_baz.foo) == (1, 2, 3)
    c = ParentConfig(foo=4, child_bar={"foo": 5}, child_baz={"foo": 6})
    assert (c.child_bar.foo, c.child_baz.foo) == (5, 6)
    bar = ChildConfig(foo=9)
    c = ParentConfig(foo=8, child_bar=bar)
    assert c.child_bar == bar and c.child_bar is not bar  # copied, not aliased
    assert c.child_baz.foo == 1  # factory default


def test_shared_keyword_reaches_every_nested_config():
    c = ParentConfig(_s_foo=7)
    assert (c.foo, c.child_bar.foo, c.child_baz.foo) == (7, 7, 7)
    c = ParentConfig(foo=1, _s_foo=7, child_bar__foo=2)
    assert (c.foo, c.child_bar.foo, c.child_baz.foo) == (1, 2, 7)  # explicit keys win
    c = ParentConfig(_s_foo=1, _s_dtype=jnp.float16)
    assert c.child_bar.dtype == np.dtype("float16") and c.dtype == np.dtype("float16")


def test_unknown_key_suggests_closest_field():
    with pytest.raises(ConfigError, match=r"unknown field 'fo0'.*did you mean 'foo'"):
        ChildConfig(fo0=1)
    with pytest.raises(ConfigError, match=r"unknown field 'chld_bar'.*did you mean 'child_bar'"):
        ParentConfig(foo=1, chld_bar__foo=1)
    with pytest.raises(ConfigError, match=r"_s_nope"):
        ParentConfig(foo=1, _s_nope=3)


def test_missing_required_field_is_named():
    with pytest.raises(ConfigError, match=r"missing required field 'foo'"):
        ChildConfig()
    with pytest.raises(ConfigError, match=r"child_bar.*missing required field 'foo'"):
        ParentConfig(foo=1)


def test_validators_name_field_value_and_rule():
    with pytest.raises(ValueError, match=r"'bar' must be positive \(> 0\), got -1"):
        ChildConfig(foo=1, bar=-1)
    with pytest.raises(ConfigError, match=r"'bar' must be of type float, got \[2.0\]"):
        ChildConfig(foo=1, bar=[2.0])


def test_validate_collects_every_error_with_dotted_path():
    c = ParentConfig(foo=1, child_bar__foo=1)
    c.child_bar.bar = -1.0
    c.child_baz.bar = "x"
    errors = c.validate(errors=[])
    assert any("child_bar.bar" in e and "positive" in e for e in errors)
    assert any("child_baz.bar" in e and "type float" in e for e in errors)
    with pytest.raises(ConfigError, match=r"2 invalid fields"):
        c.validate()
    assert c.get_field_errors("foo") == []
    assert c.child_bar.get_field_errors("bar") == ["'bar' must be positive (> 0), got -1.0"]


def test_merge_and_diff():
    c = ParentConfig(foo=1, child_bar__foo=2)
    other = ParentConfig(foo=1, child_bar__foo=2, seed=c.seed)
    other.child_bar.seed, other.child_baz.seed = c.child_bar.seed, c.child_baz.seed
    assert c == other and c.diff(other) == {}
    c.merge({"child_bar__bar": 5.0, "child_baz": {"foo": 4}})
    assert c.child_bar.bar == 5.0 and c.child_baz.foo == 4
    assert c.diff(other) == {"child_bar.bar": (5.0, 2.0), "child_baz.foo": (4, 1)}
    with pytest.raises(ConfigError, match="unknown field 'child_bz'"):
        c.merge({"child_bz": {}})
    with pytest.raises(ValueError, match="positive"):
        c.merge({"child_bar__bar": -2.0})


def test_metadata_iteration_inspect_and_kwargs():
    c = ChildConfig(foo=1)
    meta = c.get_metadata()
    assert meta["bar"]["units"] == "nA" and meta["bar"]["description"] == "a positive current"
    assert [name for name, _, _ in c] == ["seed", "dtype", "dt", "foo", "bar"]
    text = c.inspect()
    assert "bar = 2.0 [nA]" in text and "a positive current" in text
    kw = ParentConfig(foo=1, child_bar__foo=2).get_kwargs()
    assert kw["child_bar"]["foo"] == 2
    assert ParentConfig(**kw) == ParentConfig(**kw)


def test_with_new_seeds_changes_every_seed_and_is_deterministic():
    c = ParentConfig(foo=1, child_bar__foo=2)
    a, b = c.with_new_seeds(3), c.with_new_seeds(3)
    assert a == b
    assert a.seed != c.seed or a.child_bar.seed != c.child_bar.seed
    seeds = {a.seed, a.child_bar.seed, a.child_baz.seed}
    assert len(seeds) == 3


def test_class_ref_by_convention_and_by_name():
    class WidgetConfig(spark.nn.Config):
        pass

    @spark.register_module
    class Widget(spark.nn.Module):
        config: WidgetConfig

        def __call__(self, x: spark.FloatArray) -> dict:
            return {}

    class OddConfig(spark.nn.Config):
        __class_ref__ = "Widget"

    assert WidgetConfig().class_ref is Widget
    assert OddConfig().class_ref is Widget

    class LonelyConfig(spark.nn.Config):
        pass

    with pytest.raises(ConfigError, match="__class_ref__"):
        _ = LonelyConfig().class_ref


def test_equality_compares_arrays_by_value_and_dtype():
    class ArrConfig(spark.nn.Config):
        w: tp.Any = dc.field(default_factory=lambda: np.arange(3, dtype=np.float32))

    a, b = ArrConfig(seed=1), ArrConfig(seed=1)
    assert a == b
    b.w = np.arange(3, dtype=np.float64)
    assert a != b
