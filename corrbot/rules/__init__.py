"""Yes/no checks on a message; chain.py orders them and decides its fate."""
