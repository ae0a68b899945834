"""Class-flip explanations of a breast-cancer classifier with distributional values.

Trains a logistic regression on the bundled breast-cancer sample (569 tumours, 30
features, benign or malignant) and explains every test row with distributional
values. The 30 features are ten measurements (radius, texture, ...) each given as a
mean, a standard error and a worst value; the three columns of one measurement are
one *player*, so the ten players are enumerated exactly (2^10 coalitions).

For each row and player the result holds a 2 x 2 matrix: the probability that the
predicted class is k with the player and l without it. Its off-diagonal mass is the
probability that the player flips the class (``p_change``); its mean is the Shapley
value that SHAP reports for the same game.

Run from the repository root (a few seconds)::

    python examples/explain_breast_cancer.py

``STRUCTURE_LAB_SEED`` changes the split and the seed (default 0);
``STRUCTURE_LAB_OUTPUT`` the folder the figures go to (default ``examples/output/``).

Over seeds 0-4 this script measured: test accuracy 0.951-0.986; the three players
most likely to flip the class always among radius, perimeter, area, concave points
and concavity; the mean over rows of the largest flip probability 0.113-0.125.
"""

from __future__ import annotations

import itertools
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import engine
from engine.plots import p_change_bars, transition_heatmap

SEED = int(os.environ.get("STRUCTURE_LAB_SEED", "0"))
OUT = Path(os.environ.get("STRUCTURE_LAB_OUTPUT", Path(__file__).parent / "output"))

# Small batches run faster on one thread; on a busy 2-core machine the default two
# threads made the explanation about 30 times slower.
torch.set_num_threads(1)

sample = engine.load_sample("breast_cancer")
X = sample.frame.drop(columns=[sample.target])
y = sample.frame[sample.target]
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=SEED, stratify=y
)
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
model.fit(X_train, y_train)
accuracy = model.score(X_test, y_test)

# One player per measurement: "mean radius", "radius error", "worst radius" -> radius.
column_player = [
    c.replace("mean ", "").replace(" error", "").replace("worst ", "")
    for c in X.columns
]
players: dict[str, list[str]] = {}
for column, name in zip(X.columns, column_player, strict=True):
    players.setdefault(name, []).append(column)

# Removed players take the values of 100 training rows, averaged (shap's
# Independent masker); with at most 100 rows all of them are used.
background = X_train.sample(100, random_state=SEED)
values = engine.explain(
    model, X_test, background=background, players=players, seed=SEED
)

print(f"breast cancer: {len(X_train)} training rows, {len(X_test)} test rows")
print(f"logistic regression test accuracy: {accuracy:.3f}")
print(f"estimator: {values.estimator}, {values.timings['total_s']:.2f} s")
ranking = values.global_ranking()
print("players by mean probability of flipping the predicted class:")
print(ranking.round(3).head(5).to_string(index=False))

# The row the model is least sure about, and what flips it. Results take a row
# by its label, here X_test's index (values.rows), not by its position.
position = int(np.argmin(values.probabilities.max(axis=1)))
row = int(values.rows[position])
predicted = values.classes[values.predicted[position]]
other = next(c for c in values.classes if c != predicted)
print(
    f"least certain test row ({row}): P = {values.probabilities[position].round(3)} "
    f"({', '.join(values.classes)}), predicted {predicted}"
)
print(f"players that move it from {other} to {predicted}:")
print(values.contrast(row, other, predicted).round(3).head(3).to_string(index=False))

OUT.mkdir(parents=True, exist_ok=True)
p_change_bars(values, row=row).write_html(OUT / "breast_cancer_flips.html")
top_player = str(ranking.player.iloc[0])
transition_heatmap(values, row, top_player).write_html(
    OUT / "breast_cancer_matrix.html"
)
print(
    f"figures: {OUT / 'breast_cancer_flips.html'}, {OUT / 'breast_cancer_matrix.html'}"
)


# The mean is the Shapley value: check one row against the definition, by brute
# force over all 2^10 coalitions of the same game (background averaging).
names = list(players)
m = len(names)
x = X_test.iloc[row].to_numpy()
masks = list(itertools.product([False, True], repeat=m))  # True = player present
present = np.array([[mask[names.index(p)] for p in column_player] for mask in masks])
filled = np.where(present[:, None, :], x, background.to_numpy())  # (2^m, 100, 30)
flat = pd.DataFrame(filled.reshape(-1, x.size), columns=X.columns)
probabilities = model.predict_proba(flat).reshape(len(masks), -1, 2)
game = dict(zip(masks, probabilities.mean(axis=1), strict=True))  # coalition -> p
shapley = np.zeros((m, 2))
for mask, p_without in game.items():
    size = sum(mask)
    for i in np.flatnonzero(~np.array(mask)):
        weight = math.factorial(size) * math.factorial(m - size - 1) / math.factorial(m)
        with_i = (*mask[:i], True, *mask[i + 1 :])
        shapley[i] += weight * (game[with_i] - p_without)
shapley_error = float(np.abs(values.mean[row] - shapley).max())
print(f"largest difference to brute-force Shapley values: {shapley_error:.1e}")

# Headline figures (thresholds from seeds 0-4, with margin).
top3 = set(ranking.player.iloc[:3])
largest_flip = values.p_change.max(axis=1).mean()
efficiency = values.mean.sum(axis=1) - (
    values.probabilities - values.base_probabilities
)
print(f"mean over rows of the largest flip probability: {largest_flip:.3f}")
assert values.estimator == "exact" and values.n_rows == len(X_test)
assert accuracy >= 0.93, accuracy
assert top3 <= {"radius", "perimeter", "area", "concave points", "concavity"}, top3
assert largest_flip >= 0.08, largest_flip
assert shapley_error < 1e-6, shapley_error
# efficiency: the means add up to p(x) - p(nothing known), as SHAP values do
assert np.abs(efficiency).max() < 1e-9
# with two classes, flipping is at least as likely as the |Shapley value| says
assert np.all(values.p_change >= np.abs(values.mean[..., 0]) - 1e-12)
assert np.allclose(values.transitions.sum(axis=(2, 3)), 1.0)
print("OK")
