"""Renewing stored analyses after a taxonomy edit: from the stored embedding and clause vectors (ADR 0008) vs a full pass.

Creates a temporary SQLite database (migrate), loads the Gipfelwerk demo (seed 42), analyses all feedback once,
then in the same run:

1. splits "Preis & Leistung" into two sub-topics and times ``analysis_refresh()`` (what the refresh job runs:
   topics renewed from the stored vectors where only the taxonomy changed, the rest analysed in full);
2. times the full re-analysis of the same items with the same taxonomy (the baseline: what the refresh job did
   before, ``feedback_analyze`` over all of them) and counts the items whose topics and aspect sentiment agree.

3. trains a sentiment head from corrections, activates it and times the renewal (sentiment recomputed from the
   stored embeddings).

Prints items/s, the share handled without the encoder, the storage of the clause vectors, and the
speed-up (target >= 3x).

    .venv/bin/python bench/refresh_bench.py [--customers 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=2000)
    ap.add_argument("--seed-labels", type=int, default=200, help="corrections the switched sentiment head learns from")
    args = ap.parse_args()
    os.environ["RESONANZ_DATA_DIR"] = tempfile.mkdtemp(prefix="resonanz-bench-refresh-")
    os.environ["RESONANZ_CLASSIFIER_DIR"] = os.path.join(os.environ["RESONANZ_DATA_DIR"], "classifiers")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resonanz.config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from resonanz.analysis.models import FeedbackTopic, Topic
    from resonanz.analysis.services import (
        analysis_outdated_count,
        analysis_refresh,
        feedback_analyze,
        feedback_ids_needing_analysis,
    )
    from resonanz.analysis.taxonomy import topic_split, topics_ensure_default
    from resonanz.demo.loader import demo_load

    demo_load(seed=42, customers=args.customers)
    topics_ensure_default()
    ids = feedback_ids_needing_analysis()
    t0 = time.perf_counter()
    feedback_analyze(feedback_ids=ids)
    print(f"{len(ids)} feedback items analysed in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    topic_split(topic=Topic.objects.get(key="price_value"),
                names=[("Rabatte", "Discounts"), ("Versandkosten", "Shipping costs")])
    n_fast = analysis_outdated_count()
    t0 = time.perf_counter()
    counts = analysis_refresh()
    fast_s = time.perf_counter() - t0
    assert analysis_outdated_count() == 0, "refresh left outdated analyses"
    sub = FeedbackTopic.objects.filter(topic__key__startswith="price_value.").count()

    def snapshot() -> dict[int, list[tuple[str, str]]]:
        rows: dict[int, list[tuple[str, str]]] = {}
        for fid, key, sent in FeedbackTopic.objects.values_list("feedback_id", "topic__key", "sentiment"):
            rows.setdefault(fid, []).append((key, sent))
        return {k: sorted(v) for k, v in rows.items()}

    renewed = snapshot()
    old = list(ids)
    t0 = time.perf_counter()
    feedback_analyze(feedback_ids=old, force=True)  # the baseline: what the refresh job did before
    full_s = time.perf_counter() - t0
    analysed = snapshot()
    keys = set(renewed) | set(analysed)
    same_topics = sum(1 for k in keys if [t for t, _ in renewed.get(k, [])] == [t for t, _ in analysed.get(k, [])])
    same_all = sum(1 for k in keys if renewed.get(k) == analysed.get(k))
    print(f"agreement with the full re-analysis on the {len(keys)} items with topics: same topics {same_topics / len(keys):.2%}, "
          f"same topics and aspect sentiment {same_all / len(keys):.2%}")

    from django.db.models import Sum
    from django.db.models.functions import Length

    from resonanz.analysis.models import FeedbackEmbedding

    size = FeedbackEmbedding.objects.aggregate(v=Sum(Length("vector")), c=Sum(Length("clauses")))
    n_emb = FeedbackEmbedding.objects.count()
    print(f"storage per embedded item: embedding {size['v'] / n_emb:.0f} B, clause vectors {size['c'] / n_emb:.0f} B "
          f"({FeedbackEmbedding.objects.exclude(clauses=b'').count() / n_emb:.0%} of items have them)")
    fast_rate, full_rate = n_fast / fast_s, len(old) / full_s
    share = counts.get("renewed_from_embeddings", 0) / max(1, n_fast)
    print(f"split of price_value: {n_fast} outdated analyses renewed in {fast_s:.1f} s ({fast_rate:.0f} items/s); "
          f"{share:.1%} from stored embeddings, {counts.get('analysed', 0)} analysed in full; "
          f"{sub} assignments to the new sub-topics")
    print(f"baseline, full re-analysis of the same items after the same split: {len(old)} items in {full_s:.1f} s "
          f"({full_rate:.0f} items/s)")
    switch_s, switched, changed = _sentiment_switch(args.seed_labels)
    print(f"sentiment model switch (a head trained from {args.seed_labels} corrections, activated): {switched} analyses "
          f"renewed in {switch_s:.1f} s ({switched / switch_s:.0f} items/s), {changed} sentiment labels changed")
    ratio = fast_rate / full_rate
    print(f"RESULT taxonomy-refresh-speedup value={ratio:.2f} unit=x target=3 ratio={ratio / 3:.3f} "
          f"ok={'true' if ratio >= 3 else 'false'}")


def _sentiment_switch(n_labels: int) -> tuple[float, int, int]:
    """Corrections on ``n_labels`` items (the opposite polarity for every fifth, so the new head differs), a head
    trained from them and activated; returns the time of the renewal, the items renewed, the labels changed."""
    from resonanz.analysis.models import FeedbackAnalysis
    from resonanz.analysis.services import analysis_refresh, correction_create
    from resonanz.analysis.training import classifier_train_from_corrections
    from resonanz.feedback.models import Feedback

    flip = {"positive": "negative", "negative": "positive", "neutral": "neutral"}
    rows = list(FeedbackAnalysis.objects.exclude(sentiment="").order_by("feedback_id")[:n_labels])
    for k, a in enumerate(rows):
        correction_create(feedback=Feedback.objects.get(pk=a.feedback_id), kind="sentiment",
                          value=flip[a.sentiment] if k % 5 == 0 else a.sentiment, user=None)
    before = dict(FeedbackAnalysis.objects.values_list("feedback_id", "sentiment"))
    classifier_train_from_corrections(task="sentiment", activate=True)
    t0 = time.perf_counter()
    counts = analysis_refresh()
    seconds = time.perf_counter() - t0
    after = dict(FeedbackAnalysis.objects.values_list("feedback_id", "sentiment"))
    return seconds, counts.get("renewed_from_embeddings", 0), sum(before[k] != after.get(k) for k in before)


if __name__ == "__main__":
    main()
