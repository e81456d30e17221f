"""Reading a ``Retry-After`` header: seconds or an HTTP date."""

from datetime import UTC, datetime

from crawler.retry_after import retry_after_seconds


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120", now=now) == 120.0
    assert retry_after_seconds("Fri, 01 May 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Fri, 01 May 2026 11:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon", now=now) is None
    assert retry_after_seconds(None, now=now) is None
