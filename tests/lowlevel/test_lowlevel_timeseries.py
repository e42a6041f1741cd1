"""TSContinuous / TSEvent basics and Module.timed()."""

import matplotlib
import numpy as np
import pytest

from spark.lowlevel import LIFJax, RateJax, TimedModule, TSContinuous, TSEvent

matplotlib.use("Agg")


def test_tscontinuous_clocked_interpolation_and_raster():
    ts = TSContinuous.from_clocked(np.arange(8.0).reshape(4, 2), dt=0.5, t_start=1.0)
    assert (ts.t_start, ts.t_stop, ts.dt, ts.duration, ts.num_channels, len(ts)) == (1.0, 3.0, 0.5, 2.0, 2, 4)
    np.testing.assert_allclose(ts([1.25]), [[1.0, 2.0]])
    np.testing.assert_array_equal(ts.raster(0.5), np.arange(8.0).reshape(4, 2))
    np.testing.assert_array_equal(ts.raster(0.25)[:3], [[0, 1], [0, 1], [2, 3]])  # sample-and-hold
    fine = ts.resample(dt=0.25, kind="linear")
    assert len(fine) == 8 and fine.dt == 0.25
    np.testing.assert_allclose(ts.resample([1.0, 2.25]).samples, [[0, 1], [5, 6]])
    assert len(ts.plot()) == 2


def test_tscontinuous_errors():
    with pytest.raises(
        ValueError, match=r"samples must have shape \(T,\) or \(T, N\) with T = len\(times\) = 3"
    ):
        TSContinuous([0, 1, 2], np.zeros((2, 1)))
    with pytest.raises(ValueError, match="give exactly one of `times` or `dt`"):
        TSContinuous([0, 1], [0, 1]).resample()


def test_tsevent_raster_round_trip():
    raster = np.array([[1, 0], [0, 2], [0, 0], [1, 1]])
    ev = TSEvent.from_raster(raster, dt=0.001)
    assert (ev.num_channels, len(ev), ev.t_stop) == (2, 5, 0.004)
    np.testing.assert_array_equal(ev.raster(0.001), raster)
    np.testing.assert_array_equal(ev.raster(0.001, add_events=False), raster > 0)
    np.testing.assert_array_equal(ev.raster(0.002), [[1, 2], [1, 1]])
    assert ev.plot() is not None
    with pytest.raises(ValueError, match=r"num_channels=1 but an event is on channel 1"):
        TSEvent([0.0], [1], num_channels=1)


def test_timed_module_continuous_and_spiking():
    tmod = RateJax(2, bias=1.0).timed()
    assert isinstance(tmod, TimedModule) and tmod.dt == 0.001 and tmod.size_in == 2
    out, state, rec = tmod(TSContinuous.from_clocked(np.zeros((5, 2)), dt=1e-3), record=True)
    assert isinstance(out, TSContinuous) and out.samples.shape == (5, 2) and tmod.t == 0.005
    assert isinstance(rec["x"], TSContinuous) and state["x"].shape == (2,)
    lif = LIFJax(2, bias=50.0, tau_mem=0.01).timed()
    spikes, _, _ = lif(duration=0.02)
    assert isinstance(spikes, TSEvent) and len(spikes) > 0 and spikes.num_channels == 2
    lif.reset_state()
    assert lif.t == 0.0
    with pytest.raises(ValueError, match="give an input time series or a duration"):
        lif()
