"""The workbench in headless Chromium under ``halonotes serve``: a host plans, times and exports
an episode, across a server restart, and the exported post imports back to the same features."""

from __future__ import annotations

import os
from pathlib import Path

from chromium import ARTIFACTS, launch_with_profile, require_chromium
from roundtrip import halonotes_import, stored_features
from site_data import write_archive
from site_server import free_port, running_server
from workbench_data import PASSWORD, add_editor, store_bytes

# The README's screenshots are retaken on purpose only (UPDATE_SCREENSHOTS=1), like golden files.
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
RELEASE_NOTE_TITLES = (
    "Preview recurring invoices",
    "Portal sign-in with one-time links",
    "Ticket merge keeps SLA timers",
)
# The post's full list, in the order the host leaves it, with the times typed while watching.
EXPECTED = {
    "900101": ("Preview recurring invoices", "0:00"),
    "900301": ("Kanban lanes for projects", "2:40"),
    "900102": ("Portal sign-in with one-time links", "6:15"),
    "900199": ("Ticket merge keeps SLA timers", "1:01:30"),
}


def item(page, title: str):
    return page.locator("li.draft-item", has=page.locator(".item-line strong", has_text=title))


def test_a_host_plans_times_and_exports_an_episode_in_a_real_browser(tmp_path):
    require_chromium()
    from playwright.sync_api import sync_playwright

    data_dir = tmp_path / "data"
    write_archive(data_dir)
    add_editor(data_dir, "alex")
    store_before = store_bytes(data_dir)
    ARTIFACTS.mkdir(exist_ok=True)
    shots = DOCS_SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else ARTIFACTS
    exports: dict[str, bytes] = {}
    with sync_playwright() as playwright:
        context = launch_with_profile(
            playwright, tmp_path / "profile", viewport={"width": 1200, "height": 900}
        )
        errors: list[str] = []
        try:
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            with running_server(data_dir, free_port()) as site:
                page.goto(site.url + "workbench/")
                page.wait_for_url("**/workbench/sign-in**")
                page.fill("#name", "alex")
                page.fill("#password", PASSWORD)
                page.screenshot(path=str(shots / "workbench-sign-in.png"))
                page.click("button:has-text('Sign in')")
                page.wait_for_url("**/workbench/")

                page.fill("#episode", "21")
                page.fill("#versions", "2.212")
                page.click("button:has-text('Start the draft')")
                page.wait_for_url("**/workbench/draft/*")
                draft_url = page.url
                assert "3 release-note features are not in this draft yet." in page.content()

                for title in RELEASE_NOTE_TITLES:
                    page.click(f"button[aria-label='Add {title}']")
                    page.wait_for_load_state("load")
                assert page.locator(".release-notes li").count() == 0
                page.fill("#wb-q", "kanban")
                page.click("form.search-add button")
                page.click("button[aria-label='Add Kanban lanes for projects']")
                page.wait_for_load_state("load")
                assert page.locator("li.draft-item").count() == 4
                assert page.locator(".nav-draft").inner_text() == "Draft: episode 21 (4 items)"

            # A restart of the server: the draft and the session are still there.
            with running_server(data_dir, free_port()) as site:
                draft_url = site.url + draft_url.split("/", 3)[3]
                page.goto(draft_url)
                assert page.locator("li.draft-item").count() == 4

                for _ in range(2):  # Kanban from 4th to 2nd place
                    page.click("button[aria-label='Move Kanban lanes for projects up']")
                    page.wait_for_load_state("load")
                titles = page.locator(".item-line strong").all_inner_texts()
                assert titles == [title for title, _ in EXPECTED.values()]

                first = item(page, "Preview recurring invoices")
                first.locator("summary").click()
                first.locator("input[name=headline]").fill("Recurring invoice preview")
                first.locator("input[name=important]").check()
                first.locator("select[name=callout]").select_option("⚠️")
                first.locator("input[name=callout_text]").fill("Check the totals before sending")
                first.screenshot(path=str(shots / "workbench-edit.png"))
                first.locator("button:has-text('Save this feature')").click()
                page.wait_for_load_state("load")
                assert item(page, "Preview recurring invoices").locator(".tag").count() == 1

                timing = page.locator("form.timing-form")
                timing.locator("[data-clock-start]").click()  # the stamp helper, with JS on
                timing.locator("button[data-stamp]").first.click()
                assert timing.locator("input[name^=at-]").first.input_value() == "0:00"
                inputs = timing.locator("input[name^=at-]")
                for index, (_title, moment) in enumerate(EXPECTED.values()):
                    inputs.nth(index).fill(moment)
                page.locator("#timing").screenshot(path=str(shots / "workbench-timing.png"))
                timing.locator("button:has-text('Save the times')").click()
                page.wait_for_load_state("load")
                assert "The times are in order and meet YouTube" in page.content()
                page.screenshot(path=str(shots / "workbench.png"), full_page=True)

                links = page.locator("#exports a")
                assert links.all_inner_texts() == [
                    "Post as Markdown",
                    "Post as HTML",
                    "YouTube chapters",
                    "Podcast chapters.json",
                ]
                for link in links.all():
                    href = link.get_attribute("href")
                    response = page.request.get(site.url.rstrip("/") + href)
                    assert response.status == 200, href
                    exports[href.rsplit("/", 1)[1]] = response.body()
        finally:
            context.close()
    assert errors == []
    assert store_bytes(data_dir) == store_before

    chapters = exports["chapters.txt"].decode().splitlines()
    assert chapters == [
        "0:00 Preview recurring invoices",
        "2:40 Kanban lanes for projects",
        "6:15 Portal sign-in with one-time links",
        "1:01:30 Ticket merge keeps SLA timers",
    ]
    for name in ("post.md", "post.html"):
        saved = tmp_path / f"episode-21-{name}"
        saved.write_bytes(exports[name])
        halonotes_import(saved, tmp_path / name)
        features = stored_features(tmp_path / name, 21)
        assert {t: (f["title"], f["timestamp"]) for t, f in features.items()} == EXPECTED
        highlighted = features["900101"]
        assert highlighted["highlighted"] and highlighted["flags"] == ["caution"]
        assert highlighted["aliases"] == ["Recurring invoice preview"]
        assert highlighted["bullets"][-1] == "⚠️ Check the totals before sending"
        assert [f["ticket_id"] for f in features.values() if f["highlighted"]] == ["900101"]
        assert features["900301"]["version"] == "2.218"
