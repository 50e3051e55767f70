"""Yizhan 一站 — public legal service platform."""

__version__ = "0.1.0"
