"""Stored ineligibility reasons in the words users read. The engine's reasons used to begin with the seed's
section numbers ("§2.2: a ...") and the pages took them out when showing them; the engine now keeps the section
apart from the text, so any reason stored the old way is rewritten once here."""

import re

from django.db import migrations

# "§2.2: ", "§2.3–2.4: ", "§1.3 and foreword: " at the start; "(§2.10)" or "under §2.2" inside.
_LEADING = re.compile(r"^\s*§\s*[\d.]+(?:\s*[–-]\s*[\d.]+)?(?:\s+and\s+foreword)?\s*:\s*")
_INNER = re.compile(r"\s*(?:\(\s*§[^)]*\)|\bunder\s+§\s*[\d.]+(?:\s*[–-]\s*[\d.]+)?)")


def plain(text: str) -> str:
    text = _INNER.sub("", _LEADING.sub("", text))
    text = re.sub(r"\s+([.,;:])", r"\1", text).strip()
    return text[:1].upper() + text[1:]


def forwards(apps, schema_editor):
    Application = apps.get_model("accreditation", "Application")
    for app in Application.objects.exclude(ineligibility_reasons=[]).only("ineligibility_reasons"):
        reasons = [plain(r) if "§" in r else r for r in app.ineligibility_reasons]
        if reasons != app.ineligibility_reasons:
            app.ineligibility_reasons = reasons
            app.save(update_fields=["ineligibility_reasons"])


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0003_denomination_no_religious_character_label"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
