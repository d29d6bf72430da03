"""The date a build or a server stands on: light, so that commands that
only read content need not import the build machinery for it."""

from __future__ import annotations

import datetime as dt
import os

from .errors import OutputError


def build_date() -> dt.date:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise OutputError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not '{epoch}'") from None
    return dt.datetime.now(dt.UTC).date()
