"""The garbage collector tuned for a long-running server (issue 15, issue 17).

CPython collects its youngest generation every 700 allocations and, now and then, walks every
object the process holds. The bot holds many long-lived ones (the imports, the console's
opened list rows): each full walk stopped a page or a turn for ~80 ms, one request in twenty
(bench/console_pages.py). Rarer collections of the young generations, and the objects alive
once the app is built moved out of the collector's sight (`gc.freeze`), remove those stops;
cyclic garbage waits a little longer to be freed, which costs a few MB.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 50, 100)  # CPython's defaults: 700, 10, 10


def tune() -> None:
    gc.set_threshold(*THRESHOLDS)


def settled() -> None:
    """The app is built: what is alive now lives as long as the process."""
    gc.collect()
    gc.freeze()
