"""``sorted_by``: several keys, one stable sort each, in the order a tuple key gives."""

from hypothesis import given
from hypothesis import strategies as st

from index.ordering import sorted_by

few_values = st.integers(min_value=-3, max_value=3)  # small ranges, so that ties are common


@given(st.dictionaries(st.integers(0, 500), st.tuples(few_values, few_values, few_values)))
def test_documents_come_in_the_order_of_their_key_tuples(keys):
    expected = sorted(keys, key=lambda d: keys[d])
    got = sorted_by(keys, lambda d: keys[d][0], lambda d: keys[d][1], lambda d: keys[d][2])
    assert got == expected


@given(st.dictionaries(st.integers(0, 500), st.sampled_from([0.5, 1.25, 2.0])))
def test_best_score_first_and_among_equal_scores_the_newest(scores):
    newest = {d: -d for d in scores}  # a higher document number is newer
    got = sorted_by(scores, lambda d: -scores[d], newest.__getitem__)
    assert got == sorted(scores, key=lambda d: (-scores[d], newest[d]))
