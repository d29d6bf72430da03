"""The last module a forkserver imports (runners/local.py, serve/pool.py):
it moves everything the imports made into the garbage collector's
permanent generation (`gc.freeze`), as Python's documentation advises
before forking without exec. A worker forked from the forkserver then
neither walks those objects in its collections (its `warm` collected
them all again, 30 ms before its first render) nor writes to, and so
copies, the pages that hold them."""

import gc

gc.freeze()
