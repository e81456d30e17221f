"""The site in headless Chromium under `halonotes serve`: search, facet, ticket, video link."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from chromium import ARTIFACTS, launch, launch_with_profile, require_chromium
from hostile_data import PWNED_FLAG, write_hostile_archive
from site_data import HOSTILE_TITLE, write_archive
from site_server import free_port, running_server

from tests.crawl_server import crawl_sample


def test_search_facet_ticket_and_video_link_in_a_real_browser(tmp_path):
    require_chromium()
    from playwright.sync_api import sync_playwright

    data_dir = tmp_path / "data"
    write_archive(data_dir)
    ARTIFACTS.mkdir(exist_ok=True)
    with running_server(data_dir, free_port()) as site, sync_playwright() as playwright:
        url = site.url
        context = launch_with_profile(
            playwright, tmp_path / "profile", viewport={"width": 1200, "height": 900}
        )
        alerts: list[str] = []
        errors: list[str] = []
        try:
            page = context.new_page()
            page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
            page.on("pageerror", lambda error: errors.append(str(error)))

            page.goto(url)
            page.locator(".site-footer").click()  # move focus away from the search box
            page.keyboard.press("/")  # the small script focuses the search box
            page.keyboard.type("invoice")
            page.keyboard.press("Enter")
            page.wait_for_url("**/?q=invoice")  # empty filters are not sent
            assert page.locator(".card").count() >= 2
            assert page.locator(".card mark").count() >= 1
            page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

            page.locator(".facets a", has_text="v2.216").click()
            page.wait_for_url("**version=2.216*")
            titles = page.locator(".card-title").all_inner_texts()
            assert titles == ["Invoice PDF export from the preview"]
            page.screenshot(path=str(ARTIFACTS / "search-facet.png"), full_page=True)

            page.goto(url + "?q=recurring")
            page.locator(".card-title a", has_text="Preview recurring invoices").click()
            page.wait_for_url("**/ticket/900101")
            assert (
                page.locator("h1").inner_text() == "Preview recurring invoices before they go out"
            )
            moment = page.locator(".moments li", has_text="Halo v2.212 and v2.214")
            href = moment.locator("a.video-link").get_attribute("href")
            parts = urlsplit(href)
            assert parts.netloc == "www.youtube.com"
            query = parse_qs(parts.query)
            assert query["v"] == ["vid18aaaaaa"]
            assert query.get("t", [""])[0].rstrip("s") == "198"  # 3:18 into the video
            page.screenshot(path=str(ARTIFACTS / "ticket.png"), full_page=True)

            page.goto(url + "ticket/900666")
            assert page.locator("h1").inner_text() == HOSTILE_TITLE
            page.screenshot(path=str(ARTIFACTS / "hostile.png"), full_page=True)
        finally:
            context.close()
    assert alerts == []
    assert errors == []


HOSTILE_PAGES = (
    "?q=script",
    "?q=raw",
    "?q=breaker",
    "ticket/9900101",
    "ticket/9900102",
    "ticket/9900104",
    "ticket/9900105",
    "ticket/9909901",
    "episode/901",
    "episode/902",
    "episode/990",
    "version/2.240",
    "draft?pick={picks}",
)


def test_pages_built_from_the_hostile_corpus_run_no_script(tmp_path):
    require_chromium()
    from playwright.sync_api import sync_playwright

    from index import IndexReader

    data_dir = tmp_path / "data"
    write_hostile_archive(data_dir)
    picks = ",".join(hit.key for hit in IndexReader(data_dir).episode_features(990))
    with running_server(data_dir, free_port()) as site, sync_playwright() as playwright:
        context = launch_with_profile(playwright, tmp_path / "profile")
        dialogs: list[str] = []
        errors: list[str] = []
        flags: dict[str, str] = {}
        try:
            page = context.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on(
                "console",
                lambda message: errors.append(message.text) if message.type == "error" else None,
            )
            for path in HOSTILE_PAGES:
                response = page.goto(site.url + path.format(picks=picks))
                assert response is not None and response.status == 200, path
                page.wait_for_load_state("load")
                flags[path] = page.evaluate(f"typeof window.{PWNED_FLAG}")
                for link in page.locator("a[href]").all():
                    href = (link.get_attribute("href") or "").strip().lower()
                    assert not href.startswith(("javascript:", "data:")), (path, href)
            page.goto(site.url + "ticket/9900101")
            assert "<script>window.__pwned = 4</script>" in page.locator("h1").inner_text()
            page.screenshot(path=str(ARTIFACTS / "hostile-corpus.png"), full_page=True)
        finally:
            context.close()
    assert flags == dict.fromkeys(HOSTILE_PAGES, "undefined")
    assert dialogs == []
    assert errors == []


# One page of each family, on the bundled sample as `make run` leaves it.
PAGE_FAMILIES = (
    "",
    "?q=invoice",
    "?q=nothing-matches-this",
    "ticket/1190014",
    "version/2.218",
    "upgrade",
    "upgrade?from=2.216&to=2.222",
    "episodes",
    "episode/52",
    "draft?pick={pick}",
    "coverage",
    "status",
    "stats",
    "ticket/1",
)
WIDTHS = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 390, "height": 844}}
PHONE_SCREENSHOTS = {"?q=invoice": "search-phone", "upgrade?from=2.216&to=2.222": "upgrade-phone"}
PHONE_SCREENSHOTS["status"] = "status-phone"


def serious_violations(results: dict) -> list[str]:
    """axe-core's serious and critical violations, one line each with the first element."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_every_page_family_passes_axe_core_at_desktop_and_phone_widths(tmp_path):
    require_chromium()
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from index import IndexReader

    data_dir = crawl_sample(tmp_path / "sample-data")
    pick = ",".join(hit.key for hit in IndexReader(data_dir).episode_features(52)[:3])
    axe = Axe()
    found: dict[str, list[str]] = {}
    milder: dict[str, list[str]] = {}  # moderate and minor, printed only
    ARTIFACTS.mkdir(exist_ok=True)
    with running_server(data_dir, free_port()) as site, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for width, viewport in WIDTHS.items():
                page = browser.new_page(viewport=viewport)
                for path in PAGE_FAMILIES:
                    page.goto(site.url + path.format(pick=pick))
                    page.wait_for_load_state("load")
                    results = axe.run(page).response
                    found[f"{width} /{path}"] = serious_violations(results)
                    milder[f"{width} /{path}"] = [
                        f"{v['id']} ({v['impact']})"
                        for v in results["violations"]
                        if v["impact"] not in ("serious", "critical")
                    ]
                    if width == "phone" and path in PHONE_SCREENSHOTS:
                        name = PHONE_SCREENSHOTS[path]
                        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
                page.close()
        finally:
            browser.close()
    print("axe-core violations per page (serious or critical; moderate or minor):")
    for where, violations in found.items():
        print(f"  {where}: {len(violations)}; {len(milder[where])} {milder[where] or ''}")
    assert {where: v for where, v in found.items() if v} == {}


