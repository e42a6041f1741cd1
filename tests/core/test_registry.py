import pytest

import spark
from spark.core.registry import MODULES


class RegisteredThingConfig(spark.nn.Config):
    pass


def test_register_with_and_without_name():
    @spark.register_module
    class RegisteredThing(spark.nn.Module):
        config: RegisteredThingConfig

        def __call__(self, x: spark.FloatArray) -> dict:
            return {}

    assert MODULES.get("RegisteredThing") is RegisteredThing
    assert MODULES.get("registered_thing") is RegisteredThing

    @spark.register_module("my_even_more_awesome_thing")
    class Other(spark.nn.Module):
        config: RegisteredThingConfig

        def __call__(self, x: spark.FloatArray) -> dict:
            return {}

    assert MODULES.get("my_even_more_awesome_thing") is Other
    assert MODULES.name_of(Other) == "my_even_more_awesome_thing"


def test_name_clash_and_unknown_name_errors():
    class A(spark.nn.Module):
        config: RegisteredThingConfig

        def __call__(self, x: spark.FloatArray) -> dict:
            return {}

    spark.register_module("clash_name")(A)

    class B(spark.nn.Module):
        config: RegisteredThingConfig

        def __call__(self, x: spark.FloatArray) -> dict:
            return {}

    with pytest.raises(spark.RegistryError, match="'clash_name' is already taken"):
        spark.register_module("clash_name")(B)
    with pytest.raises(spark.RegistryError, match="unknown module 'clash_nme'.*did you mean 'clash_name'"):
        MODULES.get("clash_nme")
