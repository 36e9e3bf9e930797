"""Writing results so that an interrupted or failed write never damages an earlier one.

Every result the kit writes (tables, figures, executed notebooks, manifests, book pages) goes
first to a temporary file beside its target, which then replaces the target in one step
(``os.replace`` is atomic on the same file system). A kill, a full disk or a permission error
leaves either the old file or the new one, never half of one. ``WriteError`` says, in one line,
what could not be written and why.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = _umask()  # read once, at import (reading it means setting it, so not per write)


class WriteError(OSError):
    """A result could not be written; the message names the file and the reason."""


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; it replaces ``target`` when the block ends
    without an error, and is removed otherwise."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        os.close(descriptor)
        os.chmod(name, 0o666 & ~UMASK)  # mkstemp's file is private; a result gets the usual permissions
    except OSError as error:
        raise WriteError(describe(error, target)) from error
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, target)
    except WriteError:
        raise
    except OSError as error:
        raise WriteError(describe(error, target)) from error
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes(target: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)


def write_text(target: str | os.PathLike, text: str) -> None:
    """Write ``text`` as UTF-8 with the given line endings (no translation) atomically."""
    write_bytes(target, text.encode("utf-8"))


def describe(error: OSError, target: str | os.PathLike) -> str:
    """'could not write results/x.csv: No space left on device' (the reason in the system's words)."""
    reason = error.strerror or str(error)
    return f"could not write {target}: {reason}"
