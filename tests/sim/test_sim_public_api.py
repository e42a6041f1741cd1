"""The public names of spark.sim (an accidental removal fails here)."""

import spark
import spark.sim as sim

EXPECTED = {
    "run",
    "Simulator",
    "RunResult",
    "RecordPlan",
    "Stepper",
    "constant",
    "Batch",
    "make_copies",
    "replicate",
    "parameters",
    "state",
    "simulation_parameters",
    "evolve",
}


def test_public_names():
    assert set(sim.__all__) == EXPECTED
    for name in EXPECTED:
        assert getattr(sim, name) is not None
    assert spark.sim is sim  # lazy attribute of the top-level package


def test_core_does_not_import_sim_eagerly():
    import subprocess
    import sys

    code = "import sys, spark; import spark.nn; print('spark.sim' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
