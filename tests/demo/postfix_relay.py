"""A real Postfix on loopback ports, configured with the recipe of docs/operators.md.

It relays the list domain to corrbot's LMTP listener (transport map, recipient
delimiter `+`, a regexp table of the list's local parts) and relays everything else
to a `relayhost`, which in the tests is a sink standing in for the Internet. It runs
as `postfix start-fg` from a temporary config and queue directory, logging to a
file, and never touches the system's Postfix.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

POSTFIX = shutil.which("postfix") or "/usr/sbin/postfix"
POSTMAP = shutil.which("postmap") or "/usr/sbin/postmap"

# The lines an operator adds to main.cf (docs/operators.md, "Postfix"), with the
# domain and the LMTP port filled in.
RECIPE = """\
relay_domains = $mydestination, {domain}
transport_maps = hash:{etc}/transport
recipient_delimiter = +
relay_recipient_maps = regexp:{etc}/corrbot_recipients
mynetworks = 127.0.0.0/8
"""
TRANSPORT = "{domain}   lmtp:inet:127.0.0.1:{lmtp_port}\n"
RECIPIENTS = "/^{local}(-(request|owner|bounces|confirm))?(\\+.*)?@{domain_re}$/   OK\n"

# What makes it a throwaway instance: its own directories, loopback only, fast retries.
INSTANCE = """\
compatibility_level = 3.6
queue_directory = {root}/spool
data_directory = {root}/data
meta_directory = /etc/postfix
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file_prefixes = {root}
maillog_file = {root}/maillog
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.test.example
myorigin = $myhostname
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
biff = no
relayhost = [127.0.0.1]:{relay_port}
smtp_host_lookup = native
lmtp_host_lookup = native
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostfixRelay:
    """`with PostfixRelay(domain=…, list_local=…, lmtp_port=…, relay_port=…) as pf:`
    then send to 127.0.0.1:pf.port."""

    def __init__(
        self,
        *,
        domain: str,
        list_local: str,
        lmtp_port: int,
        relay_port: int,
    ) -> None:
        # Postfix's daemons run as the postfix user, which cannot enter pytest's
        # private tmp_path; so the instance gets its own world-readable folder.
        self.root = Path(tempfile.mkdtemp(prefix="corrbot-postfix-"))
        self.root.chmod(0o755)
        self.etc = self.root / "etc"
        self.domain = domain
        self.list_local = list_local
        self.lmtp_port = lmtp_port
        self.relay_port = relay_port
        self.port = free_port()
        self._proc: subprocess.Popen[bytes] | None = None

    def _write_config(self) -> None:
        for sub in ("etc", "spool", "data"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        shutil.chown(self.root / "data", user="postfix")
        main = INSTANCE.format(root=self.root, relay_port=self.relay_port)
        main += RECIPE.format(domain=self.domain, etc=self.etc)
        (self.etc / "main.cf").write_text(main)
        (self.etc / "master.cf").write_text(self._master_cf())
        (self.etc / "transport").write_text(
            TRANSPORT.format(domain=self.domain, lmtp_port=self.lmtp_port)
        )
        # -c: this instance's own main.cf (a fresh machine has no /etc/postfix/main.cf).
        subprocess.run(
            [POSTMAP, "-c", str(self.etc), f"hash:{self.etc}/transport"],
            check=True,
            capture_output=True,
        )
        (self.etc / "corrbot_recipients").write_text(
            RECIPIENTS.format(local=self.list_local, domain_re=self.domain.replace(".", r"\."))
        )

    def _master_cf(self) -> str:
        # Debian's services, none chrooted (the queue directory has no copy of /etc),
        # and smtpd on our loopback port instead of port 25.
        lines = []
        for line in Path("/etc/postfix/master.cf").read_text().splitlines():
            fields = line.split()
            if fields and not line[0].isspace() and not line.startswith("#"):
                if fields[:2] == ["smtp", "inet"]:
                    continue
                fields[4] = "n"
                line = " ".join(fields)
            lines.append(line)
        lines.append(f"127.0.0.1:{self.port} inet n - n - - smtpd")
        lines.append("postlog unix-dgram n - n - 1 postlogd")
        return "\n".join(_dedupe_services(lines)) + "\n"

    def __enter__(self) -> PostfixRelay:
        self._write_config()
        check = subprocess.run(
            ["script", "-qc", f"{POSTFIX} -c {self.etc} check", "/dev/null"],
            capture_output=True,
            text=True,
        )
        if check.returncode != 0 or not (self.root / "spool" / "active").is_dir():
            raise RuntimeError(f"postfix check failed: {check.stdout}{check.stderr}")
        self._proc = subprocess.Popen(
            [POSTFIX, "-c", str(self.etc), "start-fg"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self._proc.poll() is not None:
                    break
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError(f"postfix did not start on port {self.port}:\n{self.log()}")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        subprocess.run([POSTFIX, "-c", str(self.etc), "stop"], capture_output=True)
        if self._proc is not None:
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "maillog"
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_for_log(self, needle: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log()
            if needle in text:
                return text
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} not in the Postfix log:\n{self.log()}")


def _dedupe_services(lines: list[str]) -> list[str]:
    """Keep the last definition of each service (ours override Debian's)."""
    seen: dict[tuple[str, str], int] = {}
    for index, line in enumerate(lines):
        fields = line.split()
        if fields and not line[0].isspace() and not line.startswith("#"):
            seen[(fields[0], fields[1])] = index
    keep = set(seen.values())
    out = []
    skipping = False
    for index, line in enumerate(lines):
        fields = line.split()
        if fields and not line[0].isspace() and not line.startswith("#"):
            skipping = index not in keep
        if not skipping:
            out.append(line)
    return out
