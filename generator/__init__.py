"""briefing: tailored briefings from the Dutch International Security Strategy.

The pipeline, one module per stage (data flows one way):

    content  -> select -> compose -> writers -> build
    (YAML)      (which    (format-   (HTML,     (jobs, manifest,
                passages)  neutral    PDF,       index.html)
                           model)     DOCX)

The library works without the command line: `load_content`, `parse_selectors`,
`select`, `compose` and `render` are what a long-lived server would call.
"""

from __future__ import annotations

__version__ = "0.1.0"
