"""mailctl: one command line for the mailboxes, aliases and mail estates of hosting
panels (every provider of mailctl.providers)."""

# Kept as a literal (not read from package metadata) so `mailctl --version` needs no
# importlib.metadata scan at start-up.
__version__ = "0.1.0"

__all__ = ["Client", "__version__"]


def __getattr__(name: str):
    # `from mailctl import Client` without making every `import mailctl` (the CLI's
    # start-up included) load the API.
    if name == "Client":
        from mailctl.api import Client

        return Client
    raise AttributeError(f"module 'mailctl' has no attribute {name!r}")
