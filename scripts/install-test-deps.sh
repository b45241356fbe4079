#!/bin/sh
# Debian packages the test suite starts for real on loopback: PostgreSQL, Dovecot
# (IMAP), Postfix (the relay recipe) and Chromium (reports read at phone width).
# Installs only what is missing, so a second `make test` costs nothing here.
set -eu

missing=""
need() {  # need PACKAGE PATH: PACKAGE is missing when PATH does not exist
    [ -e "$2" ] || missing="$missing $1"
}
need postgresql /usr/lib/postgresql
need dovecot-imapd /usr/sbin/dovecot
need postfix /usr/sbin/postfix
need chromium /usr/bin/chromium

if [ -z "$missing" ]; then
    exit 0
fi
echo "installing Debian packages for the tests:$missing"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# postfix asks questions at install time; the tests run their own instance anyway.
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
# The packaged services are not used: the tests start their own instances.
for svc in dovecot postfix postgresql; do
    $SUDO service "$svc" stop >/dev/null 2>&1 || true
done
