"""HTML joined outside templates: one way in, and it escapes every text it is given."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from webapp.views.fragments import Fragment, visible_text

HOSTILE = '"><script>alert(1)</script>'


def test_format_escapes_every_text_value_and_keeps_fragments_and_markup():
    inner = Fragment.format("<b>{}</b>", HOSTILE)
    html = Fragment.format('<a href="{}">{} {} {}</a>', HOSTILE, inner, Markup("<i>ok</i>"), 7).html
    assert "<script>" not in html
    assert html == (
        '<a href="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">'
        "<b>&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</b> <i>ok</i> 7</a>"
    )


def test_format_drops_invisible_characters_as_the_templates_do():
    assert Fragment.format("<p>{}</p>", "in\u200bvoice\ufffe").html == "<p>invoice</p>"


def test_text_cannot_become_a_fragment_without_being_escaped():
    with pytest.raises(TypeError, match="Fragment.format"):
        Fragment("<script>alert(1)</script>")
    with pytest.raises(TypeError, match="not str"):
        Fragment.join([Fragment.format("{}", "a"), "<script>alert(1)</script>"])
    assert Fragment(Markup("<em>rendered by Jinja</em>")).html == "<em>rendered by Jinja</em>"


@given(st.one_of(st.text(), st.integers(), st.text().map(Markup), st.floats(allow_nan=False)))
def test_format_writes_any_value_as_the_templates_would(value):
    """The same HTML as Jinja's autoescape after its ``finalize``, whatever the value."""
    assert Fragment.format("<p>{}</p>", value).html == f"<p>{escape(visible_text(value))}</p>"
