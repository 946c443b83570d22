"""`make run`'s first screen: one line per set-up step with the noise in a log
under var/, a failure that shows the log's tail and stops, and a banner with
the URL and the demo logins."""

import subprocess
from pathlib import Path

from config.management.commands.runall import banner
from tracker.demo import DEMO_LOGINS, DEMO_PASSWORD

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "quiet-setup.sh"
STEPS = [
    "packages",
    "database",
    "migrations",
    "translations",
    "static files",
    "demo data",
    "reports",
]


def _fake(path: Path, body: str) -> str:
    path.write_text("#!/usr/bin/env bash\n" + body)
    path.chmod(0o755)
    return str(path)


def _run(tmp_path, make_body, py_body="for i in $(seq 100); do echo line $i; done\n"):
    make = _fake(tmp_path / "make", make_body)
    py = _fake(tmp_path / "python", py_body)
    return subprocess.run(
        [str(SCRIPT), make, py],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_each_step_is_one_line_and_the_noise_goes_to_the_log(tmp_path):
    result = _run(
        tmp_path, "for i in $(seq 124); do echo installing trigger $i; done\n"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Setting up (details in var/log/make-run.log):"
    assert [line.split(" ok ")[0].strip() for line in lines[1:]] == STEPS
    assert "trigger" not in result.stdout and result.stderr == ""
    log = (tmp_path / "var/log/make-run.log").read_text()
    assert log.count("installing trigger") == 124 * 5
    assert log.count("line 100") == 2


def test_a_warning_is_shown_under_its_step(tmp_path):
    result = _run(
        tmp_path,
        'echo noise; [ "$2" = venv ] && echo "!! please install: chromium" >&2; true\n',
    )
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[1].startswith("  packages") and " ok " in lines[1]
    assert lines[2] == "    !! please install: chromium"
    assert "noise" not in result.stdout


def test_a_failing_step_shows_the_logs_tail_and_stops(tmp_path):
    result = _run(
        tmp_path,
        'if [ "$2" = migrate ]; then echo "relation does not exist" >&2; exit 3; fi\n',
    )
    assert result.returncode == 3
    out = result.stdout
    assert "  migrations         FAILED (exit 3)" in out
    assert "Last lines of var/log/make-run.log:" in out
    assert "  | relation does not exist" in out
    assert "translations" not in out  # nothing after the failed step runs


def test_the_banner_names_the_url_and_every_demo_login():
    text = banner("127.0.0.1", 8123)
    assert "http://127.0.0.1:8123/" in text
    for username, role, party in DEMO_LOGINS:
        line = next(line for line in text.splitlines() if f" {username} " in line)
        assert DEMO_PASSWORD in line and role in line and party in line
    assert text.rstrip().endswith("=" * 72)
