"""Field rules for a post's header: the hosts named in an intro."""

import pytest

from crawler.parse.meta import hosts_of


@pytest.mark.parametrize(
    ("intro", "hosts"),
    [
        ("Connor and Robbie continue the tour of v2.212.", ("Connor", "Robbie")),
        (
            "In Episode 17, Wren and Oskar wrap up one version and dive into the next.",
            ("Wren", "Oskar"),
        ),
        (
            "The release is big, so Mira and Teodor highlight the billing changes.",
            ("Mira", "Teodor"),
        ),
        ("This week Priya, Tomás and Lee walk through v2.252.", ("Priya", "Tomás", "Lee")),
        ("Episode 9 runs long, with Ada & Bram unpacking the portal work.", ("Ada", "Bram")),
        ("The team covers what matters in v2.212.", ()),
        ("It focuses on Billing and Quotes updates for finance.", ()),
    ],
)
def test_hosts_are_found_before_many_verbs(intro, hosts):
    assert hosts_of(intro) == hosts
