"""(T, N) vs (B, T, N) inputs, width errors, batched state, batched == looped copies."""

import numpy as np
import pytest

from spark.lowlevel import ExpSynJax, LIFJax, RateJax

X = np.random.default_rng(6).uniform(0, 2, (3, 20, 4))


def test_two_d_input_is_one_batch():
    mod = LIFJax(4)
    out, state, _ = mod(X[0])
    assert out.shape == (1, 20, 4) and state["vmem"].shape == (4,)
    ref, _, _ = LIFJax(4)(X[:1])
    np.testing.assert_array_equal(out, ref)


@pytest.mark.parametrize(
    "make", [lambda: LIFJax(4), lambda: RateJax(4), lambda: ExpSynJax(4)], ids=["lif", "rate", "expsyn"]
)
def test_batched_equals_looped_copies(make):
    batched = make()
    out, state, recorded = batched(X)
    assert recorded == {}
    for b in range(X.shape[0]):
        single = make()
        out_b, state_b, _ = single(X[b])
        np.testing.assert_allclose(out[b], out_b[0], rtol=1e-6, atol=1e-6)
        for name, value in state.items():
            np.testing.assert_allclose(value[b], state_b[name], rtol=1e-6, atol=1e-6)
        for name, value in state_b.items():
            assert value.shape == getattr(single, name).shape  # unbatched stays unbatched


def test_batched_state_persists_and_broadcasts():
    mod = LIFJax(4)
    mod(X)
    assert mod.vmem.shape == (3, 4) and mod.isyn.shape == (3, 4, 1)
    out, state, _ = mod(X[0])  # a 2-D input drives every stored copy
    assert out.shape == (3, 20, 4) and state["vmem"].shape == (3, 4)
    with pytest.raises(ValueError, match=r"LIFJax: input has 2 batches but the stored state has 3 rows"):
        mod(X[:2])
    mod.reset_state()
    assert mod.vmem.shape == (4,)
    assert mod(X[:2])[0].shape == (2, 20, 4)


def test_width_and_rank_errors_name_module_and_sizes():
    with pytest.raises(ValueError, match=r"LIFJax: input has 3 channels but size_in is 4"):
        LIFJax(4)(np.zeros((5, 3)))
    with pytest.raises(
        ValueError, match=r"RateJax: input must have shape \(T, 2\) or \(B, T, 2\), got shape \(5,\)"
    ):
        RateJax(2)(np.zeros(5))
