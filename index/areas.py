"""The curated vocabulary that tags each feature with product areas and the products it names.

Areas and integrations are facets: a feature's tags come from its title, aliases, summary and
bullets, matched on word boundaries and case-insensitively, so "API" never matches "rapid" and
"invoices", "invoicing" and "invoiced" all mean billing. Tags are slugs (``billing``,
``quickbooks-online``); ``resolve_area`` and ``resolve_integration`` read what a user types
(a slug, a label or a common alias) and return the slug.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

# slug -> (label, patterns). Patterns are regular expressions matched as whole words.
AREAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "billing": (
        "Billing & invoicing",
        (
            r"invoic(?:e|es|ed|ing)",
            r"bill(?:s|ed|ing)?",
            r"billing plans?",
            r"credit (?:notes?|lines?)",
            r"payments?",
            r"recurring (?:invoices?|billing)",
            r"tax(?:es)?",
            r"currenc(?:y|ies)",
            r"prepay(?:ments?)?",
        ),
    ),
    "tickets": (
        "Tickets",
        (r"tickets?", r"ticket types?", r"child tickets?", r"actions?", r"service requests?"),
    ),
    "sla": ("SLA", (r"SLAs?", r"OLAs?", r"service level", r"breach(?:es|ed)?", r"on-hold")),
    "assets": (
        "Assets",
        (r"assets?", r"configuration items?", r"CMDB", r"asset discovery", r"MAC address"),
    ),
    "integrations": (
        "Integrations",
        (r"integrations?", r"webhooks?", r"connectors?", r"sync(?:s|ed|ing)?"),
    ),
    "portal": (
        "Self-service portal",
        (r"portals?", r"self[- ]service", r"end[- ]users?"),
    ),
    "api": ("API", (r"APIs?", r"endpoints?", r"REST")),
    "email": (
        "Email",
        (r"e-?mails?", r"mailbox(?:es)?", r"mail campaigns?", r"distribution lists?"),
    ),
    "automation": (
        "Automation, runbooks & workflows",
        (r"automations?", r"automat(?:ed|ic|ically)", r"runbooks?", r"workflows?", r"triggers?"),
    ),
    "reporting": (
        "Reporting & dashboards",
        (r"reports?", r"reporting", r"dashboards?", r"charts?", r"analysis"),
    ),
    "security": (
        "Security & permissions",
        (
            r"permissions?",
            r"security",
            r"roles?",
            r"log ?in",
            r"sign[- ]in",
            r"SSO",
            r"single sign-on",
            r"MFA",
            r"two[- ]factor",
            r"audit(?:s|ing)?",
            r"access (?:control|levels?|rights)",
        ),
    ),
    "sales": (
        "Sales, quotes & CRM",
        (
            r"quot(?:e|es|ation|ations)",
            r"sales",
            r"opportunit(?:y|ies)",
            r"pipelines?",
            r"CRM",
            r"leads?",
            r"prospects?",
        ),
    ),
    "purchasing": (
        "Purchasing & stock",
        (
            r"purchase orders?",
            r"sales orders?",
            r"stock",
            r"suppliers?",
            r"consignments?",
            r"items?",
            r"products?",
        ),
    ),
    "projects": ("Projects", (r"projects?",)),
    "time": (
        "Time & timesheets",
        (r"timesheets?", r"time entr(?:y|ies)", r"time tracking", r"timers?"),
    ),
    "chat": ("Chat", (r"chats?", r"chat ?flows?", r"live chat")),
    "knowledge": ("Knowledge base", (r"knowledge ?base", r"KB articles?", r"FAQs?")),
    "calendar": (
        "Calendar & appointments",
        (r"calendars?", r"appointments?", r"schedul(?:e|es|ed|ing)", r"to-do"),
    ),
    "custom-fields": ("Custom fields", (r"custom fields?", r"field visibility", r"lookup codes?")),
    "contracts": ("Contracts", (r"contracts?", r"agreements?")),
    "clients": (
        "Clients, sites & users",
        (r"clients?", r"customers?", r"sites?", r"top levels?"),
    ),
    "ai": ("AI", (r"AI", r"artificial intelligence", r"copilot")),
}

# slug -> (label, patterns). Naming a product also tags the feature with the integrations area.
INTEGRATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "xero": ("Xero", (r"Xero",)),
    "quickbooks-online": ("QuickBooks Online", (r"QuickBooks(?: Online)?(?! Desktop)", r"QBO")),
    "quickbooks-desktop": ("QuickBooks Desktop", (r"QuickBooks Desktop",)),
    "sage-intacct": ("Sage Intacct", (r"(?:Sage )?Intacct",)),
    "sage-business-cloud": ("Sage Business Cloud", (r"Sage Business Cloud",)),
    "myob": ("MYOB", (r"MYOB",)),
    "datto-rmm": ("Datto RMM", (r"Datto(?: RMM)?",)),
    "intune": ("Microsoft Intune", (r"(?:Microsoft )?Intune",)),
    "stripe": ("Stripe", (r"Stripe",)),
    "gocardless": ("GoCardless", (r"GoCardless",)),
    "avalara": ("Avalara", (r"Avalara",)),
    "auvik": ("Auvik", (r"Auvik",)),
    "connectwise-automate": (
        "ConnectWise Automate",
        (r"ConnectWise Automate", r"CW Automate", r"LabTech"),
    ),
    "kaseya-vsa-x": ("Kaseya VSA X", (r"(?:Kaseya )?VSA ?X", r"Kaseya")),
    "microsoft-entra": (
        "Microsoft Entra ID",
        (r"(?:Microsoft )?Entra(?: ID)?", r"Azure AD", r"Azure Active Directory", r"AAD"),
    ),
    "microsoft-teams": ("Microsoft Teams", (r"(?:Microsoft|MS) Teams",)),
    "microsoft-365": (
        "Microsoft 365",
        (r"(?:Microsoft|Office|O) ?365", r"Exchange Online", r"Microsoft Graph"),
    ),
    "azure-ai-translator": ("Azure AI Translator", (r"Azure (?:AI )?Translator",)),
    "site24x7": ("Site24x7", (r"Site24x7",)),
    "google-maps": ("Google Maps", (r"Google Maps",)),
    "sailpoint": ("SailPoint", (r"SailPoint",)),
    "snow": ("Snow", (r"Snow (?:Software|License Manager|Atlas|integration)",)),
    "splashtop": ("Splashtop", (r"Splashtop",)),
    "ninjaone": ("NinjaOne", (r"Ninja ?One", r"NinjaRMM", r"Ninja RMM")),
    "n-able": ("N-able", (r"N-able", r"N-central", r"N-sight")),
    "teamviewer": ("TeamViewer", (r"TeamViewer",)),
    "it-glue": ("IT Glue", (r"IT ?Glue",)),
    "hudu": ("Hudu", (r"Hudu",)),
    "pax8": ("Pax8", (r"Pax8",)),
    "jira": ("Jira", (r"Jira",)),
    "azure-devops": ("Azure DevOps", (r"Azure DevOps",)),
    "hubspot": ("HubSpot", (r"HubSpot",)),
    "salesforce": ("Salesforce", (r"Salesforce",)),
    "slack": ("Slack", (r"Slack",)),
    "twilio": ("Twilio", (r"Twilio",)),
    "docusign": ("DocuSign", (r"DocuSign",)),
    "userway": ("UserWay", (r"UserWay",)),
    "userguiding": ("UserGuiding", (r"UserGuiding",)),
}

# Extra words a user may type for an area: alias -> slug.
_AREA_ALIASES = {
    "invoice": "billing",
    "invoices": "billing",
    "invoicing": "billing",
    "ticket": "tickets",
    "asset": "assets",
    "integration": "integrations",
    "self-service": "portal",
    "mail": "email",
    "runbooks": "automation",
    "workflows": "automation",
    "reports": "reporting",
    "permissions": "security",
    "quotes": "sales",
    "crm": "sales",
    "stock": "purchasing",
    "timesheets": "time",
    "kb": "knowledge",
}
_INTEGRATION_ALIASES = {"qbo": "quickbooks-online", "quickbooks": "quickbooks-online"}


def _trigger(pattern: str) -> str:
    """The longest literal word every match of ``pattern`` contains, lowercased."""
    text = re.sub(r"\(\?[:!=][^()]*\)\??", " ", pattern)  # groups and lookarounds
    text = re.sub(r"\[[^\]]*\]\??", " ", text)  # character classes
    text = re.sub(r".\?", " ", text)  # optional characters
    return max(re.findall(r"[A-Za-z0-9]+", text), key=len).lower()


class _Vocabulary:
    """A vocabulary compiled for speed: lowercased patterns, each behind a cheap trigger.

    Patterns run without a leading look-behind, so the regular-expression engine can jump to a
    literal prefix; the word boundary before a match is checked by hand. A pattern runs only
    when its trigger (a substring every match contains) occurs in the text, and all triggers are
    tested in one pass: scanning each text with a case-insensitive pattern per slug cost more
    than indexing the feature.
    """

    def __init__(self, vocabulary: dict[str, tuple[str, tuple[str, ...]]]):
        self.slugs = list(vocabulary)
        self.patterns: dict[str, list[tuple[str, re.Pattern]]] = {}
        for slug, (_label, patterns) in vocabulary.items():
            for pattern in patterns:
                compiled = re.compile(pattern.lower() + r"(?!\w)")
                self.patterns.setdefault(_trigger(pattern), []).append((slug, compiled))
        self.triggers = tuple(self.patterns)

    def find(self, lowered: str) -> set[str]:
        """The slugs whose patterns match a lowercased text on word boundaries."""
        found: set[str] = set()
        for trigger in [t for t in self.triggers if t in lowered]:
            for slug, pattern in self.patterns[trigger]:
                if slug not in found and any(
                    _starts_word(lowered, m.start()) for m in pattern.finditer(lowered)
                ):
                    found.add(slug)
        return found


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_")


_AREAS = _Vocabulary(AREAS)
_INTEGRATIONS = _Vocabulary(INTEGRATIONS)

# Changes whenever the vocabulary does, so an update re-tags every feature.
VOCABULARY_DIGEST = hashlib.sha1(repr((AREAS, INTEGRATIONS)).encode()).hexdigest()[:12]


def tags_in(texts: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return (areas, integrations): the slugs the texts touch and name, in vocabulary order."""
    lowered = "\n".join(texts).lower()
    integrations = _INTEGRATIONS.find(lowered)
    areas = _AREAS.find(lowered)
    if integrations:
        areas.add("integrations")
    return (
        tuple(slug for slug in _AREAS.slugs if slug in areas),
        tuple(slug for slug in _INTEGRATIONS.slugs if slug in integrations),
    )


