"""The site's one LRU cache type: thread-safe, bounded by the total weight of what it holds."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class LruCache(Generic[Value]):
    """Keeps values until their weights add up to more than ``max_weight``, oldest use first.

    Each value weighs 1 unless ``weigh`` says otherwise (``len`` bounds the entries of dicts,
    the length of a body bounds bytes). The value used last always stays.
    """

    def __init__(self, max_weight: int, *, weigh: Callable[[Value], int] | None = None):
        self.max_weight = max_weight
        self._weigh = weigh or (lambda _value: 1)
        self._values: OrderedDict[Hashable, Value] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[Hashable]:
        """The keys of the values kept, least recently used first."""
        with self._lock:
            return list(self._values)

    def find(self, key: Hashable) -> Value | None:
        """The value kept for ``key`` (now the most recently used), or None."""
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
            return found

    def put(self, key: Hashable, value: Value) -> None:
        """Keep ``value`` for ``key``, dropping the least recently used values over the bound."""
        weight = self._weigh(value)
        with self._lock:
            old = self._values.pop(key, None)
            if old is not None:
                self._weight -= self._weigh(old)
            self._values[key] = value
            self._weight += weight
            while self._weight > self.max_weight and len(self._values) > 1:
                _key, dropped = self._values.popitem(last=False)
                self._weight -= self._weigh(dropped)

    def get(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        """The value kept for ``key``; on a miss, compute it (outside the lock) and keep it."""
        with self._lock:  # find(), inline: hits are most calls, several per search page
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
                return found
        found = compute()
        self.put(key, found)
        return found
