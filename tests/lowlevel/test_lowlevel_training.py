"""Modules are pytrees: jax.jit / jax.grad take them as arguments, and optax training reduces the loss."""

import jax
import jax.numpy as jnp
import numpy as np
import optax

from spark.lowlevel import LIFJax, LinearJax, Sequential


def test_optax_training_reduces_loss():
    np.random.seed(0)
    net = Sequential(LinearJax((2, 6)), LIFJax(6, tau_syn=0.005), LinearJax((6, 1)))
    rng = np.random.default_rng(9)
    x = jnp.asarray(rng.uniform(0, 3, (2, 20, 2)), jnp.float32)
    target = jnp.asarray([[0.5], [1.5]])

    def loss(mod, x):
        out, _, _ = mod(x)
        return jnp.mean((out.mean(axis=1) - target) ** 2)

    # Train the weights (time constants stay put: a raw gradient step could make them negative).
    optimiser = optax.adam(0.1)
    opt_state = optimiser.init(net.parameters("weights"))

    @jax.jit
    def step(mod, opt_state, x):
        value, grads = jax.value_and_grad(loss)(mod, x)
        updates, opt_state = optimiser.update(grads.parameters("weights"), opt_state)
        mod.set_attributes(optax.apply_updates(mod.parameters("weights"), updates))
        return mod, opt_state, value

    losses = []
    for _ in range(10):
        net, opt_state, value = step(net, opt_state, x)
        losses.append(float(value))
    assert losses[-1] < 0.6 * losses[0], losses
    assert net[1].vmem.shape == (6,)  # training leaves the stored state alone: gradients saw a copy
