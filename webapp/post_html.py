"""A draft post as HTML to paste into the blog's rich-text editor, in the blog's own shape.

Every piece of text goes through ``Markup.format``, which escapes it: nothing here can put
markup from a title or bullet into the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from index import Hit
from webapp.shownotes import (
    FULL_LIST,
    IMPORTANT_MENTIONS,
    PostHeader,
    feature_ref,
    headline,
    moment,
    paragraphs,
    plain_text,
    post_date,
    version_groups,
    version_heading,
)


def feature_line(hit: Hit, *, title: str | None = None) -> str:
    """The blog's feature line, ``Title | vX #ID | m:ss``, as plain text."""
    parts = (plain_text(hit.title if title is None else title), feature_ref(hit), moment(hit))
    return " | ".join(part for part in parts if part)


def _feature_html(hit: Hit) -> list[Markup]:
    parts = [Markup("<p><strong>{}</strong></p>").format(feature_line(hit))]
    parts += [Markup("<p>{}</p>").format(p) for p in paragraphs(hit.summary)]
    bullets = [text for text in (plain_text(b) for b in hit.bullets) if text]
    if bullets:
        items = Markup("").join(Markup("<li>{}</li>").format(b) for b in bullets)
        parts.append(Markup('<ul role="list">{}</ul>').format(items))
    return parts


def post_html(post: PostHeader, hits: Sequence[Hit]) -> str:
    """The post body as HTML: title, date, intro, "Important Mentions", "Full Feature List"."""
    parts = [Markup("<h1>{}</h1>").format(plain_text(post.title))]
    if post.date:
        parts.append(Markup("<p>{}</p>").format(post_date(post.date)))
    parts += [Markup("<p>{}</p>").format(p) for p in paragraphs(post.intro)]
    important = [hit for hit in hits if hit.highlighted]
    if important:
        parts.append(Markup("<h2>{}</h2>").format(IMPORTANT_MENTIONS))
        parts += [
            Markup("<p><strong>{}</strong></p>").format(feature_line(hit, title=headline(hit)))
            for hit in important
        ]
    parts.append(Markup("<h2>{}</h2>").format(FULL_LIST))
    for version, group in version_groups(hits):
        parts.append(Markup("<h3>{}</h3>").format(version_heading(version)))
        for hit in group:
            parts += _feature_html(hit)
    return "\n".join(parts) + "\n"
