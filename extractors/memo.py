"""One result per argument *object*, for builders whose argument cannot be a hash key.

Configurations and vocabularies hold mapping proxies, so ``functools.lru_cache`` cannot key on
them; they are built once per process and passed around, so their identity is the right key. The
object is kept beside its result so that a new object given a dead one's ``id`` is not served the
old result.

Examples
--------
>>> calls = []
>>> @once_per_object
... def size(config):
...     calls.append(1)
...     return len(config)
>>> config = {"a": 1}
>>> size(config), size(config), len(calls)
(1, 1, 1)
"""

from __future__ import annotations

import functools
from typing import Callable, TypeVar

A = TypeVar("A")
R = TypeVar("R")


def once_per_object(build: Callable[[A], R]) -> Callable[[A], R]:
    """``build(obj)`` computed once for each distinct ``obj`` (by identity)."""
    results: dict[int, tuple[A, R]] = {}

    @functools.wraps(build)
    def cached(obj: A) -> R:
        hit = results.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        result = build(obj)
        results[id(obj)] = (obj, result)
        return result

    return cached
