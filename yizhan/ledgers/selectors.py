"""Scoped reads of the ledgers, for views, the API and other modules."""

from __future__ import annotations

from yizhan.ledgers.catalogue import LEDGERS, LedgerResult, ledger_rows

__all__ = ["LEDGERS", "LedgerResult", "ledger_rows"]
