"""From blog pages to feature records: spider, parser, record types and the JSON Lines store."""
