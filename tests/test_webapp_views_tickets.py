"""A ticket's page: every episode that discussed it, with the video at its second."""

from __future__ import annotations

from html_page import parse, text


def test_ticket_page_shows_every_episode_with_the_video_second(site_client):
    html = text(site_client.get("/ticket/900101"))
    assert "<h1>Preview recurring invoices before they go out</h1>" in html
    assert "Recurring invoice preview" in html  # an alias
    assert "Admins can open a preview" in html
    assert "Previews show tax lines." in html
    assert "Caution" in html
    links = [a.get("href", "") for a in parse(html).links]
    video = [h for h in links if "vid18aaaaaa" in h]
    assert video and all("198" in h for h in video)  # 3:18
    assert any("vid19bbbbbb" in h and "1200" in h for h in links)  # 20:00 in episode 19
    assert "https://haloreleases.remmy.dev/?search=900101" in links
    assert "/episode/18" in links and "/episode/19" in links
    assert "Related features" in html
