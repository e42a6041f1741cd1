"""Seed page 001 (spark.nn reference): every listed class, method and attribute exists with its parameters."""

import inspect

import pytest

import spark

LISTED = {
    spark.nn.Module: ["name", "config", "default_config", "__init_subclass__", "__built__", "__allow_cycles__",
                      "get_config_spec", "build", "reset", "set_contract_output_specs", "get_contract_output_specs",
                      "get_input_specs", "get_output_specs", "get_rng_keys", "__call__", "__repr__", "inspect",
                      "checkpoint", "from_checkpoint"],
    spark.nn.BaseConfig: ["__config_delimiter__", "__shared_config_delimiter__", "__graph_editor_metadata__",
                          "__init_subclass__", "__eq__", "merge", "diff", "validate", "get_field_errors",
                          "get_metadata", "class_ref", "__post_init__", "to_dict", "get_kwargs", "from_dict",
                          "to_file", "from_file", "__iter__", "__repr__", "inspect", "with_new_seeds"],
    spark.nn.Brain: ["config", "resolve_initialization_order", "build", "reset", "__call__", "get_spikes_from_cache"],
    spark.nn.BrainConfig: ["validate", "refresh_seeds"],
}

PARAMETERS = {
    (spark.nn.Module, "__init__"): ["config", "name"],
    (spark.nn.Module, "checkpoint"): ["path", "overwrite"],
    (spark.nn.Module, "from_checkpoint"): ["path", "safe"],
    (spark.nn.Module, "get_rng_keys"): ["num_keys"],
    (spark.nn.Module, "build"): ["input_specs"],
    (spark.nn.Module, "set_contract_output_specs"): ["contract_specs"],
    (spark.nn.BaseConfig, "__init__"): ["__skip_validation__"],
    (spark.nn.BaseConfig, "merge"): ["partial", "__skip_validation__"],
    (spark.nn.BaseConfig, "validate"): ["is_partial", "errors", "current_path"],
    (spark.nn.BaseConfig, "to_dict"): ["is_partial"],
    (spark.nn.BaseConfig, "to_file"): ["file_path", "is_partial"],
    (spark.nn.BaseConfig, "from_file"): ["file_path", "is_partial"],
    (spark.nn.BaseConfig, "inspect"): ["simplified"],
    (spark.nn.BaseConfig, "with_new_seeds"): ["seed"],
    (spark.nn.BaseConfig, "get_field_errors"): ["field_name"],
}


@pytest.mark.parametrize("cls", list(LISTED), ids=lambda c: c.__name__)
def test_listed_members_exist(cls):
    missing = [name for name in LISTED[cls] if not hasattr(cls, name) and name not in getattr(cls, "__annotations__", {})]
    assert not missing


@pytest.mark.parametrize("key", list(PARAMETERS), ids=lambda k: f"{k[0].__name__}.{k[1]}")
def test_listed_parameters(key):
    cls, method = key
    params = inspect.signature(getattr(cls, method)).parameters
    assert [p for p in PARAMETERS[key] if p not in params] == []


def test_config_fields_and_brain_config_fields():
    cfg = spark.nn.Config()
    assert {"seed", "dtype", "dt"} <= {name for name, _, _ in cfg}
    assert {"input_map", "output_map", "modules_map"} <= set(spark.nn.BrainConfig._field_names())
