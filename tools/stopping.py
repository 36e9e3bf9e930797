"""Stopping cleanly: Ctrl-C (SIGINT) or SIGTERM to a kit command stops everything it started.

``stop_on_signals(on_stop)`` installs handlers that, on the first signal, end every process the
command started (worker processes, Jupyter kernels, JupyterLab: all descendants, found with
psutil), give them a few seconds to exit and kill what is left, run ``on_stop`` (e.g. to set a
half-built run aside as interrupted), print one line and exit. Later signals are ignored while
this happens. Worker processes ignore SIGINT themselves (``ignore_interrupts``): the command that
started them decides.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable

GRACE_SECONDS = 2
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


def stop_process_tree(grace: float = GRACE_SECONDS) -> int:
    """End every descendant of this process; returns how many there were.

    This command's own worker processes are killed outright: while a notebook runs, its event
    loop catches SIGTERM and would spend seconds tidying up a run that is being abandoned (every
    result is written atomically, so a kill cannot leave half a file). Everything else (Jupyter
    kernels, JupyterLab) is asked to terminate, and killed if still alive after ``grace`` seconds.
    """
    import multiprocessing

    import psutil

    workers = {process.pid for process in multiprocessing.active_children()}
    children = psutil.Process().children(recursive=True)  # the whole tree, listed before any ends
    for child in children:
        try:
            child.kill() if child.pid in workers else child.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(children, timeout=grace)
    for child in alive:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=grace)
    return len(children)


def stop_on_signals(on_stop: Callable[[], str] | None = None) -> None:
    """On SIGINT or SIGTERM: stop every process this one started, run ``on_stop`` (its return
    value, if any, ends the printed line) and exit with 130 (SIGINT) or 143 (SIGTERM)."""

    owner = os.getpid()

    def handler(number, frame) -> None:
        if os.getpid() != owner:  # a forked worker inherited this handler: it just ends
            os._exit(EXIT_CODES.get(number, 1))
        for name in ("SIGINT", "SIGTERM"):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        stopped = stop_process_tree()
        note = on_stop() if on_stop is not None else ""
        what = signal.Signals(number).name
        ended = f" {stopped} process(es) it had started are ended." if stopped else ""
        print(f"\nStopped ({what}).{ended}{note}", flush=True)
        sys.stdout.flush()
        os._exit(EXIT_CODES.get(number, 1))

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def ignore_interrupts() -> None:
    """For worker processes: Ctrl-C reaches the whole terminal's process group; the command that
    started the workers stops them, so they do not print a traceback each. SIGTERM (from that
    command) ends a worker at once, without the handler a forked worker inherits."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
