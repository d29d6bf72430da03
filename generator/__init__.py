"""briefing: tailored briefings from the Dutch International Security Strategy.

The pipeline, one module per stage (data flows one way):

    content  -> select -> compose -> writers -> build
    (YAML)      (which    (format-   (HTML,     (jobs, manifest,
                passages)  neutral    PDF,       index.html)
                           model)     DOCX)

Two clients use the library, and neither holds a copy of it: the command
line (`cli.py`) and the web server (`serve/`, which plans jobs exactly as
`build.plan` does and renders them in its own worker pool).
"""

from __future__ import annotations

__version__ = "0.1.0"
