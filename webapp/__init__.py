"""The halonotes website: search, ticket, version and episode pages, feeds and the API."""
