"""The page parser: one captured page (HTML or plain text) in, episode and feature records out.

Stages, each reading only the previous one's output:
``blocks`` (page -> blocks) -> ``posts`` (blocks -> one span per episode post) ->
``header`` (span -> header fields and body) -> ``features`` (body -> features) ->
``page`` (the records and the post's parse health).
"""

from crawler.parse.page import ParsedPage, canonical_url, parse_page

__all__ = ["ParsedPage", "canonical_url", "parse_page"]
