"""The cyclic garbage collector paused while the desk launches.

Launch builds what lives as long as the desk: the modules, the store's documents (some 300,000
objects for 10,000 open requests) and the board's rows. As they were made, the collector walked
them again and again, and none was garbage: 0.1-0.15 s of a 1.5 s launch, spent holding the
interpreter the board's first read and the first paint share. Reference counting frees what
launch lets go meanwhile; the few thousand objects it lets go in reference cycles wait for the
collector's return.

`dispatcher desk` pauses it before the desk is imported (`pause`); the desk resumes it once
its start-up work begins, when the board has first shown its rows or after a bound
(`DeskApp.start_work`): one full collection, after the first paint, frees those cycles; then
what launch built is moved out of the full passes (`gc.freeze`), which at 10,000 rows would
each stall keys for 100 ms and more.
"""

from __future__ import annotations

import gc


def pause() -> None:
    """Stop cyclic collection until `resume`."""
    gc.disable()


def resume() -> None:
    """Collect what launch let go, keep everything left out of the collector's later passes,
    then collect as before. Nothing when the collector runs (resumed already, at the start of
    the desk's work, or never paused: a desk run by a test)."""
    if gc.isenabled():
        return
    gc.collect()
    gc.freeze()
    gc.enable()
