"""A plain (non-editable) install finds its templates and migrations and works.

The wheel is built and installed into a fresh virtual environment; the
dependencies come from the test environment (a .pth line), so no network is used.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installs_and_runs(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("corrbot-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "corrbot/_migrations/env.py" in names
    assert any(n.startswith("corrbot/_templates/email/") for n in names)

    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Dependencies from the test venv, but not its editable corrbot (a plain path
    # line in a .pth adds the folder without running the .pth files inside it).
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    config = tmp_path / "corrbot.toml"
    config.write_text(
        '[group]\nlist_address = "cg@lists.example.org"\nchair = "chair@example.org"\n'
        '[database]\nurl = "sqlite:///var/cg.db"\n'
    )
    corrbot = env_dir / "bin" / "corrbot"
    where = subprocess.run(
        [str(python), "-c", "import corrbot, sys; print(corrbot.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert str(env_dir) in where, where
    init = subprocess.run(
        [str(corrbot), "--config", str(config), "init"], capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    add = subprocess.run(
        [
            str(corrbot),
            "--config",
            str(config),
            "members",
            "add",
            "ana@example.org",
            "--name",
            "Ana",
            "--stakeholder",
            "civil-society",
        ],
        capture_output=True,
        text=True,
    )
    assert add.returncode == 0, add.stderr
    assert (tmp_path / "var" / "cg.db").exists()
