"""The colours of the maps and charts: the house palette of
templates/base.css. Its own module, free of matplotlib, so that the HTML
writer can draw a map's legend in the page with the same colours."""

LINTBLAUW = "#154273"
INK = "#1a1a1a"
MUTED = "#555555"
LINE = "#a9bcd4"
LAND = "#e3e3e3"
SEA = "#f4f6f9"
BORDER = "#ffffff"
PAPER = "#ffffff"
# Level 0: a locator map's region; 1–4: a theme map's counts, light to dark.
FILLS = {0: LINTBLAUW, 1: "#a9bcd4", 2: "#7090b9", 3: "#3f6697", 4: LINTBLAUW}
