"""Causal discovery: DAG learners, prior knowledge, metrics and simulators."""

from __future__ import annotations

from engine.dag.prior import PriorKnowledge

__all__ = ["PriorKnowledge"]
