"""The hostile corpus (tests/hostile/) as pages, as records, and as a served archive."""

from __future__ import annotations

from pathlib import Path

from crawler.parse import parse_page
from crawler.records import Episode, Feature, timestamp_seconds
from crawler.store import Store

HOSTILE_DIR = Path(__file__).parent / "hostile"
BLOG = "https://blog.example.test/thoughts/"
# Set by any script the corpus manages to run in a browser; must stay undefined.
PWNED_FLAG = "__pwned"

# Records as a store could hold them whatever the parser does (an older parser, a hand edit):
# raw control characters, a NUL, bidi overrides and links with scripting schemes.
RAW_EPISODE = Episode(
    episode=990,
    title="Episode 990 \u202eredro\u202c <script>window.__pwned=30</script>",
    url=BLOG + "by-the-run-book-episode-990",
    date="2026-09-07",
    video_url="data:text/html,<script>window.__pwned=31</script>",
    versions=("2.248",),
    summary="Raw \x00 NUL, \x1b[2J escape and \x07 bell in an episode summary.",
)
RAW_FEATURES = (
    Feature(
        title="Raw\x00NUL <img src=x onerror=window.__pwned=32> and \u202eRTL\u202c title",
        url=RAW_EPISODE.url,
        episode=990,
        ticket_id="9909901",
        version="2.248",
        timestamp="0:15",
        seconds=timestamp_seconds("0:15"),
        summary="=cmd|' /C calc'!A0 \x0b vertical tab \x1f unit separator",
        bullets=("@SUM(A1:A2)", "\tTab-led bullet", "<a href='javascript:window.__pwned=33'>x</a>"),
        flags=("caution",),
    ),
    Feature(
        title="+Second raw feature with ]]> and </script> in it",
        url=RAW_EPISODE.url,
        episode=990,
        ticket_id="9909902",
        version="2.248",
        timestamp="0:40",
        seconds=timestamp_seconds("0:40"),
        summary="-1+1 \u2028 line separator \u2029 paragraph separator",
        position=1,
    ),
    Feature(
        title="Third raw feature, R&D &amp; friends",
        url=RAW_EPISODE.url,
        episode=990,
        ticket_id="9909903",
        version="2.248",
        timestamp="1:20",
        seconds=timestamp_seconds("1:20"),
        summary="Makes three chapters possible.",
        position=2,
    ),
)


def hostile_pages() -> dict[str, str]:
    """Every page of the corpus as text, by file name (invalid bytes read as U+FFFD)."""
    return {
        path.name: path.read_bytes().decode("utf-8", errors="replace")
        for path in sorted(HOSTILE_DIR.iterdir())
        if path.suffix in (".html", ".txt")
    }


def long_page(lines: int) -> str:
    """An episode post of ``lines`` lines of filler (100 to a paragraph), then three features."""
    filler = [f"filler line {n} with &lt;b&gt;text&lt;/b&gt;" for n in range(lines)]
    paragraphs = "\n".join(
        "<p>" + "\n".join(filler[start : start + 100]) + "</p>" for start in range(0, lines, 100)
    )
    page = (HOSTILE_DIR / "javascript_video.html").read_text(encoding="utf-8")
    return page.replace("<h2>Full Feature List</h2>", paragraphs + "\n<h2>Full Feature List</h2>")


def nested_page(depth: int) -> str:
    """An episode post whose one feature sits ``depth`` levels of markup deep."""
    page = (HOSTILE_DIR / "javascript_video.html").read_text(encoding="utf-8")
    deep = "<div><span><b>" * depth
    deep += "<h4>Deep feature title | v2.242 #9900999 | 9:00</h4>"
    deep += "</b></span></div>" * depth
    return page.replace("<h2>Full Feature List</h2>", "<h2>Full Feature List</h2>" + deep)


def write_hostile_archive(data_dir: Path) -> Store:
    """Store every corpus page's records plus the raw records, and build the index."""
    from index.build import rebuild_index

    episodes: list[Episode] = [RAW_EPISODE]
    features: list[Feature] = list(RAW_FEATURES)
    for name, text in hostile_pages().items():
        parsed = parse_page(text, BLOG + Path(name).stem)
        episodes += parsed.episodes
        features += parsed.features
    store = Store(data_dir)
    store.merge(episodes, features)
    rebuild_index(data_dir)
    return store
