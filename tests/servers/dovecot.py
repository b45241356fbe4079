"""A throwaway Dovecot IMAP server for the tests, from Debian's `dovecot-imapd`.

It runs from its own config in a temp dir on free loopback ports: plain IMAP (with
STARTTLS) and IMAPS, a self-signed certificate made by `openssl` when the server is
built, one passwd-file user with a known password, and Maildir storage in the temp
dir. The whole server runs unprivileged: as root, the tests start it as the
`dovecot` user (Debian's), otherwise as whoever runs them. If Dovecot cannot start,
the error carries its log: tests fail, never skip.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from imapclient import IMAPClient

from tests.servers.ports import free_port

DOVECOT = "/usr/sbin/dovecot"
USER = "cg"
PASSWORD = "correspondence-secret"


class DovecotError(RuntimeError):
    pass


_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_login_user = {user}
default_internal_user = {user}
first_valid_uid = {uid}
last_valid_uid = 0
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
auth_mechanisms = plain login
disable_plaintext_auth = no
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
ssl_dh = <{root}/dh.pem
{capability}
# Dovecot learns of new mail during IDLE through inotify, but a message saved while
# an IDLE is starting can slip past it until this periodic check (default 30 s).
mailbox_idle_check_interval = 1 secs
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""

# Dovecot wants DH parameters in a file; generating them takes seconds, so these
# fixed RFC 7919 ffdhe2048 parameters are used (they are public by design).
_DH = """\
-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
"""


def _run_as() -> pwd.struct_passwd:
    """The unprivileged user the mail processes run as."""
    if os.geteuid() == 0:
        return pwd.getpwnam("dovecot")
    return pwd.getpwuid(os.geteuid())


class DovecotServer:
    """Dovecot on loopback; use as a context manager, or call start() and stop().

    stop() followed by start() brings the same server back on the same ports with
    the same mail, so tests can watch a client reconnect.
    """

    def __init__(self, capabilities: Sequence[str] | None = None) -> None:
        if not Path(DOVECOT).exists():
            raise DovecotError(f"{DOVECOT} not found: run `make deps` (Debian dovecot-imapd)")
        self.host = "127.0.0.1"
        self.port = free_port()
        self.ssl_port = free_port()
        while self.ssl_port == self.port:
            self.ssl_port = free_port()
        self.user = USER
        self.password = PASSWORD
        # Not pytest's tmp_path: its parents are private to root, and the mail
        # processes run as another user who must reach the Maildir.
        self.root = Path(tempfile.mkdtemp(prefix="corrbot-dovecot-"))
        self.cert = self.root / "cert.pem"
        self.log = self.root / "dovecot.log"
        self.config = self.root / "dovecot.conf"
        self.proc: subprocess.Popen[bytes] | None = None
        self._capabilities = capabilities
        owner = _run_as()
        # As root, drop to that user for the whole server: Dovecot then needs no
        # privilege at all (no chroot, no setuid), like any user running it.
        self._run_as: dict[str, Any] = {}
        if os.geteuid() == 0:
            self._run_as = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
        self._prepare()

    def _prepare(self) -> None:
        owner = _run_as()
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir()
        os.chmod(self.root, 0o755)
        done = subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                str(self.root / "key.pem"),
                "-out",
                str(self.cert),
            ],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            raise DovecotError(f"openssl failed: {done.stderr.decode(errors='replace')}")
        (self.root / "dh.pem").write_text(_DH)
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        capability = ""
        if self._capabilities is not None:
            capability = "imap_capability = " + " ".join(self._capabilities)
        # The whole tree belongs to the user Dovecot runs as (see start()).
        for path in [self.root, *self.root.rglob("*")]:
            os.chown(path, owner.pw_uid, owner.pw_gid)
        self.config.write_text(
            _CONFIG.format(
                root=self.root,
                user=owner.pw_name,
                uid=owner.pw_uid,
                gid=owner.pw_gid,
                port=self.port,
                ssl_port=self.ssl_port,
                capability=capability,
            )
        )

    def start(self) -> None:
        output = open(self.root / "stdout.log", "ab")  # noqa: SIM115 - kept while it runs
        self.proc = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.config)],
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=self.root,
            start_new_session=True,  # its own process group, so stop() ends every child
            **self._run_as,
        )
        output.close()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if self._answers(self.port) and self._answers(self.ssl_port):
                return
            time.sleep(0.05)
        text = self.logs()
        self.stop()
        raise DovecotError(f"Dovecot did not start on port {self.port}:\n{text}")

    def _answers(self, port: int) -> bool:
        try:
            with socket.create_connection((self.host, port), timeout=1):
                return True
        except OSError:
            return False

    def logs(self) -> str:
        parts = []
        for name in ("stdout.log", "dovecot.log"):
            path = self.root / name
            if path.exists():
                parts.append(path.read_text(errors="replace")[-3000:])
        return "\n".join(parts)

    def stop(self) -> None:
        """Stop every Dovecot process; the mail stays for a later start()."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        # Children that outlive the master (an imap process finishing a command)
        # would keep the port; end them too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
            self._answers(self.port) or self._answers(self.ssl_port)
        ):
            time.sleep(0.05)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> DovecotServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.remove()

    # --- a client's view, for the tests ---------------------------------------------

    def client(self) -> IMAPClient:
        """A logged-in client on the plain port; the caller logs out."""
        client = IMAPClient(self.host, self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, raws: Iterable[bytes], folder: str = "INBOX") -> list[int]:
        """APPEND messages; returns their UIDs (Dovecot answers with UIDPLUS)."""
        uids: list[int] = []
        with self.client() as client:
            for raw in raws:
                answer = client.append(folder, raw)
                # b'[APPENDUID <uidvalidity> <uid>] Append completed.'
                uids.append(int(answer.split(b"]")[0].split()[-1]))
        return uids

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        """The flags of every message in the folder, by UID ({} if there is no such folder)."""
        with self.client() as client:
            if not client.folder_exists(folder):
                return {}
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            found = client.fetch(uids, ["FLAGS"]) if uids else {}
            return {uid: tuple(data[b"FLAGS"]) for uid, data in found.items()}

    def uidvalidity(self, folder: str = "INBOX") -> int:
        with self.client() as client:
            status = client.folder_status(folder, [b"UIDVALIDITY"])
            return int(status[b"UIDVALIDITY"])

    def recreate(self, folder: str) -> None:
        """Delete and create the folder again: its UIDVALIDITY changes."""
        with self.client() as client:
            if client.folder_exists(folder):
                client.delete_folder(folder)
            client.create_folder(folder)

    def create(self, folder: str) -> None:
        with self.client() as client:
            client.create_folder(folder)
