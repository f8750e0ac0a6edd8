"""Forms for the import wizard: upload (kind, file, options) and the column mapping (one select per column)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from resonanz.core.ingest.mapping import Suggestion, slug_key
from resonanz.core.ingest.schema import OPEN_PREFIX, SCHEMAS
from resonanz.feedback.selectors import source_list
from resonanz.imports.models import ImportKind

ENCODINGS = [("", _("automatisch erkennen")), ("utf-8", "UTF-8"), ("cp1252", "Windows-1252 (Excel)"),
             ("latin-1", "ISO-8859-1 (Latin-1)")]
DELIMITERS = [("", _("automatisch erkennen")), (";", ";"), (",", ","), ("\t", _("Tabulator")), ("|", "|")]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Was wird importiert?"), choices=ImportKind.choices)
    file = forms.FileField(label=_("Datei (CSV, TSV, XLSX, JSON, JSONL)"))
    skip_invalid = forms.BooleanField(
        label=_("Ungültige Zeilen überspringen (sonst wird bei einem Fehler nichts importiert)"), required=False
    )
    source = forms.ChoiceField(label=_("Feedback-Quelle (Standard)"), required=False)
    encoding = forms.ChoiceField(label=_("Zeichenkodierung"), choices=ENCODINGS, required=False)
    delimiter = forms.ChoiceField(label=_("Trennzeichen"), choices=DELIMITERS, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "manual")] + [(s.code, f"{s.name} ({s.code})") for s in source_list()]

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        limit = settings.RESONANZ_MAX_UPLOAD_BYTES
        if f.size > limit:
            raise forms.ValidationError(
                _("Die Datei ist %(size).1f MB groß; erlaubt sind höchstens %(limit).1f MB."),
                params={"size": f.size / 1e6, "limit": limit / 1e6}, code="too_large",
            )
        if f.size == 0:
            raise forms.ValidationError(_("Die Datei ist leer."), code="empty")
        return f


def target_choices(kind: str, header: list[str]) -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [("", _("— nicht importieren —"))]
    for spec in SCHEMAS[kind]:
        label = f"{spec.name} *" if spec.required else spec.name
        choices.append((spec.name, label))
    prefix = OPEN_PREFIX[kind]
    if prefix:
        for col in header:
            choices.append((f"{prefix}.{slug_key(col)}", f"{prefix}.{slug_key(col)}"))
    return choices


class MappingForm(forms.Form):
    """One select per file column (``col_<i>``); the result is ``mapping`` = target → column."""

    def __init__(self, *args: Any, kind: str, header: list[str], suggestions: list[Suggestion],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.header = header
        by_col = {s.column: s for s in suggestions}
        choices = target_choices(kind, header)
        valid = {c for c, _ in choices}
        for i, col in enumerate(header):
            sug = by_col.get(col)
            initial = sug.target if sug and sug.target in valid else ""
            self.fields[f"col_{i}"] = forms.ChoiceField(label=col, choices=choices, required=False, initial=initial)
            self.fields[f"col_{i}"].score = sug.score if sug else None

    def rows(self) -> list[tuple[str, Any, float | None]]:
        return [(col, self[f"col_{i}"], self.fields[f"col_{i}"].score) for i, col in enumerate(self.header)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        mapping: dict[str, str] = {}
        for i, col in enumerate(self.header):
            target = data.get(f"col_{i}") or ""
            if not target:
                continue
            if target in mapping:
                raise forms.ValidationError(
                    _("„%(target)s“ ist zwei Spalten zugeordnet: %(a)s und %(b)s."),
                    params={"target": target, "a": mapping[target], "b": col},
                )
            mapping[target] = col
        missing = [s.name for s in SCHEMAS[self.kind] if s.required and s.name not in mapping]
        if missing:
            raise forms.ValidationError(
                _("Pflichtfelder ohne Spalte: %(fields)s"), params={"fields": ", ".join(missing)}
            )
        data["mapping"] = mapping
        return data