def integrations_in(texts: Iterable[str]) -> tuple[str, ...]:
    """Return the slugs of the third-party products the texts name, in vocabulary order."""
    return tags_in(texts)[1]


def areas_in(texts: Iterable[str]) -> tuple[str, ...]:
    """Return the slugs of the product areas the texts touch, in vocabulary order."""
    return tags_in(texts)[0]


def _normalise(text: str) -> str:
    return re.sub(r"[\s_]+", "-", text.strip().lower())


def _resolver(vocabulary: dict, aliases: dict[str, str]) -> dict[str, str]:
    table = {}
    for slug, (label, _patterns) in vocabulary.items():
        table[slug] = slug
        table[_normalise(label)] = slug
    table.update(aliases)
    return table


_AREA_NAMES = _resolver(AREAS, _AREA_ALIASES)
_INTEGRATION_NAMES = _resolver(INTEGRATIONS, _INTEGRATION_ALIASES)


def resolve_area(text: str) -> str | None:
    """Return the area slug a user means by ``text`` (slug, label or alias), or None."""
    return _AREA_NAMES.get(_normalise(text))


def resolve_integration(text: str) -> str | None:
    """Return the integration slug a user means by ``text`` (slug, label or alias), or None."""
    return _INTEGRATION_NAMES.get(_normalise(text))


def area_label(slug: str) -> str:
    """Return the display label of an area slug (the slug itself when unknown)."""
    return AREAS.get(slug, (slug, ()))[0]


def integration_label(slug: str) -> str:
    """Return the display label of an integration slug (the slug itself when unknown)."""
    return INTEGRATIONS.get(slug, (slug, ()))[0]
