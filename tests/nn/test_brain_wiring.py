"""Wiring errors are found before anything runs and name the module and port on both ends."""

from __future__ import annotations

import jax.numpy as jnp
import pytest
from brain_parts import (
    CALL,
    BrainTestRelay,
    BrainTestRelayConfig,
    F,
    S,
    drive_spec,
    out,
    pm,
    pool,
    recurrent_config,
    relay,
    threshold,
)

import spark


def config(
    modules: dict, outputs: dict | None = None, inputs: dict | None = None, **kw
) -> spark.nn.BrainConfig:
    return spark.nn.BrainConfig(
        input_map={"drive": drive_spec()} if inputs is None else inputs,
        output_map={"o": out("r", "y", (4,))} if outputs is None else outputs,
        modules_map=modules,
        **kw,
    )


def ok_modules(**extra) -> dict:
    return {"r": relay("r", pm(CALL, "drive")), **extra}


def test_a_valid_config_has_no_errors():
    cfg = config(ok_modules())
    assert cfg.validation_errors() == {}
    assert cfg.validate() is None
    assert cfg.validate(errors=[]) == []


def test_port_map_to_a_missing_module():
    with pytest.raises(
        spark.WiringError,
        match=r"'r2.x' reads 'rr.y', but there is no module 'rr' in "
        r"modules_map \(did you mean 'r'\?\)",
    ):
        config(ok_modules(r2=relay("r2", pm("rr", "y"))))


def test_port_map_to_a_missing_output_port():
    with pytest.raises(
        spark.WiringError,
        match=r"'r2.x' reads 'r.z', but module 'r' \(BrainTestRelay\) has no "
        r"output 'z'; its outputs are: y",
    ):
        config(ok_modules(r2=relay("r2", pm("r", "z"))))


def test_port_map_to_a_missing_brain_input():
    with pytest.raises(
        spark.WiringError,
        match=r"'r.x' reads brain input 'drvie', which is not in input_map "
        r"\(did you mean 'drive'\?\); brain inputs are: drive",
    ):
        config({"r": relay("r", pm(CALL, "drvie"))})


def test_port_map_into_a_missing_input_port():
    spec = spark.ModuleSpecs(
        name="r",
        module_cls=BrainTestRelay,
        config=BrainTestRelayConfig(),
        inputs={"x": [pm(CALL, "drive")], "xx": [pm(CALL, "drive")]},
    )
    with pytest.raises(
        spark.WiringError,
        match=r"module 'r' \(BrainTestRelay\) has no input port 'xx' "
        r"\(did you mean 'x'\?\); its inputs are: x",
    ):
        config({"r": spec})


def test_required_input_not_connected():
    spec = spark.ModuleSpecs(name="r", module_cls=BrainTestRelay, config=BrainTestRelayConfig(), inputs={})
    with pytest.raises(
        spark.WiringError,
        match=r"module 'r' \(BrainTestRelay\): required input 'x' is not "
        r"connected",
    ):
        config({"r": spec}, outputs={"o": out("r", "y", (4,))})


def test_payload_type_mismatch_between_modules():
    with pytest.raises(
        spark.WiringError,
        match=r"payload type mismatch: 'th.spikes' gives SpikeArray, but "
        r"'r2.x' expects FloatArray",
    ):
        config(ok_modules(th=threshold("th", pm(CALL, "drive")), r2=relay("r2", pm("th", "spikes"))))


def test_payload_type_mismatch_from_a_brain_input():
    with pytest.raises(
        spark.WiringError,
        match=r"payload type mismatch: brain input 'drive' gives FloatArray, "
        r"but 'p.in_spikes' expects SpikeArray",
    ):
        config(ok_modules(p=pool("p", pm(CALL, "drive"))))


def test_payload_type_mismatch_into_a_brain_output():
    with pytest.raises(
        spark.WiringError,
        match=r"payload type mismatch: 'r.y' gives FloatArray, but brain "
        r"output 'o' expects SpikeArray",
    ):
        config(ok_modules(), outputs={"o": out("r", "y", (4,), S)})


def test_missing_input_map():
    with pytest.raises(spark.WiringError, match=r"the brain has no inputs: input_map is empty"):
        config(ok_modules(), inputs={})


def test_missing_output_map():
    with pytest.raises(spark.WiringError, match=r"the brain has no outputs: output_map is empty"):
        config(ok_modules(), outputs={})


def test_output_read_from_a_missing_module_and_malformed_outputs():
    with pytest.raises(spark.WiringError, match=r"brain output 'o' reads 'q.y', but there is no module 'q'"):
        config(ok_modules(), outputs={"o": out("q", "y", (4,))})
    with pytest.raises(spark.WiringError, match=r"brain output 'o' must be a dict \{'input': spark.PortMap"):
        config(ok_modules(), outputs={"o": pm("r", "y")})
    with pytest.raises(spark.WiringError, match=r"brain output 'o': 'spec' must be a spark.OutputSpec"):
        config(ok_modules(), outputs={"o": {"input": pm("r", "y"), "spec": (4,)}})


