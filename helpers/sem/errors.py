"""Why a model could not be fitted. Every message says what went wrong and what to try."""

from __future__ import annotations


class SemError(RuntimeError):
    """The model could not be fitted to these data."""


class DataError(SemError):
    """The data cannot be analysed with this model (missing, non-numeric or degenerate columns)."""


class NotIdentifiedError(SemError):
    """Some parameters cannot be told apart from the data: the model is not identified."""


class ConvergenceError(SemError):
    """The optimiser stopped before it found the ML estimates."""
