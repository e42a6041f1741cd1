"""A brain in closed loop with an environment: compiled "think" steps, failure feedback, episode resets.

Each environment step the brain sees the observation for ``steps_per_env_step`` brain steps, fused into
one compiled ``jax.lax.scan``; the action is read from the brain's output after the last of them. A
failure is told to the brain as one extra step with ``reward = -1`` (its modulation input). Between
episodes the dynamic state (potentials, currents, traces) goes back to its value right after building,
while the weights (:class:`spark.Parameter`) keep what they learned.
"""

from __future__ import annotations

import dataclasses as dc
import functools
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

import spark
from spark.core.graph import update

__all__ = ["BrainController", "EpisodeTrace"]


@dc.dataclass
class EpisodeTrace:
    """What one recorded episode looked like (time runs along the first axis).

    Attributes:
        observations: ``(steps, obs)`` normalised observations seen by the brain, one per env step.
        actions: ``(steps,)`` actions taken.
        readout: ``(steps * k, n_out)`` brain output at every brain step (``k`` brain steps per env step).
        spikes: ``{module: (steps * k, units)}`` spikes of every spiking module at every brain step.
        length: number of env steps; failed: whether it ended by failure (not by the time limit).
    """

    observations: np.ndarray
    actions: np.ndarray
    readout: np.ndarray
    spikes: dict[str, np.ndarray]
    length: int
    failed: bool


@functools.partial(jax.jit, static_argnames=("steps", "keep", "drive", "reward", "output"))
def _think(graph, state, obs, reward_value, *, steps, keep, drive, reward, output):
    """Run ``steps`` brain steps on ``obs``; the reward is given at the first of them."""
    x = spark.FloatArray(obs)

    def body(st, i):
        model = spark.merge(graph, st)
        r = jnp.where(i == 0, reward_value, 0.0).astype(jnp.float32).reshape(1)
        out = model(**{drive: x, reward: spark.FloatArray(r)})
        spikes = (
            {m: jnp.abs(s.value).reshape(-1) for m, s in model.get_spikes_from_cache().items()}
            if keep
            else {}
        )
        _, st = spark.split(model)
        return st, (out[output].value, spikes)

    state, (signal, spikes) = jax.lax.scan(body, state, jnp.arange(steps))
    return state, signal, spikes


class BrainController:
    """Drive a :class:`spark.nn.Brain` with observations, read actions, deliver failures.

    Args:
        config: the brain's :class:`spark.nn.BrainConfig`; it must have a ``drive`` input (the
            observation), a ``reward`` input of shape ``(1,)`` (the modulation) and an ``action`` output.
        steps_per_env_step: brain steps per environment step.
        learn: deliver failures to the brain (``False`` freezes the weights).
    """

    def __init__(
        self,
        config: spark.nn.BrainConfig,
        steps_per_env_step: int = 20,
        learn: bool = True,
        drive: str = "drive",
        reward: str = "reward",
        output: str = "action",
    ):
        if steps_per_env_step < 1:
            raise ValueError(f"steps_per_env_step must be >= 1, got {steps_per_env_step}")
        for port, where in (
            (drive, config.input_map),
            (reward, config.input_map),
            (output, config.output_map),
        ):
            if port not in where:
                kind = "output" if where is config.output_map else "input"
                raise ValueError(
                    f"the brain has no {kind} '{port}' (inputs: {', '.join(config.input_map)}; outputs: "
                    f"{', '.join(config.output_map)}); the CartPole demo needs inputs 'drive' and 'reward' and "
                    f"an output 'action'"
                )
        self.brain = spark.nn.Brain(config=config)
        self.brain.build_from_specs(dict(config.input_map))
        self.graph, state = spark.split(self.brain)
        self._initial = {k: jnp.array(v) for k, v in state.items()}
        self._dynamic = frozenset(
            k
            for k, t in zip(self.graph.keys(), self.graph.variables, strict=True)
            if isinstance(t, spark.Variable)
        )
        self.state = state
        self.k = int(steps_per_env_step)
        self.learn = bool(learn)
        self._ports = {"drive": drive, "reward": reward, "output": output}
        self.obs_shape = tuple(config.input_map[drive].shape)

    # -- state ---------------------------------------------------------------------------------------
    def reset_dynamics(self) -> None:
        """Dynamic state back to its post-build value; learned weights are kept."""
        self.state = {k: (self._initial[k] if k in self._dynamic else v) for k, v in self.state.items()}

    def weights(self, module: str) -> np.ndarray:
        """The current synaptic kernel of ``module`` (``(post, pre)``)."""
        return np.asarray(self.state[f"modules/{module}/synapses/kernel"])

    def module(self) -> spark.nn.Brain:
        """The brain with the current state written back (for checkpoints and inspection)."""
        update(self.brain, self.state)
        return self.brain

    # -- stepping ------------------------------------------------------------------------------------
    def _run(self, obs: np.ndarray, reward: float, steps: int, keep: bool) -> tuple[np.ndarray, dict]:
        self.state, signal, spikes = _think(
            self.graph,
            self.state,
            jnp.asarray(obs, jnp.float32).reshape(self.obs_shape),
            jnp.float32(reward),
            steps=steps,
            keep=keep,
            **self._ports,
        )
        return signal, spikes

    def act(self, obs: np.ndarray, keep: bool = False) -> tuple[int, np.ndarray, dict]:
        """Think ``k`` steps about ``obs``; return ``(action, outputs (k, n_out), spikes {m: (k, units)})``."""
        signal, spikes = self._run(obs, 0.0, self.k, keep)
        signal = np.asarray(signal)
        return int(np.argmax(signal[-1])), signal, spikes

    def fail(self, obs: np.ndarray) -> None:
        """Tell the brain that the episode failed: one step with ``reward = -1`` (if learning)."""
        if self.learn:
            self._run(obs, -1.0, 1, False)

    def episode(
        self,
        env: tp.Any,
        normalise: tp.Callable[[np.ndarray], np.ndarray],
        seed: int | None = None,
        record: bool = False,
        max_steps: int | None = None,
    ) -> EpisodeTrace | int:
        """Play one episode of ``env`` (gymnasium API); return its length, or an :class:`EpisodeTrace`."""
        self.reset_dynamics()
        obs, _ = env.reset(seed=seed)
        obs = normalise(obs)
        seen, actions, readout, spikes = [], [], [], []
        steps, failed = 0, False
        while True:
            action, signal, spk = self.act(obs, keep=record)
            if record:
                seen.append(obs)
                actions.append(action)
                readout.append(signal)
                spikes.append(spk)
            obs, _, terminated, truncated, _ = env.step(action)
            obs = normalise(obs)
            steps += 1
            if terminated:
                failed = True
                self.fail(obs)
                break
            if truncated or (max_steps is not None and steps >= max_steps):
                break
        if not record:
            return steps
        names = list(spikes[0]) if spikes else []
        return EpisodeTrace(
            observations=np.asarray(seen, np.float32),
            actions=np.asarray(actions, np.int32),
            readout=np.concatenate(readout, axis=0) if readout else np.zeros((0, 2), np.float32),
            spikes={m: np.concatenate([np.asarray(s[m]) for s in spikes], axis=0) for m in names},
            length=steps,
            failed=failed,
        )
