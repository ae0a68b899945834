"""What the estimator twins share: scikit-learn's estimator contract.

:class:`~engine.dag.learner.DagLearner`, :class:`~engine.graphs.lds.
GraphStructureLearner` and :class:`~engine.values.explainer.
DistributionalExplainer` derive from :class:`TwinEstimator`, so that
``sklearn.base.clone``, ``check_is_fitted``, ``repr``, the notebook's HTML view
and pickling work for each as for scikit-learn's own estimators, and reading a
fitted attribute too early or setting a misspelt parameter says what to do.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sklearn.base import BaseEstimator

from engine.errors import ConfigError, NotFittedError

__all__ = ["TwinEstimator"]


class TwinEstimator(BaseEstimator):
    """Base class of the estimator twins of the engine's functions.

    Parameters are the ``__init__`` arguments, stored as given
    (``get_params`` and ``repr`` come from scikit-learn's ``BaseEstimator``).

    Class attributes
    ----------------
    set_by : dict of str to str
        Each fitted attribute and what to do to set it, e.g.
        ``{"result_": "call fit(X) first"}``; the first one marks the estimator
        as fitted (``check_is_fitted``). Reading one before it is set raises
        :class:`~engine.errors.NotFittedError` (an ``AttributeError``, so
        ``hasattr`` stays ``False``) saying what to do.
    """

    set_by: ClassVar[dict[str, str]] = {"result_": "call fit first"}

    def __sklearn_is_fitted__(self) -> bool:
        """Whether the first attribute of ``set_by`` is set (``check_is_fitted``)."""
        return next(iter(self.set_by)) in vars(self)

    def __getattr__(self, name: str) -> Any:
        """Called for attributes not set: a fitted one is a NotFittedError.

        A property ending in ``_`` (e.g. ``adjacency_``) that reads an unset
        fitted attribute lands here too, and says the same.
        """
        cls = type(self)
        todo = cls.set_by.get(name)
        prop = getattr(cls, name, None) if name.endswith("_") else None
        if todo is None and isinstance(prop, property):
            if self.__sklearn_is_fitted__():
                return prop.__get__(self)  # raise the property's own error
            todo = next(iter(cls.set_by.values()))
        if todo is not None:
            raise NotFittedError(f"{cls.__name__}: {name!r} is not set yet; {todo}.")
        raise AttributeError(f"{cls.__name__!r} object has no attribute {name!r}")

    def set_params(self, **params: Any) -> TwinEstimator:
        """Set parameters by name (scikit-learn API); returns ``self``.

        Raises
        ------
        ConfigError
            A name that is not a parameter; the message lists the valid ones.
        """
        valid = self.get_params(deep=False)
        unknown = sorted(set(params) - set(valid))
        if unknown:
            raise ConfigError(
                f"{type(self).__name__}.set_params: unknown parameter(s) {unknown}; "
                f"valid parameters are {sorted(valid)}."
            )
        for key, value in params.items():
            setattr(self, key, value)
        return self
