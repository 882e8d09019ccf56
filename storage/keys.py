"""The data key: what seals personal data at rest (AES-256-GCM, from `cryptography`).

`DATA_KEY` holds one or more keys, comma-separated, each 32 random bytes in URL-safe
base64: the first seals, all of them open (so a new key can come first while old data is
still read). Without `DATA_KEY`, a key file is made on first start next to the data
(mode 0600) and used from then on. A key that is malformed, or that opens nothing it should,
is a `KeyProblem`: one clear line, never a traceback, and nothing is written.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
MAGIC = b"CAB1"  # what every sealed blob starts with: the format's version
ID_BYTES = 4  # which key sealed it: the first bytes of the key's fingerprint


class KeyProblem(Exception):
    """The data key is missing, malformed, or does not open the data: said in one line."""


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def _decode(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        raise KeyProblem("DATA_KEY is not URL-safe base64") from None
    if len(raw) != KEY_BYTES:
        raise KeyProblem(f"DATA_KEY must be {KEY_BYTES} bytes (got {len(raw)}); "
                         "make one with: python -m bot new-key")
    return raw


@dataclass(frozen=True)
class Key:
    secret: bytes

    @functools.cached_property
    def id(self) -> bytes:  # read for every value sealed or opened: hashed once
        return hashlib.sha256(b"key-id" + self.secret).digest()[:ID_BYTES]

    @functools.cached_property
    def aead(self) -> AESGCM:  # used for every value sealed or opened: its key set up once
        return AESGCM(self.secret)


class Keyring:
    """Seals with the first key, opens with any; names files with a keyed hash."""

    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise KeyProblem("no data key")
        self.keys = [Key(secret) for secret in keys]

    @classmethod
    def parse(cls, text: str) -> Keyring:
        """Keys separated by commas or line breaks (a key file may hold one per line)."""
        return cls([_decode(part) for part in text.replace(",", " ").split()])

    @property
    def current(self) -> Key:
        return self.keys[0]

    def seal(self, plain: bytes, context: bytes = b"") -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self.current.aead.encrypt(nonce, plain, context)
        return MAGIC + self.current.id + nonce + sealed

    def open(self, blob: bytes, context: bytes = b"") -> bytes:
        if not blob.startswith(MAGIC):
            raise KeyProblem("not sealed data")
        key_id = blob[len(MAGIC):len(MAGIC) + ID_BYTES]
        start = len(MAGIC) + ID_BYTES
        nonce, sealed = blob[start:start + NONCE_BYTES], blob[start + NONCE_BYTES:]
        for key in self.keys:
            if key.id == key_id:
                try:
                    return key.aead.decrypt(nonce, sealed, context)
                except InvalidTag:
                    raise KeyProblem("sealed data was altered, or sealed for elsewhere") from None
        raise KeyProblem("no DATA_KEY opens this data: was a key removed?")

    def name(self, digest: str) -> str:
        """A stored file's name: nothing about its content shows without the key."""
        return hmac.new(self.current.secret, digest.encode(), hashlib.sha256).hexdigest()

    def blind(self, value: str) -> str:
        """A blind index: equal values give equal marks, and no mark tells its value."""
        return self._blind(self.current, value)

    def blinds(self, value: str) -> list[str]:
        """The marks `value` has under each key: what a lookup matches while keys rotate."""
        return [self._blind(key, value) for key in self.keys]

    @staticmethod
    def _blind(key: Key, value: str) -> str:
        return hmac.new(key.secret, b"blind:" + value.encode(), hashlib.sha256).hexdigest()

    def sealed_by_current(self, blob: bytes) -> bool:
        return blob.startswith(MAGIC + self.current.id)

    def names(self, digest: str) -> list[str]:
        """The names a file may have under each key, the current first."""
        return [hmac.new(key.secret, digest.encode(), hashlib.sha256).hexdigest()
                for key in self.keys]


def load_keyring(data_key: str, key_file: Path) -> Keyring:
    """`DATA_KEY` if set; else the key file, made (0600) on first start."""
    if data_key.strip():
        return Keyring.parse(data_key)
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(new_key() + "\n")
    return Keyring.parse(key_file.read_text())
