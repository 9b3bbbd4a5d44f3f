"""mailctl: one command line for mailboxes on DirectAdmin, cPanel, WHM and mailbox.org."""

# Kept as a literal (not read from package metadata) so `mailctl --version` needs no
# importlib.metadata scan at start-up.
__version__ = "0.1.0"
