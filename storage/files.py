"""Uploaded documents and issued papers on disk, sealed with the data key.

A file is known by the SHA-256 of its content (so the same bytes are stored once); on disk
it lies under a keyed hash of that digest, sealed (AES-GCM), readable by its owner alone
(0600 in a 0700 folder). Without the key nothing about the file shows.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path

from flows.ports import StoredFile, UnreadableFile
from storage.keys import KeyProblem, Keyring

FILE_MODE = 0o600
FOLDER_MODE = 0o700


class DiskFileStore:
    def __init__(self, root: Path, keyring: Keyring) -> None:
        self.root, self.keyring = root, keyring

    async def save(self, data: bytes, mime: str) -> StoredFile:
        digest = hashlib.sha256(data).hexdigest()
        await asyncio.to_thread(self._write, digest, data)
        return StoredFile(sha256=digest, size=len(data), mime=mime)

    async def read(self, sha256: str) -> bytes:
        """The file's bytes; `UnreadableFile` when no key opens it or it was altered."""
        try:
            return await asyncio.to_thread(self._read, sha256)
        except KeyProblem as problem:
            raise UnreadableFile(f"stored file {sha256[:12]}…: {problem}") from None

    async def delete(self, sha256: str) -> None:
        for name in self.keyring.names(sha256):
            (self.root / name).unlink(missing_ok=True)

    async def rekey(self, sha256: str) -> bool:
        """Seal the file again under the current key and its name; True if it moved."""
        return await asyncio.to_thread(self._rekey, sha256)

    def _rekey(self, sha256: str) -> bool:
        current, *older = self.keyring.names(sha256)
        if (self.root / current).exists():
            return False
        for name in older:
            path = self.root / name
            if path.exists():
                self._write(sha256, self.keyring.open(path.read_bytes(), sha256.encode()))
                path.unlink()
                return True
        return False

    def _read(self, sha256: str) -> bytes:
        for name in self.keyring.names(sha256):
            path = self.root / name
            if path.exists():
                return self.keyring.open(path.read_bytes(), sha256.encode())
        raise FileNotFoundError(f"no stored file {sha256[:12]}…")

    def _write(self, digest: str, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        os.chmod(self.root, FOLDER_MODE)
        target = self.root / self.keyring.name(digest)
        if target.exists():
            return
        partial = target.with_suffix(".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(descriptor, "wb") as out:
            out.write(self.keyring.seal(data, digest.encode()))
        os.replace(partial, target)  # never leave a half-written file under the real name
