"""The Whoosh search index derived from the store, and the query API the site and CLI use."""
