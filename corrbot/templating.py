"""Jinja2 rendering of every email and report; operators may override any template.

Templates live under templates/ as `.txt.j2` / `.html.j2` pairs; HTML is
autoescaped, text is not. A folder named in the config (reports.template_dir) is
searched first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from corrbot.resources import templates_dir


class Renderer:
    def __init__(self, override_dir: Path | None = None) -> None:
        loaders = [FileSystemLoader(str(override_dir))] if override_dir else []
        loaders.append(FileSystemLoader(str(templates_dir())))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=lambda name: bool(name and name.endswith(".html.j2")),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def render_pair(self, base: str, **context: Any) -> tuple[str, str | None]:
        """`base.txt.j2` (required) and `base.html.j2` (when it exists)."""
        text = self.render(f"{base}.txt.j2", **context)
        try:
            html: str | None = self.render(f"{base}.html.j2", **context)
        except TemplateNotFound:
            html = None
        return text, html

    def subject(self, base: str, **context: Any) -> str:
        """The first line of `base.subject.j2`, collapsed to one line."""
        return " ".join(self.render(f"{base}.subject.j2", **context).split())
