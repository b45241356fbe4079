"""The three ways mail reaches corrbot: the SMTP/LMTP listener, the IMAP poller, files.

All three end in `corrbot.intake` (the durable store) and the same pipeline.
"""
