"""The analytical copy's schema (DuckDB). Dimension values are denormalised codes so KPI queries need no joins
except the topic bridge table."""

from __future__ import annotations

SCHEMA_VERSION = 3

TABLES: dict[str, str] = {
    "feedback": """
        CREATE TABLE IF NOT EXISTS feedback (
            id BIGINT PRIMARY KEY,
            received_at TIMESTAMP NOT NULL,
            source VARCHAR, source_kind VARCHAR, channel VARCHAR, touchpoint VARCHAR, stage VARCHAR,
            customer_id BIGINT, language VARCHAR,
            nps TINYINT, csat TINYINT, ces TINYINT, rating TINYINT,
            sentiment VARCHAR, sentiment_score FLOAT, intent VARCHAR, urgent BOOLEAN,
            region VARCHAR, country VARCHAR, segment VARCHAR
        )""",
    # Topic grain: one row per (feedback, topic), carrying the feedback's dimensions and scores so topic
    # KPIs need no join (10M feedback rows: the join alone cost seconds). Kept in step by Warehouse.upsert.
    "feedback_topic": """
        CREATE TABLE IF NOT EXISTS feedback_topic (
            feedback_id BIGINT NOT NULL, topic VARCHAR NOT NULL, topic_score FLOAT, topic_sentiment VARCHAR,
            received_at TIMESTAMP,
            source VARCHAR, source_kind VARCHAR, channel VARCHAR, touchpoint VARCHAR, stage VARCHAR,
            customer_id BIGINT, language VARCHAR,
            nps TINYINT, csat TINYINT, ces TINYINT, rating TINYINT,
            sentiment VARCHAR, sentiment_score FLOAT, intent VARCHAR, urgent BOOLEAN,
            region VARCHAR, country VARCHAR, segment VARCHAR
        )""",
    "customers": """
        CREATE TABLE IF NOT EXISTS customers (
            id BIGINT PRIMARY KEY, external_id VARCHAR, created_at TIMESTAMP, region VARCHAR, country VARCHAR,
            gender VARCHAR, age_band VARCHAR, birth_year SMALLINT, acquisition_source VARCHAR, segment VARCHAR
        )""",
    "orders": """
        CREATE TABLE IF NOT EXISTS orders (
            id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, ordered_at TIMESTAMP NOT NULL,
            amount DOUBLE NOT NULL, currency VARCHAR, channel VARCHAR
        )""",
    "events": """
        CREATE TABLE IF NOT EXISTS events (
            id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, occurred_at TIMESTAMP NOT NULL,
            touchpoint VARCHAR, stage VARCHAR, type VARCHAR, value DOUBLE
        )""",
    "sync_state": """
        CREATE TABLE IF NOT EXISTS sync_state (
            name VARCHAR PRIMARY KEY, watermark VARCHAR, schema_version INTEGER, synced_at TIMESTAMP
        )""",
}


# Columns of feedback_topic copied from feedback (everything but the id).
FEEDBACK_COLUMNS: tuple[str, ...] = (
    "received_at", "source", "source_kind", "channel", "touchpoint", "stage", "customer_id", "language",
    "nps", "csat", "ces", "rating", "sentiment", "sentiment_score", "intent", "urgent", "region", "country",
    "segment",
)

# Rollups ("pre-aggregations", as in Druid or Cube): daily aggregates for the dimension sets the dashboards
# group and filter by. A KPI query reads the smallest rollup covering its dimensions (a few thousand rows
# instead of millions) and falls back to aggregating the base table when none does.
# Warehouse.refresh_rollups recomputes the days a sync touched.
ROLLUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    # name: (base table, dimensions besides day)
    "rollup_all": ("feedback", ()),
    "rollup_channel": ("feedback", ("channel",)),
    "rollup_source": ("feedback", ("source", "source_kind")),
    "rollup_touchpoint": ("feedback", ("touchpoint", "stage", "channel")),
    "rollup_language": ("feedback", ("language",)),
    "rollup_region": ("feedback", ("region", "country")),
    "rollup_segment": ("feedback", ("segment",)),
    "rollup_topic": ("feedback_topic", ("topic",)),
    "rollup_topic_channel": ("feedback_topic", ("topic", "channel")),
    "rollup_topic_touchpoint": ("feedback_topic", ("topic", "touchpoint", "stage")),
    "rollup_topic_region": ("feedback_topic", ("topic", "region", "country")),
}
FILTER_DIMS: tuple[str, ...] = (
    "source", "source_kind", "channel", "touchpoint", "stage", "language", "region", "country", "segment", "topic",
)
MEASURES = """
    count(*) AS volume,
    count(nps) AS nps_n,
    count(*) FILTER (WHERE nps >= 9) AS promoters,
    count(*) FILTER (WHERE nps BETWEEN 7 AND 8) AS passives,
    count(*) FILTER (WHERE nps <= 6) AS detractors,
    count(csat) AS csat_n, count(*) FILTER (WHERE csat >= 4) AS csat_top2,
    count(ces) AS ces_n, coalesce(sum(ces), 0) AS ces_sum,
    count(rating) AS rating_n, coalesce(sum(rating), 0) AS rating_sum,
    count(sentiment_score) AS sentiment_n, coalesce(sum(sentiment_score), 0) AS sentiment_sum,
    count(*) FILTER (WHERE sentiment = 'negative') AS negative,
    count(*) FILTER (WHERE sentiment = 'positive') AS positive
"""
# Time dimensions over the day column of a rollup (alias r).
TIME_DIMENSIONS: dict[str, str] = {
    "day": "r.day",
    "week": "CAST(date_trunc('week', r.day) AS DATE)",
    "month": "CAST(date_trunc('month', r.day) AS DATE)",
    "quarter": "CAST(date_trunc('quarter', r.day) AS DATE)",
    "year": "CAST(date_trunc('year', r.day) AS DATE)",
}
ALL_DIMENSIONS: tuple[str, ...] = (*TIME_DIMENSIONS, *FILTER_DIMS)


def rollup_select(base: str, dims: tuple[str, ...]) -> str:
    """The aggregation that builds a rollup (or stands in for one) from its base table."""
    cols = "".join(f"{d}, " for d in dims)
    return f"SELECT CAST(received_at AS DATE) AS day, {cols}{MEASURES} FROM {base}"