def test_on_a_phone_the_filters_come_first_folded_and_tables_scroll(tmp_path):
    require_chromium()
    from playwright.sync_api import sync_playwright

    data_dir = crawl_sample(tmp_path / "sample-data")
    with running_server(data_dir, free_port()) as site, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport=WIDTHS["phone"])
            page.goto(site.url + "?q=invoice")
            filters = page.locator("details.facets-panel")
            first_card = page.locator(".card").first
            assert filters.bounding_box()["y"] < first_card.bounding_box()["y"]
            assert filters.get_attribute("open") is None  # folded
            assert first_card.bounding_box()["y"] < WIDTHS["phone"]["height"]
            page.locator("details.facets-panel > summary").click()
            assert page.locator(".facets a", has_text="v2.2").first.is_visible()

            page.goto(site.url + "status")
            table = page.locator(".table-scroll")
            assert table.evaluate("el => el.scrollWidth > el.clientWidth")  # wider than a phone
            table.focus()
            for _ in range(10):  # the page's CSP forbids wait_for_function's eval
                page.keyboard.press("ArrowRight")
                page.wait_for_timeout(50)
            assert table.evaluate("el => el.scrollLeft") > 0

            desktop = browser.new_page(viewport=WIDTHS["desktop"])
            desktop.goto(site.url + "?q=invoice")
            assert desktop.locator(".facets a", has_text="v2.2").first.is_visible()
        finally:
            browser.close()
