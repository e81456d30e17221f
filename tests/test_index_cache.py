"""The LRU cache behind the per-generation term, score and hit caches."""

from index.cache import LruCache


def test_values_are_computed_once_and_the_least_recently_used_go_first():
    computed = []
    cache = LruCache(2)

    def value(key):
        return cache.get(key, lambda: computed.append(key) or key.upper())

    assert [value("a"), value("b"), value("a")] == ["A", "B", "A"]
    value("c")  # "b" was used least recently
    assert len(cache) == 2
    assert value("a") == "A" and value("b") == "B"
    assert computed == ["a", "b", "c", "b"]


def test_weights_bound_what_is_kept_but_one_value_always_stays():
    cache = LruCache(5, weigh=len)
    cache.get("small", lambda: [1, 2])
    cache.get("medium", lambda: [1, 2, 3])
    assert len(cache) == 2
    cache.get("large", lambda: list(range(9)))  # heavier than the bound on its own
    assert len(cache) == 1
    assert cache.get("large", lambda: []) == list(range(9))


def test_a_value_put_again_is_weighed_again():
    cache = LruCache(10, weigh=len)
    cache.put("page", "x" * 6)
    cache.put("page", "x" * 2)  # replaces the 6: 2 of the 10 are used
    cache.put("other", "y" * 7)
    assert cache.find("page") == "xx" and cache.find("other") == "y" * 7
    assert cache.find("missing") is None
