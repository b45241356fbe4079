"""Real servers the tests start on loopback: PostgreSQL, Dovecot, an SMTP sink."""
