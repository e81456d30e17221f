"""The bounds of one crawl: how many pages, listing pages and sitemap URLs it may take, and for
how long it may run, so no blog (hostile or broken) can keep a crawl going for ever.

The defaults leave the real blog plenty of room: about 60 episode posts, a listing of a few
pages and a sitemap of a few hundred URLs take a few minutes at one request a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_PAGES = 500  # requests of any kind: listing pages, sitemaps and posts
MAX_LISTING_PAGES = 50  # the listing and its "Next" pages
MAX_SITEMAP_URLS = 5_000  # locations read from sitemaps (posts and nested sitemaps)
MAX_SECONDS = 1_800.0  # the whole crawl: half an hour


@dataclass
class CrawlBounds:
    """The limits of one crawl, and the ones it reached (in the order it reached them)."""

    pages: int = MAX_PAGES
    listing_pages: int = MAX_LISTING_PAGES
    sitemap_urls: int = MAX_SITEMAP_URLS
    seconds: float = MAX_SECONDS
    reached: list[str] = field(default_factory=list)

    def reach(self, what: str) -> None:
        """Note that the crawl stopped short at the bound ``what`` (a phrase naming its flag)."""
        if what not in self.reached:
            self.reached.append(what)

    def reach_pages(self) -> None:
        """Note the pages-per-run bound."""
        self.reach(f"{self.pages} pages per run (--max-pages)")

    def reach_listing_pages(self) -> None:
        """Note the listing-pages bound."""
        self.reach(f"{self.listing_pages} listing pages (--max-listing-pages)")

    def reach_sitemap_urls(self) -> None:
        """Note the sitemap-URLs bound."""
        self.reach(f"{self.sitemap_urls} sitemap URLs (--max-sitemap-urls)")

    def reach_time(self) -> None:
        """Note the time bound."""
        self.reach(f"{self.seconds:g} seconds (--max-time)")

    def message(self) -> str | None:
        """The line saying which bounds ended the crawl (None when none did)."""
        if not self.reached:
            return None
        return (
            f"The crawl stopped at its bound of {' and '.join(self.reached)}; what it fetched "
            "was kept. Raise the bound to fetch the rest."
        )
