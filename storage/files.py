"""Uploaded documents on disk, each named by its SHA-256 (so the same bytes are stored once)."""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path

from flows.ports import StoredFile


class DiskFileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256

    async def save(self, data: bytes, mime: str) -> StoredFile:
        digest = hashlib.sha256(data).hexdigest()
        await asyncio.to_thread(self._write, digest, data)
        return StoredFile(sha256=digest, size=len(data), mime=mime)

    def _write(self, digest: str, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.path_of(digest)
        if target.exists():
            return
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        os.replace(partial, target)  # never leave a half-written file under the real name
