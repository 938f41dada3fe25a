"""Errors a search backend raises that callers are expected to handle."""

from __future__ import annotations


class IndexBusy(Exception):
    """Another writer held the index lock for longer than the writer timeout.

    Nothing was written: the caller should keep its pending change and try again later.
    """
