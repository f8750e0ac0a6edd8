"""Text analysis over REST: model outputs per feedback item, human corrections, the taxonomy, trained models,
topic suggestions, semantic search and model quality.

Model outputs and human labels stay apart: ``human`` shows the latest correction of each kind next to what the
models said; nothing here changes a model output. Texts (search hits, quotes) are returned redacted to users who
may not see original feedback, exactly as in the feedback API.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from resonanz.analysis import services, taxonomy
from resonanz.analysis.models import (
    Correction,
    CorrectionKind,
    CorrectionOrigin,
    FeedbackAnalysis,
    Topic,
    TopicSuggestion,
    TrainedClassifier,
    validate_topic_key,
)
from resonanz.feedback.models import Feedback

EXAMPLE_MAX_CHARS = 500
EXAMPLES_MAX = 100


class TopicHitSerializer(serializers.Serializer):
    topic = serializers.CharField(source="topic.key", help_text="Topic key.")
    name_de = serializers.CharField(source="topic.name_de")
    name_en = serializers.CharField(source="topic.name_en")
    score = serializers.FloatField(help_text="How well the text fits the topic, 0–1.")
    sentiment = serializers.CharField(help_text="Aspect sentiment: the text's sentiment about this topic.")
    sentiment_score = serializers.FloatField(allow_null=True, help_text="Aspect sentiment score in [-1, 1].")
    component = serializers.CharField(help_text="Versioned component that assigned the topic.")


class FeedbackAnalysisSerializer(serializers.ModelSerializer):
    feedback = serializers.IntegerField(source="feedback_id", read_only=True)
    topics = serializers.SerializerMethodField(help_text="Assigned topics with score and aspect sentiment.")
    human = serializers.SerializerMethodField(
        help_text="The latest human correction of each kind (sentiment, topics, language, intent, aspect)."
    )

    class Meta:
        model = FeedbackAnalysis
        fields = [
            "feedback", "language", "language_score", "sentiment", "sentiment_score", "emotions", "intent",
            "urgent", "pii_types", "truncated", "components", "analysed_at", "topics", "human",
        ]
        read_only_fields = fields

    @extend_schema_field(TopicHitSerializer(many=True))
    def get_topics(self, obj: FeedbackAnalysis) -> list[dict[str, Any]]:
        hits = sorted(obj.feedback.topic_hits.all(), key=lambda h: -h.score)
        return TopicHitSerializer(hits, many=True).data

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_human(self, obj: FeedbackAnalysis) -> dict[str, Any]:
        latest: dict[str, Any] = {}
        for c in sorted(obj.feedback.corrections.all(), key=lambda c: (c.created_at, c.pk)):
            latest[c.kind] = c.value
        return latest


class CorrectionSerializer(serializers.ModelSerializer):
    feedback = serializers.PrimaryKeyRelatedField(queryset=Feedback.objects.all(), help_text="Feedback id.")
    kind = serializers.ChoiceField(choices=CorrectionKind.choices)
    value = serializers.JSONField(help_text=(
        'sentiment: "negative" | "neutral" | "positive"; topics: a list of topic keys; language: a code such as '
        '"de"; intent: complaint | praise | question | suggestion | cancellation; aspect: '
        '{"topic": <key>, "sentiment": <sentiment>}.'
    ))
    origin = serializers.ChoiceField(
        choices=CorrectionOrigin.choices, default=CorrectionOrigin.CORRECTION,
        help_text="correction: given while reading (mostly where the model was wrong); sample: a label of the random "
                  "quality check (GET /analyses/sample/), counted in the unbiased figures of /model-quality/.",
    )
    previous = serializers.JSONField(read_only=True, help_text="What the model said when the label was given.")
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True)

    class Meta:
        model = Correction
        fields = ["id", "feedback", "kind", "value", "origin", "previous", "created_by", "created_at"]
        read_only_fields = ["id", "previous", "created_by", "created_at"]

    def create(self, validated_data: dict[str, Any]) -> Correction:
        request = self.context.get("request")
        try:
            return services.correction_create(
                feedback=validated_data["feedback"], kind=validated_data["kind"], value=validated_data["value"],
                user=getattr(request, "user", None), origin=validated_data["origin"],
            )
        except ValueError as exc:
            raise serializers.ValidationError({"value": [str(exc)]}) from exc


def _examples() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=EXAMPLE_MAX_CHARS, trim_whitespace=True), required=False,
        max_length=EXAMPLES_MAX, help_text=f"Example phrases (at most {EXAMPLES_MAX}).",
    )


class TopicSerializer(serializers.ModelSerializer):
    key = serializers.CharField(
        required=False, max_length=128, validators=[validate_topic_key],
        help_text="Stable key, dotted below a parent (delivery.delay). Made from the English name when left out; "
                  "cannot be changed later.",
    )
    parent = serializers.SlugRelatedField(
        slug_field="key", queryset=Topic.objects.filter(merged_into__isnull=True), required=False,
        allow_null=True, help_text="Key of the parent topic.",
    )
    merged_into = serializers.SlugRelatedField(slug_field="key", read_only=True)
    examples_de = _examples()
    examples_en = _examples()

    class Meta:
        model = Topic
        fields = [
            "id", "key", "parent", "name_de", "name_en", "description_de", "description_en", "examples_de",
            "examples_en", "keywords", "origin", "active", "merged_into", "position", "updated_at",
        ]
        read_only_fields = ["id", "keywords", "origin", "merged_into", "updated_at"]

    def validate_key(self, value: str) -> str:
        if self.instance is not None and value != self.instance.key:
            raise serializers.ValidationError("The key of a topic cannot be changed.")
        if self.instance is None and Topic.objects.filter(key=value).exists():
            raise serializers.ValidationError(f"A topic with the key {value!r} exists already.")
        return value

    def create(self, validated_data: dict[str, Any]) -> Topic:
        try:
            if "key" not in validated_data:
                validated_data["key"] = taxonomy.topic_key_for(
                    name=validated_data.get("name_en") or validated_data.get("name_de", ""),
                    parent=validated_data.get("parent"),
                )
            return taxonomy.topic_save(**validated_data)
        except ValueError as exc:
            raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc

    def update(self, instance: Topic, validated_data: dict[str, Any]) -> Topic:
        validated_data.pop("key", None)
        try:
            return taxonomy.topic_save(topic=instance, **validated_data)
        except ValueError as exc:
            raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc


class TopicMergeSerializer(serializers.Serializer):
    into = serializers.SlugRelatedField(
        slug_field="key", queryset=Topic.objects.filter(active=True), help_text="Key of the topic to merge into."
    )


class TopicNameSerializer(serializers.Serializer):
    name_de = serializers.CharField(max_length=128)
    name_en = serializers.CharField(max_length=128, required=False, allow_blank=True)


class TopicSplitSerializer(serializers.Serializer):
    names = TopicNameSerializer(many=True, help_text="At least two new sub-topics.")

    def validate_names(self, value: list[dict[str, str]]) -> list[dict[str, str]]:
        if len(value) < 2:
            raise serializers.ValidationError("A split needs at least two new topics.")
        return value


class TrainedClassifierSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True)

    class Meta:
        model = TrainedClassifier
        fields = ["id", "name", "version", "task", "active", "n_examples", "metrics", "trained_at", "created_by"]
        read_only_fields = fields


class TaskSerializer(serializers.Serializer):
    task = serializers.ChoiceField(choices=["sentiment", "topics"])


class TopicSuggestionSerializer(serializers.ModelSerializer):
    topic = serializers.SlugRelatedField(slug_field="key", read_only=True)
    quotes = serializers.SerializerMethodField(help_text="Representative quotes (redacted for lower roles).")

    class Meta:
        model = TopicSuggestion
        fields = ["id", "label", "terms", "size", "mean_sentiment", "languages", "coherence", "quotes", "status",
                  "topic", "component", "created_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_quotes(self, obj: TopicSuggestion) -> list[dict[str, Any]]:
        redacted = self.context.get("redacted_texts")
        if redacted is None:
            return obj.quotes
        return [{**q, "text": redacted.get(q.get("feedback_id"), q.get("text", ""))} for q in obj.quotes]


class SuggestionAcceptSerializer(serializers.Serializer):
    name_de = serializers.CharField(max_length=128)
    name_en = serializers.CharField(max_length=128, required=False, allow_blank=True)
    parent = serializers.SlugRelatedField(slug_field="key", queryset=Topic.objects.filter(active=True),
                                          required=False, allow_null=True)


class JobRefSerializer(serializers.Serializer):
    job = serializers.IntegerField(allow_null=True, help_text="Background job id (null: nothing to do).")
    url = serializers.CharField(allow_null=True, help_text="Where to follow the job: /api/v1/jobs/<id>/.")
