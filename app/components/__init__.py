"""Reusable widget groups of the pages (presentation only, no algorithm)."""
