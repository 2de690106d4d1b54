"""Costs of GX 1.x that a small report pays many times over, avoided while a suite validates.

- `Expectation.configuration` is a property that rebuilds the whole configuration (a pydantic
  `.dict()` of every field) each time it is read, and GX reads it once per keyword it looks up:
  about ninety times per expectation per validation, a third or more of the rules' run time.
  Inside `validating()` each expectation's configuration is built once. The expectations of a
  suite do not change while it validates (GX applies suite parameters to copies); entries hold
  their expectation, so a new object never meets an old entry, and the cache ends with the scope.
- The rows an expectation reads (its row condition, `check == "R5"`, applied with
  `DataFrame.query`, then rows with missing values dropped) are worked out again for every
  metric it computes, several per expectation. Inside `validating()` they are worked out once
  per engine and domain; the frame is reused (GX's pandas metrics read domain records, they do
  not change them: unfiltered, the records are the batch's own frame).
- Each batch of an in-memory frame is hashed for a `pandas_data_fingerprint` batch marker, which
  engine.py drops from every record (it is not what the inputs determine). Not computed.

They are applied only when GX still has the shape they were written for; otherwise GX runs
as shipped (slower, the same results). tests/test_rules_gxspeed.py checks results are equal.
"""
from __future__ import annotations

import contextlib
import threading

from great_expectations.execution_engine import pandas_execution_engine
from great_expectations.expectations.expectation import Expectation

_built = Expectation.__dict__.get("configuration")
_engine = pandas_execution_engine.PandasExecutionEngine
_records = _engine.__dict__.get("get_domain_records")
_scope = threading.local()


def _configuration(self):
    cache = getattr(_scope, "cache", None)
    if cache is None:
        return _built.fget(self)
    entry = cache.get(id(self))
    if entry is None or entry[0] is not self:
        entry = cache[id(self)] = (self, _built.fget(self))
    return entry[1]


def _domain_records(self, domain_kwargs: dict):
    cache = getattr(_scope, "records", None)
    if cache is None:
        return _records(self, domain_kwargs)
    try:
        key = (id(self), repr(sorted(domain_kwargs.items())))
    except Exception:  # noqa: BLE001 - kwargs that cannot be ordered or shown are simply not cached
        return _records(self, domain_kwargs)
    entry = cache.get(key)
    if entry is None or entry[0] is not self:
        entry = cache[key] = (self, _records(self, domain_kwargs))
    return entry[1]


def install() -> bool:
    """Patch GX once (idempotent); False when its shape is not the expected one."""
    if (not isinstance(_built, property) or not callable(_records)
            or not hasattr(pandas_execution_engine, "HASH_THRESHOLD")):
        return False
    if Expectation.__dict__.get("configuration") is _built:
        Expectation.configuration = property(_configuration, doc=_built.__doc__)
        _engine.get_domain_records = _domain_records
        # The fingerprint is taken below this many bytes of frame; none is below zero.
        pandas_execution_engine.HASH_THRESHOLD = 0
    return True


@contextlib.contextmanager
def validating():
    """Within: each expectation's configuration is built once, each domain's records worked out
    once (nesting keeps the outer caches)."""
    if getattr(_scope, "cache", None) is not None:
        yield
        return
    _scope.cache, _scope.records = {}, {}
    try:
        yield
    finally:
        _scope.cache = _scope.records = None
