"""Stored NLP outputs with provenance, human corrections, and the editable topic taxonomy.

Model outputs and human labels are separate rows (Argilla/Label Studio style): a re-analysis replaces the
model rows of a feedback item, never a ``Correction``. Every model row names the component and version.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TopicOrigin(models.TextChoices):
    DEFAULT = "default", _("Standard-Taxonomie")
    USER = "user", _("vom Team angelegt")
    DISCOVERED = "discovered", _("aus Themenvorschlag")


validate_topic_key = RegexValidator(
    r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\Z",
    _("Schlüssel: Buchstaben, Ziffern, _ und -, Unterthemen mit Punkt getrennt (z. B. delivery.delay)."),
)


class Topic(models.Model):
    """A node of the hierarchical, editable topic taxonomy (bilingual names, descriptions and examples).

    Merging a topic sets ``merged_into``; its assignments move to the target and it stops being offered.
    """

    key = models.CharField(max_length=128, unique=True, validators=[validate_topic_key])  # dotted below a parent
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    name_de = models.CharField(_("Name (deutsch)"), max_length=128)
    name_en = models.CharField(_("Name (englisch)"), max_length=128)
    description_de = models.TextField(_("Beschreibung (deutsch)"), blank=True)
    description_en = models.TextField(_("Beschreibung (englisch)"), blank=True)
    examples_de = models.JSONField(_("Beispiele (deutsch)"), default=list, blank=True)
    examples_en = models.JSONField(_("Beispiele (englisch)"), default=list, blank=True)
    keywords = models.JSONField(_("Schlüsselwörter"), default=dict, blank=True)  # {"de": [...], "en": [...]}
    origin = models.CharField(max_length=16, choices=TopicOrigin.choices, default=TopicOrigin.USER)
    active = models.BooleanField(default=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.name_de

    def label(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_de


class FeedbackAnalysis(models.Model):
    """The current model outputs for one feedback item (one row per item, replaced on re-analysis).

    ``input_hash`` covers the text and the component versions: unchanged items are skipped.
    """

    feedback = models.OneToOneField("feedback.Feedback", primary_key=True, on_delete=models.CASCADE,
                                    related_name="analysis")
    language = models.CharField(max_length=8, blank=True, db_index=True)
    language_score = models.FloatField(null=True, blank=True)
    sentiment = models.CharField(max_length=8, blank=True, db_index=True)  # negative / neutral / positive
    sentiment_score = models.FloatField(null=True, blank=True)  # [-1, 1]
    emotions = models.JSONField(default=list, blank=True)  # [{"name", "score"}]
    intent = models.CharField(max_length=16, blank=True, db_index=True)
    urgent = models.BooleanField(default=False, db_index=True)
    pii_types = models.JSONField(default=list, blank=True)
    truncated = models.BooleanField(default=False)
    components = models.JSONField(default=dict)  # kind -> full versioned component name
    input_hash = models.CharField(max_length=64)
    # the pipeline's components and the taxonomy it ran with, hashed: rows with another version are outdated
    version = models.CharField(max_length=16, blank=True, db_index=True)
    analysed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Analyse")
        verbose_name_plural = _("Analysen")
        indexes = [models.Index(fields=["sentiment", "feedback"])]

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.sentiment or '-'}"


class FeedbackTopic(models.Model):
    """A topic assigned to a feedback item by a model, with its aspect sentiment."""

    feedback = models.ForeignKey("feedback.Feedback", on_delete=models.CASCADE, related_name="topic_hits")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="hits")
    score = models.FloatField()
    sentiment = models.CharField(max_length=8, blank=True)
    sentiment_score = models.FloatField(null=True, blank=True)
    component = models.CharField(max_length=96)

    class Meta:
        verbose_name = _("Themenzuordnung")
        verbose_name_plural = _("Themenzuordnungen")
        constraints = [models.UniqueConstraint(fields=["feedback", "topic"], name="feedbacktopic_unique")]
        indexes = [models.Index(fields=["topic", "feedback"])]

    def __str__(self) -> str:
        return f"{self.feedback_id} → {self.topic_id} ({self.score:.2f})"


class FeedbackEmbedding(models.Model):
    """The sentence embedding of a feedback text (float16 bytes) for semantic search and discovery, and the
    vectors of its opinion clauses (int8 rows with a scale each, ``embed.pack_int8_rows``; empty for texts with
    fewer than two) with which a taxonomy edit or model switch renews the analysis without the encoder (ADR 0008)."""

    feedback = models.OneToOneField("feedback.Feedback", primary_key=True, on_delete=models.CASCADE,
                                    related_name="embedding")
    vector = models.BinaryField()
    clauses = models.BinaryField(default=b"", blank=True)
    component = models.CharField(max_length=96)

    def __str__(self) -> str:
        return f"embedding of {self.feedback_id}"


class CorrectionKind(models.TextChoices):
    SENTIMENT = "sentiment", _("Stimmung")
    TOPICS = "topics", _("Themen")
    LANGUAGE = "language", _("Sprache")
    INTENT = "intent", _("Absicht")
    ASPECT = "aspect", _("Themen-Stimmung")


class CorrectionOrigin(models.TextChoices):
    CORRECTION = "correction", _("Korrektur")  # given while reading feedback: mostly where the model was wrong
    SAMPLE = "sample", _("Stichprobe")  # a random item the quality check asked for: an unbiased measurement


class Correction(models.Model):
    """A human label for one feedback item. Never overwritten by models; the newest one of a kind wins and
    all of them are training data for the heads (``resonanz classifier train --from-corrections``)."""

    feedback = models.ForeignKey("feedback.Feedback", on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=16, choices=CorrectionKind.choices)
    value = models.JSONField()  # "negative" | ["delivery", "returns"] | {"topic": "delivery", "sentiment": "negative"}
    previous = models.JSONField(null=True, blank=True)  # what the model said at the time
    origin = models.CharField(max_length=16, choices=CorrectionOrigin.choices, default=CorrectionOrigin.CORRECTION)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Korrektur")
        verbose_name_plural = _("Korrekturen")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["feedback", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} of {self.feedback_id}: {self.value}"


class TrainedClassifier(models.Model):
    """A head trained on the embeddings (from corrections or a labelled file), stored in the model directory."""

    name = models.SlugField(max_length=64)
    task = models.CharField(max_length=16)  # sentiment / topics
    version = models.PositiveIntegerField(default=1)
    path = models.CharField(max_length=500)
    metrics = models.JSONField(default=dict, blank=True)
    n_examples = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=False)
    trained_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="classifier_name_version")]
        ordering = ["-trained_at"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.task})"


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("offen")
    ACCEPTED = "accepted", _("übernommen")
    MERGED = "merged", _("zusammengeführt")
    REJECTED = "rejected", _("abgelehnt")


class TopicSuggestion(models.Model):
    """A cluster of feedback that fits no topic well, proposed as a new topic by topic discovery."""

    label = models.CharField(max_length=200)
    terms = models.JSONField(default=list)
    size = models.PositiveIntegerField()
    mean_sentiment = models.FloatField(null=True, blank=True)
    quotes = models.JSONField(default=list)  # [{"feedback_id": 1, "text": "..."}]
    member_ids = models.JSONField(default=list)
    languages = models.JSONField(default=dict)
    coherence = models.FloatField(default=0.0)
    status = models.CharField(max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    component = models.CharField(max_length=96)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["status", "-size", "-id"]

    def __str__(self) -> str:
        return self.label
