"""Retries that wait as long as the blog asks: ``Retry-After`` on a 429 or 503 answer, up to a cap.

Scrapy's own retry middleware retries a 429 at once, which only earns another 429. This one
keeps its rules (which codes and errors, how many times) and, when the answer carries
``Retry-After``, waits that long before the retry. A wait longer than the cap is not worth
holding the crawl for: the page is given up at once and reported with the wait it asked for.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
from datetime import UTC, datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message

RETRY_AFTER_MAX_SETTING = "HALONOTES_RETRY_AFTER_MAX"
RETRY_AFTER_STATUSES = (429, 503)

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | bytes | None, *, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delay in seconds or an HTTP date), or None."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting for a 429 or 503 answer's ``Retry-After`` up to a cap."""

    def __init__(self, settings):
        super().__init__(settings)
        self.max_wait = settings.getfloat(RETRY_AFTER_MAX_SETTING, 60.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        """Retry a retryable answer, after the wait its ``Retry-After`` asks for."""
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = None
        if response.status in RETRY_AFTER_STATUSES:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is not None and wait > self.max_wait:
            logger.info(
                "Not retrying %s: it asks to wait %.0f s, more than %.0f s",
                request.url,
                wait,
                self.max_wait,
            )
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if wait:
            logger.info("Waiting %.1f s before retrying %s (Retry-After)", wait, request.url)
            await asyncio.sleep(wait)
        return retry
