"""What the estimator twins share: scikit-learn's estimator contract.

:class:`~engine.dag.learner.DagLearner`, :class:`~engine.graphs.lds.
GraphStructureLearner` and :class:`~engine.values.explainer.
DistributionalExplainer` derive from :class:`TwinEstimator`, so that
``sklearn.base.clone``, ``check_is_fitted``, ``repr``, the notebook's HTML view
and pickling work for each as for scikit-learn's own estimators, and reading a
fitted attribute too early or setting a misspelt parameter says what to do.

scikit-learn's conventions they keep (its ``estimator_checks`` check them in
``tests/engine/test_estimator.py``): ``__init__`` stores each parameter as given
and sets nothing else (keyword options of a method, ``**options``, are kept in
the private ``_options`` and are parameters too: ``get_params``, ``set_params``,
``clone``, and readable as attributes); ``fit(X, y=None, **fit_params)`` returns
``self`` and sets ``n_features_in_`` (and ``feature_names_in_`` for a DataFrame
whose column labels are all strings) besides the results, which end in ``_``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
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
        """Called for attributes not set: an option, or a NotFittedError.

        A keyword option (``DagLearner(max_iter=50).max_iter``) is read from
        ``_options``. A property ending in ``_`` (e.g. ``adjacency_``) that reads
        an unset fitted attribute lands here too, and says the same.
        """
        options = vars(self).get("_options", {})
        if name in options:
            return options[name]
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

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The ``__init__`` parameters, keyword options included (scikit-learn API).

        Parameters
        ----------
        deep : bool, default=True
            Also the parameters of parameters that are estimators
            (``name__param``), as scikit-learn does.

        Returns
        -------
        dict of str to object
            Each value as given, not a copy (``clone`` relies on it).
        """
        return {**super().get_params(deep=deep), **vars(self).get("_options", {})}

    def set_params(self, **params: Any) -> TwinEstimator:
        """Set parameters by name (scikit-learn API); returns ``self``.

        Values are checked by :meth:`fit`, as scikit-learn does; names here.

        Raises
        ------
        ConfigError
            A name that is neither a parameter nor, for a learner with
            ``**options``, one of its options; the message lists the valid ones.
            Nothing is changed then.
        """
        base = self._get_param_names()
        options = {k: v for k, v in params.items() if k not in base}
        self._check_option_names(options, params)
        for key in base:
            if key in params:
                setattr(self, key, params[key])
        if options:
            self._options = {**vars(self).get("_options", {}), **options}
        return self

    def _check_option_names(
        self, options: dict[str, Any], params: dict[str, Any]
    ) -> None:
        """Refuse ``options`` (names that are no ``__init__`` parameter).

        A learner that takes ``**options`` overrides this with its own check;
        ``params`` are all the parameters being set (a new ``method`` changes
        which options are valid).
        """
        if options:
            valid = sorted(self._get_param_names())
            raise ConfigError(
                f"{type(self).__name__}.set_params: unknown parameter(s) "
                f"{sorted(options)}; valid parameters are {valid}."
            )

    def _record_input(self, X: Any) -> None:
        """Set ``n_features_in_`` and ``feature_names_in_`` from the input ``X``.

        ``feature_names_in_`` (ndarray of object, shape (n_features,)) only for a
        DataFrame whose column labels are all strings, as scikit-learn sets it;
        one left from an earlier fit on a DataFrame is removed.

        Parameters
        ----------
        X : ndarray, Tensor, DataFrame or nested list of shape (n_rows, n_features)
            What was fitted on, already accepted by the fit.
        """
        shape = tuple(X.shape) if hasattr(X, "shape") else np.shape(X)
        self.n_features_in_ = int(shape[1]) if len(shape) > 1 else 1
        columns = list(X.columns) if isinstance(X, pd.DataFrame) else []
        if columns and all(isinstance(c, str) for c in columns):
            self.feature_names_in_ = np.asarray(columns, dtype=object)
        else:
            vars(self).pop("feature_names_in_", None)
