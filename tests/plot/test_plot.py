"""spark.plot: rasters, traces, rates and learning curves draw what they are given."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import spark  # noqa: E402
from spark.plot import learning_curve, raster, rates, running_mean, traces  # noqa: E402
from spark.plot._traces import population_rates  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _marks(ax):
    """(times, rows) of every raster mark drawn as dots."""
    pts = np.concatenate([c.get_offsets() for c in ax.collections]) if ax.collections else np.zeros((0, 2))
    return pts[:, 0], pts[:, 1]


def test_public_names():
    assert set(spark.plot.__all__) == {"raster", "traces", "rates", "learning_curve", "running_mean"}


def test_raster_marks_every_spike_at_its_time_and_row():
    spikes = np.zeros((5, 3))
    spikes[1, 0] = 1
    spikes[3, 2] = -1  # an inhibitory spike counts
    ax = raster(spikes, dt=0.5, t0=10.0)
    t, row = _marks(ax)
    assert sorted(zip(t.tolist(), row.tolist(), strict=True)) == [(10.5, 0.0), (11.5, 2.0)]
    assert ax.get_xlabel() == "time (ms)"


def test_raster_groups_label_blocks_and_payloads_are_accepted():
    spikes = spark.SpikeArray(np.eye(4, dtype=np.float32))
    fig, ax = plt.subplots()
    out = raster(spikes, ax, groups={"A": 1, "B": 3}, title="t")
    assert out is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    assert ax.get_title() == "t"


def test_raster_of_a_dict_stacks_the_modules_in_order():
    ax = raster({"in": np.ones((3, 2)), "out": np.zeros((3, 1))}, style="dots")
    _, rows = _marks(ax)
    assert set(rows.tolist()) == {0.0, 1.0}
    assert [t.get_text() for t in ax.get_yticklabels()] == ["in", "out"]


def test_raster_image_style_draws_a_bitmap():
    ax = raster(np.ones((4, 3)), style="image")
    assert len(ax.images) == 1 and ax.images[0].get_array().shape == (3, 4)


def test_raster_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"add up to 3 but the data has 4 rows"):
        raster(np.zeros((2, 4)), groups={"A": 1, "B": 2})
    with pytest.raises(ValueError, match="style must be"):
        raster(np.zeros((2, 4)), style="bars")
    with pytest.raises(ValueError, match="different numbers of steps"):
        raster({"a": np.zeros((2, 1)), "b": np.zeros((3, 1))})
    with pytest.raises(ValueError, match="dt must be > 0"):
        raster(np.zeros((2, 1)), dt=0.0)


def test_traces_draw_one_line_per_signal_with_offsets():
    v = np.stack([np.zeros(4), np.ones(4)], axis=1)
    ax = traces(v, dt=2.0, labels=["a", "b"], offset=10.0)
    lines = ax.get_lines()
    assert len(lines) == 2
    np.testing.assert_allclose(lines[0].get_xdata(), [0, 2, 4, 6])
    np.testing.assert_allclose(lines[1].get_ydata(), 11.0)
    with pytest.raises(ValueError, match="got 1 labels for 2 signals"):
        traces(v, labels=["a"])


def test_population_rate_of_a_neuron_spiking_every_step_is_one_per_dt():
    spikes = np.zeros((20, 4))
    spikes[:, :2] = 1  # group A: both spike every step; group B: silent
    r = population_rates(spikes, dt=0.5, window=0.5, groups={"A": 2, "B": 2})
    np.testing.assert_allclose(r["A"], 2000.0)  # 1 spike per 0.5 ms = 2000 Hz
    np.testing.assert_allclose(r["B"], 0.0)
    ax = rates(spikes, dt=0.5, window=0.5, groups={"A": 2, "B": 2})
    assert ax.get_ylabel() == "rate (Hz)" and len(ax.get_lines()) == 2


def test_running_mean_is_the_trailing_mean():
    np.testing.assert_allclose(running_mean([1, 2, 3, 4], 2), [1.0, 1.5, 2.5, 3.5])
    np.testing.assert_allclose(running_mean([5, 7], 10), [5.0, 6.0])
    with pytest.raises(ValueError, match="window must be an int >= 1"):
        running_mean([1.0], 0)


def test_learning_curve_draws_raw_and_mean_per_run_and_the_target():
    ax = learning_curve({"seed 0": np.arange(10), "seed 1": np.arange(5)}, window=3, target=195)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "seed 0" in labels and "seed 1" in labels and "target 195" in labels
    assert len(ax.get_lines()) == 5  # raw + mean for each run, and the target
    mean0 = next(line for line in ax.get_lines() if line.get_label() == "seed 0")
    np.testing.assert_allclose(mean0.get_ydata(), running_mean(np.arange(10), 3))


def test_figures_save_headless(tmp_path):
    ax = raster(np.random.default_rng(0).random((50, 10)) < 0.1)
    path = tmp_path / "r.png"
    ax.figure.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
