"""Forms of the analysis pages (taxonomy editor, discovery decisions, search)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from resonanz.analysis.models import Topic


class TopicForm(forms.Form):
    name_de = forms.CharField(label=_("Name (deutsch)"), max_length=128)
    name_en = forms.CharField(label=_("Name (englisch)"), max_length=128)
    parent = forms.ModelChoiceField(label=_("Übergeordnetes Thema"), queryset=Topic.objects.none(), required=False)
    description_de = forms.CharField(label=_("Beschreibung (deutsch)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    description_en = forms.CharField(label=_("Beschreibung (englisch)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    examples_de = forms.CharField(label=_("Beispiele (deutsch, eines pro Zeile)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    examples_en = forms.CharField(label=_("Beispiele (englisch, eines pro Zeile)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: object, exclude: Topic | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        qs = Topic.objects.filter(active=True, merged_into__isnull=True)
        if exclude is not None:
            qs = qs.exclude(pk=exclude.pk)
        self.fields["parent"].queryset = qs  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Zusammenführen mit"), queryset=Topic.objects.filter(active=True))


class SplitForm(forms.Form):
    names = forms.CharField(
        label=_("Neue Unterthemen, eines pro Zeile: deutsch | englisch"), widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_names(self) -> list[tuple[str, str]]:
        out = []
        for line in self.cleaned_data["names"].splitlines():
            if not line.strip():
                continue
            de, _sep, en = line.partition("|")
            out.append((de.strip()[:128], en.strip()[:128] or de.strip()[:128]))
        if len(out) < 2:
            raise forms.ValidationError(_("Bitte mindestens zwei Unterthemen angeben."))
        return out


class AcceptForm(forms.Form):
    name_de = forms.CharField(label=_("Name (deutsch)"), max_length=128)
    name_en = forms.CharField(label=_("Name (englisch)"), max_length=128)
    parent = forms.ModelChoiceField(label=_("Übergeordnetes Thema"), queryset=Topic.objects.filter(active=True), required=False)
