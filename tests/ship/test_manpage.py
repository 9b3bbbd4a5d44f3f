"""The man page and completion scripts under man/ and completions/ are what the CLI
generates now, and mailctl(1) documents every command and option, renders without a
groff warning, and carries the sections a sysadmin looks for."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer.main

from mailctl.cli import manpage
from mailctl.cli.app import app
from mailctl.cli.shipped import MAN_PAGE, REGENERATE, generated_files

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return generated_files()


@pytest.fixture(scope="module")
def page(generated) -> str:
    """The page as a reader sees the words: roff escapes and font changes removed."""
    text = generated[MAN_PAGE]
    text = re.sub(r"\\f[BIR]", "", text).replace("\\:", "").replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")
    return text


def test_committed_files_are_fresh(generated):
    stale = [path for path, content in generated.items()
             if not (REPO / path).is_file() or (REPO / path).read_text(encoding="utf-8") != content]
    assert not stale, f"stale generated files {stale}: run `{REGENERATE}` and commit the result"


def test_generation_is_deterministic(generated, monkeypatch):
    # Nothing from the clock or the terminal: a narrow terminal gives the same bytes.
    monkeypatch.setenv("COLUMNS", "40")
    assert generated_files() == generated


def test_the_page_documents_every_command_and_option(page):
    root = typer.main.get_command(app)
    for path, command in manpage.leaf_commands(root):
        assert f"mailctl {' '.join(path)}" in page
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                for name in param.opts:
                    assert name in page, f"{name} of {' '.join(path)} is missing"
    for param in root.params:
        assert all(name in page for name in param.opts)


def test_the_page_has_the_sections_a_reader_expects(page):
    sections = re.findall(r"^\.SH (.+)$", page, flags=re.M)
    assert sections == ["NAME", "SYNOPSIS", "DESCRIPTION", "GLOBAL OPTIONS", "COMMANDS", "ENVIRONMENT",
                        "FILES", "EXIT STATUS", "EXAMPLES", "SEE ALSO"]
    environment = page.split(".SH ENVIRONMENT")[1].split(".SH FILES")[0]
    for variable in ("MAILCTL_PROFILE", "MAILCTL_SECRET", "MAILCTL_CONFIG_DIR", "NO_COLOR", "XDG_CONFIG_HOME"):
        assert f"\n{variable}\n" in environment
    files = page.split(".SH FILES")[1].split(".SH EXIT STATUS")[0]
    assert "config.toml" in files and "secrets/" in files and 'keyring service "mailctl"' in files


def test_exit_status_matches_the_readme_table(page):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Exit codes")[1].split("\n## ")[0]
    readme_codes = re.findall(r"^\| (\d+) \|", table, flags=re.M)
    exit_status = page.split(".SH EXIT STATUS")[1].split(".SH EXAMPLES")[0]
    assert re.findall(r"^\.TP\n(\d+)$", exit_status, flags=re.M) == readme_codes
    assert readme_codes == ["0", "1", "2", "3", "4", "5", "6", "7", "130"]


def test_no_text_line_would_be_read_as_a_request(generated):
    for line in generated[MAN_PAGE].splitlines():
        if line.startswith((".", "'")):
            assert re.match(r"^\.(TH|SH|SS|TP|PP|RS|RE|EX|EE|br|ad|nh|nr HY)\b", line), line


GROFF = shutil.which("groff")


@pytest.mark.skipif(GROFF is None, reason="groff is not installed (Debian: apt-get install groff-base)")
def test_the_committed_page_renders_without_warnings():
    result = subprocess.run([GROFF, "-man", "-Tutf8", "-ww", "-z", str(REPO / MAN_PAGE)],
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.skipif(GROFF is None, reason="groff is not installed (Debian: apt-get install groff-base)")
def test_the_rendered_page_reads_right():
    result = subprocess.run([GROFF, "-man", "-Tutf8", "-P", "-cbou", str(REPO / MAN_PAGE)],
                            capture_output=True, text=True, timeout=60, env={**os.environ, "LC_ALL": "C.UTF-8"})
    rendered = result.stdout
    # The NAME line names every provider (from the registry); groff may wrap it.
    assert "mailctl - manage mailboxes on DirectAdmin, cPanel, WHM, mailbox.org" in rendered
    # Options keep ASCII minus signs, so they can be copied from the page.
    assert "--password-stdin" in rendered and "\u2010" not in rendered
    assert re.search(r"^\s+130\s+Interrupted\.$", rendered, flags=re.M)


@pytest.mark.skipif(shutil.which("man") is None or GROFF is None, reason="man-db or groff is not installed")
def test_man_renders_the_page_without_warnings():
    result = subprocess.run(["man", "--warnings", "-l", str(REPO / MAN_PAGE)], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "MANWIDTH": "80", "MANPAGER": "cat", "LC_ALL": "C.UTF-8"})
    assert (result.returncode, result.stderr) == (0, "")
    assert "EXIT STATUS" in result.stdout


def _generator():
    spec = importlib.util.spec_from_file_location("generate_docs", REPO / "scripts" / "generate_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generator_names_stale_files_and_how_to_fix_them(generated, tmp_path, monkeypatch, capsys):
    generator = _generator()
    monkeypatch.setattr(generator, "ROOT", tmp_path)
    assert generator.main([]) == 0
    assert generator.main(["--check"]) == 0
    (tmp_path / MAN_PAGE).write_text(generated[MAN_PAGE].replace("EXIT STATUS", "EXIT CODES"), encoding="utf-8")
    (tmp_path / "completions/fish/mailctl.fish").unlink()
    capsys.readouterr()
    assert generator.main(["--check"]) == 1
    assert capsys.readouterr().err == (
        f"stale: {MAN_PAGE}\nstale: completions/fish/mailctl.fish\nrun: {REGENERATE}\n"
    )
    assert generator.main([]) == 0
    assert generator.stale_files(tmp_path) == []


def test_the_generator_runs_as_a_script():
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "generate_docs.py"), "--check"],
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, ""), f"run `{REGENERATE}`"
