from pathlib import Path

import polib
from django.utils import translation

from tracker.choices import TaskStatus

PO = Path(__file__).resolve().parents[1] / "locale/zh_Hans/LC_MESSAGES/django.po"


def test_every_message_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO))
    assert not po.metadata_is_fuzzy
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_is_used():
    with translation.override("zh-hans"):
        assert str(TaskStatus.COMPLETION_CLAIMED.label) == "已申请销号"
    with translation.override("en"):
        assert str(TaskStatus.COMPLETION_CLAIMED.label) == "completion claimed"
