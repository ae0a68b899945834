"""Distributional values: class-flip probabilities for any classifier.

Public names: :func:`explain`, :class:`DistributionalExplainer`,
:class:`DistributionalValues`, the couplings, the value operators, the table
helpers and the model helpers used by the app and the CLI.
"""

from __future__ import annotations

from engine.values.couplings import (
    bernoulli_joint,
    bernoulli_law,
    categorical_diagonal,
    categorical_joint,
    gaussian_law,
    log_probabilities,
)
from engine.values.explainer import (
    DistributionalExplainer,
    choose_estimator,
    explain,
    explain_model_spec,
)
from engine.values.games import (
    bernoulli_values_from_table,
    gaussian_values_from_table,
    values_from_table,
)
from engine.values.models import (
    MODEL_KINDS,
    ModelScores,
    TrainedModel,
    check_model_classes,
    describe_left_out,
    feature_columns,
    load_skops,
    model_scores,
    prepare_features,
    reduce_classes,
    save_skops,
    train_classifier,
)
from engine.values.operators import (
    RandomOrder,
    Semivalue,
    banzhaf,
    beta_shapley,
    semivalue,
    shapley,
    weighted_banzhaf,
)
from engine.values.result import DistributionalValues

__all__ = [
    "MODEL_KINDS",
    "DistributionalExplainer",
    "DistributionalValues",
    "ModelScores",
    "RandomOrder",
    "Semivalue",
    "TrainedModel",
    "banzhaf",
    "bernoulli_joint",
    "bernoulli_law",
    "bernoulli_values_from_table",
    "beta_shapley",
    "categorical_diagonal",
    "categorical_joint",
    "check_model_classes",
    "choose_estimator",
    "describe_left_out",
    "explain",
    "explain_model_spec",
    "feature_columns",
    "gaussian_law",
    "gaussian_values_from_table",
    "load_skops",
    "log_probabilities",
    "model_scores",
    "prepare_features",
    "reduce_classes",
    "save_skops",
    "semivalue",
    "shapley",
    "train_classifier",
    "values_from_table",
    "weighted_banzhaf",
]
