"""The upgrade checklist's Markdown, CSV and JSON downloads."""

from __future__ import annotations

import csv
import io

import pytest
from html_page import text
from site_data import FORMULA_TITLE


def test_upgrade_checklist_exports_markdown_and_csv(site_client):
    markdown = text(site_client.get("/upgrade.md?from=2.210&to=2.216"))
    assert markdown.startswith("# Upgrade checklist: v2.210 to v2.216")
    assert "- [ ] **Asset discovery records MAC addresses**" in markdown
    assert "<script>" not in markdown
    assert "\\<script\\>" in markdown

    response = site_client.get("/upgrade.csv?from=2.210&to=2.216")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(text(response))))
    titles = {row["title"] for row in rows}
    assert "'" + FORMULA_TITLE in titles
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    assert any(row["ticket_page"].endswith("/ticket/900103") for row in rows)


@pytest.mark.parametrize("export", ["upgrade.md", "upgrade.csv", "upgrade.json"])
def test_upgrade_exports_answer_errors_as_text_or_json_and_carry_an_etag(site_client, export):
    response = site_client.get(f"/{export}?from=nope&to=2.216")
    assert response.status_code == 400
    assert "<html" not in response.get_data(as_text=True)
    if export.endswith(".json"):
        assert "not a HaloPSA version" in response.get_json()["error"]
    else:
        assert response.mimetype == "text/plain"
    good = site_client.get(f"/{export}?from=2.210&to=2.216")
    assert good.status_code == 200 and good.headers["ETag"]
    again = site_client.get(
        f"/{export}?from=2.210&to=2.216", headers={"If-None-Match": good.headers["ETag"]}
    )
    assert again.status_code == 304
