"""A spider contract for ``scrapy check`` that reads the bundled sample site, not the internet."""

from __future__ import annotations

import functools

from scrapy.contracts import Contract

from crawler.sample_site import LIVE_ORIGIN, sample_site_dir


class SampleContract(Contract):
    """``@sample thoughts.html``: call back with that page of the sample site, at its live URL.

    The page is read from the package (a ``file:`` request) and handed to the callback as the
    live blog serves it (``https://…/thoughts``), so its links resolve as they do there.
    """

    name = "sample"

    def adjust_request_args(self, args: dict) -> dict:
        """Request the bundled file; give the callback the page at its live URL."""
        page = self.args[0]
        live_url = f"{LIVE_ORIGIN}/{page.removesuffix('.html')}"
        callback = args["callback"]

        @functools.wraps(callback)
        def at_live_url(response, **cb_kwargs):
            return callback(response.replace(url=live_url), **cb_kwargs)

        args.update(url=(sample_site_dir() / page).as_uri(), callback=at_live_url)
        return args
