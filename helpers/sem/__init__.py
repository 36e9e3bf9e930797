"""A small structural equation modelling engine that follows lavaan, and knows nothing of the study.

    from helpers.sem import fit_sem
    fit = fit_sem("y ~ x1 + x2", data)

One concern per module, as in lavaan's own source: ``syntax`` (reading lavaan's model syntax),
``specification`` (the parameter table with lavaan's defaults), ``representation`` (the model's
matrices and implied covariance), ``likelihood`` (sample covariances, the ML fit function,
log-likelihoods), ``closed_form``, ``scoring`` and ``semopy_estimator`` (the estimators: least
squares where the model allows it, else Fisher scoring, else semopy), ``fiml`` and ``fiml_fit``
(full-information ML when answers are missing), ``information``
(information matrices, ML and robust standard errors, identification), ``fit_measures``
(lavaan's fit measures as small functions of numbers), ``standardize`` (std.all, R²),
``effects`` (direct, indirect and total effects), ``defined`` (:= parameters, delta method),
``bootstrap``, ``modification`` (modification indices), ``bollen_stine`` and ``simulation``.
The kit's study code (``helpers.paper_model`` and the lessons) imports the engine; nothing here
imports the study.
"""

from helpers.sem.errors import ConvergenceError, DataError, NotIdentifiedError, SemError
from helpers.sem.fit import SemFit, fit_sem
from helpers.sem.syntax import ModelSyntaxError

__all__ = [
    "ConvergenceError",
    "DataError",
    "ModelSyntaxError",
    "NotIdentifiedError",
    "SemError",
    "SemFit",
    "fit_sem",
]
