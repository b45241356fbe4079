"""Where the templates and migrations live, installed or in a checkout.

A wheel carries them as corrbot/_templates and corrbot/_migrations; a checkout
(or an editable install) has them at the repository's top level.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(installed: str, top_level: str) -> Path:
    inside = _PACKAGE / installed
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / top_level


def templates_dir() -> Path:
    return _find("_templates", "templates")


def migrations_dir() -> Path:
    return _find("_migrations", "migrations")
