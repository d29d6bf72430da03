"""`python -m generator` is the `briefing` command."""

from .cli import main_entry

main_entry()
