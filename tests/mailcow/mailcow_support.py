"""What the mailcow tests share (a module of its own: test modules cannot import conftest
reliably)."""

RW_KEY = "demo-secret"  # the emulator's read-write API key
RO_KEY = "demo-readonly"  # and its read-only one
SERVICE = "mailctl"
