"""Tests of outbound delivery: Maildir, the SMTP relay, claims, retries and expiry."""
