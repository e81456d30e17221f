"""The area and integration vocabulary: whole words, word forms, and product names."""

import pytest

from index.areas import (
    area_label,
    areas_in,
    integration_label,
    integrations_in,
    resolve_area,
    resolve_integration,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("New API endpoint for contracts", True),
        ("APIs now return the site name", True),
        ("API-driven client import", True),
        ("Rapid ticket entry", False),
        ("Capital letters in therapist notes", False),
    ],
)
def test_api_is_matched_as_a_whole_word(text, expected):
    assert ("api" in areas_in([text])) is expected


@pytest.mark.parametrize(
    "text", ["Invoice lines", "two invoices", "invoiced amounts", "Invoicing rules", "BILLING"]
)
def test_every_invoice_form_is_billing(text):
    assert "billing" in areas_in([text])


def test_words_inside_other_words_do_not_count():
    assert "billing" not in areas_in(["Non-billable hours", "A billboard in reception"])
    assert "sla" not in areas_in(["Translated slang"])
    assert "chat" not in areas_in(["Chatter about chateaux"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("QuickBooks Online webhooks", ("quickbooks-online",)),
        ("The QBO connector", ("quickbooks-online",)),
        ("QuickBooks Desktop exports", ("quickbooks-desktop",)),
        ("Sync to Xero and Sage Intacct", ("xero", "sage-intacct")),
        ("Azure AD groups map to teams", ("microsoft-entra",)),
        ("Microsoft Entra ID sign-in", ("microsoft-entra",)),
        ("Kaseya VSA X alerts", ("kaseya-vsa-x",)),
        ("Datto RMM and Intune devices", ("datto-rmm", "intune")),
        ("Customers matched from Site24x7 alerts", ("site24x7",)),
        ("Google Maps Integration is now available", ("google-maps",)),
        ("Stripe and Avalara tax", ("stripe", "avalara")),
        ("Auvik, ConnectWise Automate, SailPoint", ("auvik", "connectwise-automate", "sailpoint")),
        ("Snow Software licences", ("snow",)),
        ("Snowfall closes the office", ()),
        ("Paxton door entry", ()),
    ],
)
def test_integrations_are_named_products(text, expected):
    assert integrations_in([text]) == expected


def test_naming_a_product_tags_the_integrations_area():
    assert "integrations" in areas_in(["Stripe payouts reconcile"])


def test_tags_come_from_every_text_and_keep_vocabulary_order():
    assert areas_in(["Timesheet approvals", "shown on the portal", "for each project"]) == (
        "portal",
        "projects",
        "time",
    )


def test_user_words_resolve_to_slugs():
    assert resolve_area("billing") == "billing"
    assert resolve_area("Billing & invoicing") == "billing"
    assert resolve_area("Invoices") == "billing"
    assert resolve_area("nowhere") is None
    assert resolve_integration("QBO") == "quickbooks-online"
    assert resolve_integration("QuickBooks Online") == "quickbooks-online"
    assert resolve_integration("datto rmm") == "datto-rmm"
    assert resolve_integration("nope") is None
    assert area_label("sla") == "SLA"
    assert integration_label("site24x7") == "Site24x7"
    assert area_label("unknown-slug") == "unknown-slug"
