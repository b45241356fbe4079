"""Understanding a message: what the sender wrote, and what it is about.

Pure functions, no database and no I/O: the pipeline hands in a subject and a body
and gets back the new text (quotes and signature removed), the tasks and issues it
is tagged with, the member's position, mapping entries and the other line
conventions of SPEC.md ("Conventions inside posts").
"""

from corrbot.understand.classifier import DEFAULT_THRESHOLD, TaskClassifier
from corrbot.understand.directives import (
    Decision,
    TagCorrection,
    alternatives,
    closes,
    decision,
    on_behalf_of,
    tag_correction,
)
from corrbot.understand.html import html_to_text
from corrbot.understand.mapping import (
    FoundMapping,
    MappingStatus,
    find_mapping,
    has_mapping_lines,
    normalise_status,
)
from corrbot.understand.positions import FoundPosition, PositionReading, Stance, find_position
from corrbot.understand.quotes import new_text
from corrbot.understand.subject import clean_subject, normalise_subject
from corrbot.understand.tags import FoundTag, IssueRef, TagSource, TaskRef, find_tags

__all__ = [
    "DEFAULT_THRESHOLD",
    "Decision",
    "FoundMapping",
    "FoundPosition",
    "FoundTag",
    "IssueRef",
    "MappingStatus",
    "PositionReading",
    "Stance",
    "TagCorrection",
    "TagSource",
    "TaskClassifier",
    "TaskRef",
    "alternatives",
    "clean_subject",
    "closes",
    "decision",
    "find_mapping",
    "find_position",
    "find_tags",
    "has_mapping_lines",
    "html_to_text",
    "new_text",
    "normalise_status",
    "normalise_subject",
    "on_behalf_of",
    "tag_correction",
]
