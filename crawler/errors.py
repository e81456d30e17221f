"""The few exceptions halonotes raises; the CLI and the site turn them into messages."""


class HalonotesError(Exception):
    """Base class: the message is written for the user and names the place and the fix."""


class StoreError(HalonotesError):
    """The JSON Lines store cannot be read or written."""


class IndexMissingError(HalonotesError):
    """There is no search index where one was expected."""


class IndexBuildError(HalonotesError):
    """A build or update did not index every record of the store."""


class IndexBusyError(HalonotesError):
    """Another process holds the index writer."""


class QueryError(HalonotesError):
    """A search parameter is invalid (the site answers 400)."""
