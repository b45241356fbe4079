"""The store: one aggregate per module, all keyed by group.

Importing this package registers every table on `corrbot.db.Base.metadata`.
"""

from corrbot.model.group import Deadline, Group, Issue, Task
from corrbot.model.item import Item, MappingEntry, Option, Position, Referral
from corrbot.model.member import Member, PendingConfirmation
from corrbot.model.message import ImapState, Message, RawBlob, Tag, Thread
from corrbot.model.outbox import OutboxEntry
from corrbot.model.report import Report

__all__ = [
    "Deadline",
    "Group",
    "ImapState",
    "Issue",
    "Item",
    "MappingEntry",
    "Member",
    "Message",
    "Option",
    "OutboxEntry",
    "PendingConfirmation",
    "Position",
    "RawBlob",
    "Referral",
    "Report",
    "Tag",
    "Task",
    "Thread",
]
