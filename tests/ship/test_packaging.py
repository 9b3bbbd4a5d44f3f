"""The wheel installs the man page and completion scripts where man(1) and the shells
look, and the sdist carries them: checked against the packaging configuration (building
needs the network for the build backend; that is checked by hand, see README)."""

from __future__ import annotations

import sys
from pathlib import Path

from mailctl.cli.shipped import COMPLETION_FILES, MAN_PAGE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]

INSTALL_DIRS = {
    MAN_PAGE: "share/man/man1",
    COMPLETION_FILES["bash"]: "share/bash-completion/completions",
    COMPLETION_FILES["zsh"]: "share/zsh/site-functions",
    COMPLETION_FILES["fish"]: "share/fish/vendor_completions.d",
}


def test_the_wheel_installs_every_generated_file_where_it_is_looked_for():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    data_files = pyproject["tool"]["setuptools"]["data-files"]
    installed = {source: target for target, sources in data_files.items() for source in sources}
    assert installed == INSTALL_DIRS


def test_installed_names_are_the_ones_the_shells_load_on_demand():
    # bash-completion loads completions/NAME, zsh's fpath _NAME, fish NAME.fish.
    assert Path(COMPLETION_FILES["bash"]).name == "mailctl"
    assert Path(COMPLETION_FILES["zsh"]).name == "_mailctl"
    assert Path(COMPLETION_FILES["fish"]).name == "mailctl.fish"
    assert Path(MAN_PAGE).name == "mailctl.1"


def test_the_sdist_carries_the_generated_files_and_their_generator():
    manifest = (REPO / "MANIFEST.in").read_text(encoding="utf-8").splitlines()
    assert {"graft completions", "graft man", "include scripts/generate_docs.py"} <= set(manifest)
