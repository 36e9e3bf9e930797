"""Direct, indirect and total effects from a matrix of direct paths.

With A[i, j] the direct effect of j on i (unstandardized, or in std.all units), the total
effects are (I - A)⁻¹ - I = A + A² + A³ + ... (every chain of paths, summed), the indirect
effects are the total minus the direct ones, and a *specific* indirect effect along one chain
x → m₁ → ... → y is the product of its paths (Bollen, 1987; lavaan's ``:=`` products). All
functions accept stacks of matrices (leading axes), e.g. one per bootstrap resample.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def total_effects(direct: np.ndarray) -> np.ndarray:
    """(I - A)⁻¹ - I: the sum of the effects along every chain of paths."""
    eye = np.eye(direct.shape[-1])
    return np.linalg.inv(eye - direct) - eye


def indirect_effects(direct: np.ndarray) -> np.ndarray:
    """Total minus direct effects: what flows through at least one intermediate variable."""
    return total_effects(direct) - direct


def chain_effect(direct: np.ndarray, chain: Sequence[int]) -> np.ndarray:
    """The effect along one chain of variables (indices, first the cause): the product of its paths."""
    effect = np.ones(direct.shape[:-2])
    for cause, outcome in zip(chain[:-1], chain[1:]):
        effect = effect * direct[..., outcome, cause]
    return effect