def test_cycle_with_no_contract():
    modules = {
        "th": threshold("th", pm(CALL, "drive")),
        "pa": pool("pa", pm("th", "spikes"), pm("pb", "out_spikes"), contract=False),
        "pb": pool("pb", pm("pa", "out_spikes"), contract=False),
    }
    with pytest.raises(
        spark.WiringError,
        match=r"wiring cycle with no contract: 'pa.out_spikes' -> "
        r"'pb.in_spikes'; 'pb.out_spikes' -> 'pa.in_spikes'.*"
        r"'pa' \(BrainTestPool\) has no contract; 'pb' "
        r"\(BrainTestPool\) has no contract",
    ):
        config(modules, outputs={"o": out("pa", "out_spikes", (6,), S)})


def test_self_connection_with_no_contract():
    modules = {
        "th": threshold("th", pm(CALL, "drive")),
        "p": pool("p", pm("th", "spikes"), pm("p", "out_spikes"), contract=False),
    }
    with pytest.raises(
        spark.WiringError, match=r"wiring cycle with no contract: 'p.out_spikes' -> 'p.in_spikes'"
    ):
        config(modules, outputs={"o": out("p", "out_spikes", (6,), S)})


def test_one_contract_per_cycle_is_enough():
    modules = {
        "th": threshold("th", pm(CALL, "drive")),
        "pa": pool("pa", pm("th", "spikes"), pm("pb", "out_spikes")),
        "pb": pool("pb", pm("pa", "out_spikes"), contract=False),
    }
    config(modules, outputs={"o": out("pa", "out_spikes", (6,), S)}).validate()


def test_broken_contract_is_caught_at_build():
    modules = {
        "th": threshold("th", pm(CALL, "drive")),
        "p": pool("p", pm("th", "spikes"), pm("p", "out_spikes"), contract_units=5),
    }
    brain = spark.nn.Brain(config=config(modules, outputs={"o": out("p", "out_spikes", (6,), S)}))
    with pytest.raises(
        spark.WiringError,
        match=r"module 'p' \(BrainTestPool\) broke its contract for output "
        r"'out_spikes': it promised .*\(5,\).* but built .*\(6,\)",
    ):
        brain(drive=F(jnp.zeros((4,))))


def test_output_shape_that_does_not_fit_is_caught_at_build():
    brain = spark.nn.Brain(config=config(ok_modules(), outputs={"o": out("r", "y", (3,))}))
    with pytest.raises(
        spark.WiringError,
        match=r"brain output 'o' is declared with shape \(3,\) \(3 values\) but "
        r"'r.y' \(4,\) gives 4 values",
    ):
        brain(drive=F(jnp.zeros((4,))))


def test_module_spec_problems():
    with pytest.raises(spark.WiringError, match=r"modules_map key 'a' holds ModuleSpecs named 'r'"):
        config({"a": relay("r", pm(CALL, "drive"))}, outputs={"o": out("a", "y", (4,))})
    wrong = spark.ModuleSpecs(
        name="r",
        module_cls=BrainTestRelay,
        config=spark.nn.interfaces.ExponentialIntegratorConfig(),
        inputs={"x": [pm(CALL, "drive")]},
    )
    with pytest.raises(
        spark.WiringError,
        match=r"module 'r' \(BrainTestRelay\) needs a BrainTestRelayConfig, "
        r"got ExponentialIntegratorConfig",
    ):
        config({"r": wrong})
    with pytest.raises(spark.WiringError, match=r"'__call__' is reserved for brain inputs"):
        config(ok_modules(**{CALL: relay(CALL, pm(CALL, "drive"))}))
    with pytest.raises(spark.WiringError, match=r"input 'r2.x' has an empty list of port maps"):
        config(ok_modules(r2=relay("r2")))


def test_invalid_module_config_is_a_config_error_with_its_path():
    bad = relay("r", pm(CALL, "drive"))
    object.__setattr__(bad.config, "dt", -1.0)
    with pytest.raises(spark.ConfigError, match=r"brain.modules_map.r.config.dt: .*"):
        config({"r": bad})


def test_every_problem_is_reported_at_once():
    cfg = config(
        ok_modules(a=relay("a", pm("zz", "y")), b=relay("b", pm(CALL, "nope"))),
        outputs={"o": out("r", "q", (4,))},
        __skip_validation__=True,
    )
    errors = cfg.validate(errors=[])
    assert len(errors) == 3
    assert errors[0].startswith("brain.modules_map.a.inputs.x: ")
    assert set(cfg.validation_errors()) == {
        "modules_map.a.inputs.x",
        "modules_map.b.inputs.x",
        "output_map.o.input",
    }
    with pytest.raises(
        spark.WiringError, match=r"BrainConfig has 3 problems:\n  brain.modules_map.a.inputs.x"
    ):
        cfg.validate()
    assert cfg.validate(errors=["earlier"], current_path=["model"])[1].startswith("model.modules_map.a")


def test_brain_rejects_an_unvalidated_bad_config_before_building():
    cfg = config(ok_modules(r2=relay("r2", pm("rr", "y"))), __skip_validation__=True)
    with pytest.raises(spark.WiringError, match=r"no module 'rr'"):
        spark.nn.Brain(config=cfg)


def test_recurrent_example_is_valid():
    assert recurrent_config().validation_errors() == {}
