"""Pages whose bytes contradict their declared charset are read by what the bytes are, and
reported; never stored as mojibake silently."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from endless_blog import EndlessBlog

from crawler.parse.encoding import read_page
from crawler.sample_site import sample_site_dir
from crawler.store import Store
from tests.crawl_server import timed_crawl

HALONOTES = str(Path(sys.executable).with_name("halonotes"))
POST = sample_site_dir() / "thoughts" / "by-the-run-book-episode-51.html"
TEXT = "<p>Café façade — naïve ⚠️ résumé</p>"


def declared(charset: str, body: str = TEXT) -> str:
    return f'<html><head><meta charset="{charset}"></head><body>{body}</body></html>'


def test_utf8_bytes_declared_latin1_are_read_as_utf8_with_a_note():
    page = read_page(declared("iso-8859-1").encode("utf-8"))
    assert TEXT in page.text and page.encoding == "utf-8" and not page.damaged
    assert page.note == "declared iso-8859-1 but its bytes are UTF-8; read as UTF-8"


def test_windows_1252_bytes_declared_utf8_are_read_as_windows_1252_with_a_note():
    body = "<p>Café façade — naïve résumé</p>"
    page = read_page(declared("utf-8", body).encode("cp1252"))
    assert body in page.text and page.encoding == "cp1252"
    assert page.note == "declared utf-8 but its bytes are Windows-1252; read as Windows-1252"


def test_a_charset_the_bytes_agree_with_is_used_without_a_note():
    page = read_page(declared("iso-8859-1", "<p>Café</p>").encode("latin-1"))
    assert "<p>Café</p>" in page.text and page.note is None


def test_utf8_with_broken_bytes_is_marked_damaged():
    data = declared("utf-8").encode("utf-8").replace(b"</p>", b"\xff\xfe</p>")
    page = read_page(data)
    assert page.damaged and page.note.startswith("not valid utf-8 (byte ")


def test_import_of_a_utf8_page_declared_latin1_keeps_its_text_and_says_so(tmp_path):
    page = tmp_path / "post.html"
    page.write_bytes(POST.read_bytes().replace(b'charset="utf-8"', b'charset="iso-8859-1"'))
    result = subprocess.run(
        [HALONOTES, "import", str(page), "--data", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"{page}: declared iso-8859-1 but its bytes are UTF-8" in result.stderr
    features = Store(tmp_path / "data").features()
    assert any("caution" in f.flags for f in features)  # read from the ⚠️ callouts
    assert not any("â" in t for f in features for t in (f.title, f.summary, *f.bullets))


def test_a_crawled_utf8_post_served_as_latin1_keeps_its_text_and_says_so(tmp_path):
    with EndlessBlog(endless=False) as blog:
        blog.post_content_type = "text/html; charset=iso-8859-1"
        result, _seconds = timed_crawl(blog, tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert "by-the-run-book-episode-51: declared cp1252 but its bytes are UTF-8" in result.stderr
    features = Store(tmp_path / "data").features()
    assert any("caution" in f.flags for f in features)
    assert not any("â" in t for f in features for t in (f.title, f.summary, *f.bullets))
