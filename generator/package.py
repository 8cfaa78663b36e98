"""The generator's own files as one digest: code, templates, labels, taxonomy, fonts.

Computed once per process (the code that runs is the code that was loaded): the build's
fingerprints and the spec sheets' inputs index both depend on it.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).parent


@functools.cache
def files_digest() -> str:
    """sha256 over every file of the package (names and bytes), `__pycache__` left out."""
    files = sorted(
        path
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.relative_to(PACKAGE).parts
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
