"""corrbot: a mailing-list bot that runs a correspondence group by email."""

__version__ = "0.1.0"
