"""The sizes the tool accepts, stated once. Content beyond them is refused
by `briefing check` (a 10 MB passage once passed and then took minutes to
lay out); a selection beyond them is a usage error, on the command line and
over HTTP alike.
"""

from __future__ import annotations

# The strategy's longest passage has 1,619 characters; ten times that is a
# page and a half of running text, far beyond any paragraph of a policy text.
MAX_PASSAGE_CHARS = 16_000
# Key messages, key figures' and commitments' quotations are sentences.
MAX_TEXT_CHARS = 2_000
# Subjects asked for in one briefing, counted as given (repeats included):
# the taxonomies hold 35 subjects, and a union of all regions is a real
# briefing; beyond this a request is not a person's.
MAX_SUBJECTS = 64
# The classification marking: one line in the page header.
MAX_MARKING_CHARS = 60
