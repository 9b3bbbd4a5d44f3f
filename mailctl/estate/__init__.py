"""Desired state for a whole mail estate: a file that declares, per profile and domain,
the mailboxes (quota, suspension) and aliases that must exist; `plan` reads the live
state and diffs it against the file, `apply` makes only the difference, `export` writes
the live state as such a file. No state file of mailctl's own: the panels are the state.

- schema.py: the estate file (TOML or JSON) -> Estate, every mistake found at once;
- live.py: what the panels hold now, read concurrently;
- diff.py: Estate + live state -> Plan (changes, unchanged count, warnings);
- render.py: an Estate or the live state as the TOML a person edits.
The schema is documented in docs/estate.md."""
