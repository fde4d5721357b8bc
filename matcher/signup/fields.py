"""Form fields shared by the contact-family and club forms (the checks are in web.validators)."""

import re

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from matcher.web.validators import DanishPostcode, NotInFuture, Phone

__all__ = ["DanishPostcode", "MultiCheckboxField", "NotInFuture", "Phone", "split_list"]

_LIST_SPLIT = re.compile(r"[,;\n]+")


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (easier than a multi-select on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def split_list(text: str | None) -> list[str]:
    """Split a comma, semicolon or line separated text into trimmed, lower-case words."""
    seen: list[str] = []
    for part in _LIST_SPLIT.split(text or ""):
        word = part.strip().lower()
        if word and word not in seen:
            seen.append(word)
    return seen
