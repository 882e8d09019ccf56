"""The data key tests seal with when they build an engine by hand (not a secret: test data)."""

from storage.keys import Keyring

TEST_KEY = "tkvjGQk65kiEN-9ZgPVMQ7QZbklqzhv7DLcfKKoN6bU="
KEYRING = Keyring.parse(TEST_KEY)
