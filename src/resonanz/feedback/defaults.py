"""Default feedback sources (editable after installation). code, name, kind."""

from __future__ import annotations

SOURCES: list[tuple[str, str, str]] = [
    ("nps_survey", "NPS-Umfrage", "survey"),
    ("csat_survey", "Zufriedenheitsumfrage (CSAT)", "survey"),
    ("ces_survey", "Aufwandsumfrage (CES)", "survey"),
    ("web_form", "Kontaktformular", "form"),
    ("review_site", "Bewertungsportal", "review"),
    ("app_store", "App-Store-Bewertungen", "review"),
    ("social", "Social Media", "social"),
    ("support_email", "Support-E-Mail", "email"),
    ("ticket", "Support-Tickets", "ticket"),
    ("chat", "Chat", "chat"),
    ("call", "Anrufe (Transkripte)", "call"),
    ("manual", "Manuell erfasst", "manual"),
]
