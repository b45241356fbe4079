"""Look at an HTML page the way a phone would, in headless Chromium (Debian `chromium`).

Chromium's headless window is never narrower than 500 px, so the page is shown in
a 390 px wide iframe (srcdoc, hence same-origin and measurable): its media queries
see a phone's width. A script then lists every element whose box sticks out to the
right, and the page's scroll width; `--dump-dom` hands that back to us.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
PHONE_WIDTH = 390
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]

_PROBE = """
<script>
window.addEventListener('load', function () {
  var frame = document.getElementById('phone');
  var doc = frame.contentDocument;
  var width = doc.documentElement.clientWidth;
  var wide = [];
  doc.querySelectorAll('body *').forEach(function (el) {
    var box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) {
      wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                + ' right=' + Math.round(box.right));
    }
  });
  var out = document.createElement('pre');
  out.id = 'measure';
  out.textContent = JSON.stringify({
    clientWidth: width,
    scrollWidth: doc.documentElement.scrollWidth,
    tables: doc.querySelectorAll('table').length,
    wide: wide.slice(0, 20)
  });
  document.body.appendChild(out);
});
</script>
"""


def _chromium() -> str:
    found = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    assert found, "chromium is not installed (Debian package `chromium`; `make deps` installs it)"
    return found


def _harness(page: str) -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head>"
        "<body style='margin:0'>"
        f"<iframe id='phone' style='width:{PHONE_WIDTH}px;height:844px;border:0' "
        f'srcdoc="{html.escape(page, quote=True)}"></iframe>'
        f"{_PROBE}</body></html>"
    )


def _run(args: list[str], workdir: Path) -> str:
    profile = workdir / "chromium-profile"
    result = subprocess.run(
        [_chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"chromium failed ({result.returncode}): {result.stderr[-2000:]}"
    return result.stdout


def measure(page: str, workdir: Path) -> dict[str, object]:
    """Layout facts of `page` at a phone's width: clientWidth, scrollWidth, wide elements."""
    workdir.mkdir(parents=True, exist_ok=True)
    harness = workdir / "harness.html"
    harness.write_text(_harness(page), encoding="utf-8")
    dom = _run(
        ["--window-size=500,844", "--virtual-time-budget=3000", "--dump-dom", harness.as_uri()],
        workdir,
    )
    found = re.search(r'<pre id="measure">(.*?)</pre>', dom, re.S)
    assert found, f"the probe did not run; chromium printed: {dom[:500]}"
    facts: dict[str, object] = json.loads(html.unescape(found.group(1)))
    return facts


def screenshot(page: str, png: Path) -> Path:
    """A screenshot of `page` in the phone-wide frame."""
    png.parent.mkdir(parents=True, exist_ok=True)
    harness = png.with_suffix(".harness.html")
    harness.write_text(_harness(page), encoding="utf-8")
    _run(
        [
            f"--screenshot={png}",
            f"--window-size={PHONE_WIDTH},844",
            "--virtual-time-budget=3000",
            harness.as_uri(),
        ],
        png.parent,
    )
    assert png.exists() and png.stat().st_size > 1000, f"no screenshot written at {png}"
    return png
