"""The four roles and what each may do, as Django model permissions (checked on every view and endpoint).

- viewer: reads dashboards, feedback (redacted text only), customers' profiles
- agent: like viewer, plus the original feedback text (to help customers); later: works cases
- analyst: like agent, plus imports, corrections, taxonomy and segments
- admin: everything, incl. users and settings
"""

from __future__ import annotations

ADMIN, ANALYST, AGENT, VIEWER = "admin", "analyst", "agent", "viewer"
ROLES: tuple[str, ...] = (ADMIN, ANALYST, AGENT, VIEWER)

_READ = [
    "customers.view_customer",
    "customers.view_order",
    "journeys.view_event",
    "journeys.view_touchpoint",
    "journeys.view_journeystage",
    "journeys.view_channel",
    "feedback.view_feedback",
    "feedback.view_feedbacksource",
    "jobs.view_job",
    "analysis.view_feedbackanalysis",
    "analysis.view_topic",
]
_AGENT = _READ + ["feedback.view_original_text"]
_ANALYST = _AGENT + [
    "imports.view_importbatch",
    "imports.add_importbatch",
    "customers.add_customer",
    "customers.change_customer",
    "customers.add_order",
    "journeys.add_event",
    "feedback.add_feedback",
    "feedback.change_feedback",
    "feedback.add_feedbacksource",
    "feedback.change_feedbacksource",
    "journeys.add_touchpoint",
    "journeys.change_touchpoint",
    "journeys.add_journeystage",
    "journeys.change_journeystage",
    "journeys.add_channel",
    "journeys.change_channel",
    "analysis.add_correction",
    "analysis.view_correction",
    "analysis.add_trainedclassifier",
    "analysis.change_trainedclassifier",
    "analysis.view_trainedclassifier",
    "analysis.delete_topic",
    "analysis.change_topic",
    "analysis.add_topic",
    "analysis.view_topicsuggestion",
    "analysis.change_topicsuggestion",
]

ROLE_PERMISSIONS: dict[str, list[str] | None] = {
    VIEWER: _READ,
    AGENT: _AGENT,
    ANALYST: _ANALYST,
    ADMIN: None,  # None = every permission
}
