"""Generated posts: every header variant, section order, line shape, element and end.

For each post the builder writes, the parser must give back exactly what the post says:
every feature with its version and timestamp (when the post gives them), its summary and
bullets, the episode's number, date, author, hosts, versions and video, and nothing more.
"""

from dataclasses import dataclass, replace

from hypothesis import HealthCheck, given, settings
from post_builder import NO_ID, NO_VIDEO, TEXT, PostPlan, post_plans, render

from crawler.parse import parse_page

CASES = 2000


@dataclass
class Tally:
    posts: int = 0
    features_built: int = 0
    features_recovered: int = 0


TALLY = Tally()


def check(plan: PostPlan) -> None:
    parsed = parse_page(render(plan), plan.url)
    assert [e.episode for e in parsed.episodes] == [plan.number]
    (episode,) = parsed.episodes
    assert episode.date == plan.iso_date
    assert episode.author == plan.expected_author
    assert episode.hosts == plan.hosts
    assert episode.versions == plan.versions
    has_link = plan.element != TEXT and plan.layout != NO_VIDEO
    assert episode.video_url == (plan.video_url if has_link else None)
    assert episode.unparsed_ids == ()

    # Nothing invented: every record is one of the post's features, each listed once.
    if plan.shape == NO_ID:
        assert not any(f.ticket_id for f in parsed.features)
        by_key = {f.title: f for f in parsed.features}
    else:
        assert all(f.ticket_id for f in parsed.features), [f.title for f in parsed.features]
        by_key = {f.ticket_id: f for f in parsed.features}
    records = sum(len(plan.ticket_ids(f)) for f in plan.features)
    assert len(by_key) == len(parsed.features) == records, list(by_key)
    highlighted = plan.expected_highlighted()
    for wanted in plan.features:
        # A line with two IDs gives a record for each, with the same text.
        for second in plan.ticket_ids(wanted)[1:]:
            assert by_key[second] == replace(
                by_key[wanted.ticket_id], ticket_id=second, position=by_key[second].position
            )
        got = by_key[plan.key(wanted)]
        last = wanted is plan.features[-1]
        assert got.title == wanted.title
        assert got.version == plan.expected_version(wanted)
        assert got.timestamp == plan.expected_timestamp(wanted)
        assert got.highlighted == (plan.key(wanted) in highlighted)
        if last and plan.cut_off and plan.listed_twice(wanted):
            # The cut full-list entry leads; the whole highlight entry's text is added to it.
            assert got.summary == f"{plan.cut_text}\n\n{plan.expected_summary(wanted)}"
            assert got.cut_off
            assert got.bullets == wanted.bullets
        elif last and plan.cut_off:
            assert got.summary == plan.cut_text and got.cut_off
            assert got.bullets == ()
        else:
            assert got.summary == plan.expected_summary(wanted) and not got.cut_off
            assert got.bullets == wanted.bullets
        TALLY.features_recovered += 1
    assert episode.parse == ("partial: the text ends mid-sentence" if plan.cut_off else "complete")
    TALLY.posts += 1
    TALLY.features_built += len(plan.features)


@settings(max_examples=CASES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=post_plans())
def check_generated_posts(plan):
    check(plan)


def test_generated_posts_parse_to_exactly_what_they_say(capsys):
    check_generated_posts()
    assert TALLY.posts >= CASES * 0.9  # hypothesis may stop early only on an exhausted space
    assert TALLY.features_recovered == TALLY.features_built
    with capsys.disabled():
        print(
            f"\ngenerated posts: {TALLY.posts} parsed, "
            f"{TALLY.features_recovered} of {TALLY.features_built} features recovered"
        )
