"""German UI text → English (used by fill_en.py). Plural entries: msgid → (singular, plural)."""

EN: dict[str, str | tuple[str, str]] = {
    # navigation, base
    "Übersicht": "Overview", "Feedback": "Feedback", "Kunden": "Customers", "Journeys": "Journeys",
    "Segmente & Personas": "Segments & personas", "Fälle & Maßnahmen": "Cases & actions",
    "Einstellungen": "Settings", "Hauptnavigation": "Main navigation", "Sprache wechseln": "Change language",
    "Aufträge": "Jobs", "Abmelden": "Log out", "Zum Inhalt springen": "Skip to content",
    "Kommt bald.": "Coming soon.",
    "Diese Seite zeigt noch keine Auswertungen: sie wird mit einer späteren Version gebaut. Die Daten dafür werden schon heute gespeichert.":
        "This page shows no analyses yet: it arrives with a later version. The data it needs is already being stored.",
    "Deutsch": "German", "English": "English",
    # accounts
    "Anmelden": "Log in", "Benutzername oder Passwort ist falsch.": "Wrong username or password.",
    "Benutzername": "Username", "Passwort": "Password", "Journey-Phasen": "Journey stages",
    "Keine Phasen angelegt.": "No stages defined.", "Kanäle": "Channels", "Feedback-Quellen": "Feedback sources",
    "Rollen": "Roles", "Benutzer und Stammdaten verwalten": "Manage users and master data",
    "Touchpoints": "Touchpoints", "Touchpoint": "Touchpoint", "Phase": "Stage", "Kanal": "Channel",
    # analysis models
    "Standard-Taxonomie": "Default taxonomy", "vom Team angelegt": "created by the team",
    "aus Themenvorschlag": "from a topic suggestion", "Name (deutsch)": "Name (German)",
    "Name (englisch)": "Name (English)", "Beschreibung (deutsch)": "Description (German)",
    "Beschreibung (englisch)": "Description (English)", "Beispiele (deutsch)": "Examples (German)",
    "Beispiele (englisch)": "Examples (English)", "Thema": "Topic", "Themen": "Topics", "Analyse": "Analysis",
    "Analysen": "Analyses", "Themenzuordnung": "Topic assignment", "Themenzuordnungen": "Topic assignments",
    "Stimmung": "Sentiment", "Sprache": "Language", "Absicht": "Intent", "Themen-Stimmung": "Topic sentiment",
    "Korrektur": "Correction", "Korrekturen": "Corrections",
    # customers
    "weiblich": "female", "männlich": "male", "divers": "diverse", "unbekannt": "unknown",
    "Kundennummer": "Customer number", "Name": "Name", "E-Mail": "Email", "Telefon": "Phone",
    "Geburtsjahr": "Year of birth", "Altersgruppe": "Age group", "Geschlecht": "Gender", "PLZ": "Postcode",
    "Ort": "City", "Region": "Region", "Land": "Country", "Akquisequelle": "Acquisition source",
    "Einwilligung Marketing": "Marketing consent", "Einwilligung Rückmeldung": "Consent to be contacted about feedback",
    "Weitere Merkmale": "Further attributes", "Kunde seit": "Customer since", "Kunde": "Customer",
    "Bestellnummer": "Order number", "Bestelldatum": "Order date", "Betrag": "Amount", "Währung": "Currency",
    "Artikel": "Items", "Bestellung": "Order", "Bestellungen": "Orders",
    "Bitte die Filter prüfen:": "Please check the filters:",
    "%(n)s Kunde": ("%(n)s customer", "%(n)s customers"),
    "Seiten": "Pages", "zurück": "previous", "Seite %(p)s von %(n)s": "Page %(p)s of %(n)s", "weiter": "next",
    "Keine Kunden passen zu dieser Suche.": "No customers match this search.",
    "Noch keine Kunden vorhanden. Kunden kommen über einen Import oder die API herein.":
        "No customers yet. Customers come in through an import or the API.",
    "Ereignis": "Event", "%(counter)s Artikel": ("%(counter)s item", "%(counter)s items"),
    "ansehen": "view", "Ältere laden": "Load older", "Zur Kundenliste": "Back to customers",
    "Kennzahlen": "Key figures", "Umsatz": "Revenue", "Ø Bestellwert": "Avg. order value",
    "Erste Bestellung": "First order", "Letzte Bestellung": "Last order", "Letzter NPS": "Latest NPS",
    "Verlauf": "Timeline",
    "Alles, was mit diesem Kunden geschah, über alle Kanäle, neueste zuerst.":
        "Everything that happened with this customer, across all channels, newest first.",
    "Noch keine Ereignisse, Bestellungen oder Feedback.": "No events, orders or feedback yet.",
    "Profil": "Profile", "Adresse": "Address", "Einwilligungen": "Consents", "Marketing": "Marketing",
    "ja": "yes", "seit %(d)s": "since %(d)s", "nein": "no", "Rückmeldung zu Feedback": "Contact about feedback",
    "Keine weiteren Merkmale.": "No further attributes.", "Suchen": "Search",
    "Filter zurücksetzen": "Reset filters", "Zum Kunden": "Back to the customer",
    "Keine älteren Einträge.": "No older entries.", "alle": "all", "Suche": "Search",
    "Name, E-Mail oder Kundennummer": "Name, email or customer number",
    # feedback
    "Der Bis-Wert ist kleiner als der Ab-Wert.": "The upper bound is below the lower bound.",
    "Quelle": "Source", "Eingang von": "Received from", "Eingang bis": "Received until", "NPS ab": "NPS from",
    "NPS bis": "NPS to", "CSAT ab": "CSAT from", "CSAT bis": "CSAT to", "CES ab": "CES from", "CES bis": "CES to",
    "Sterne ab": "Stars from", "Sterne bis": "Stars to", "mit Text": "with text", "egal": "any",
    "Umfrage": "Survey", "Formular": "Form", "Bewertungsportal": "Review site", "Social Media": "Social media",
    "Support-Ticket": "Support ticket", "Chat": "Chat", "Anruf (Transkript)": "Call (transcript)",
    "Manuell": "Manual", "Art": "Kind", "Feedback-Quelle": "Feedback source", "Eingang": "Received",
    "Titel": "Title", "Text": "Text", "Sterne": "Stars",
    "%(n)s Feedback": ("%(n)s feedback item", "%(n)s feedback items"),
    "CSV exportieren": "Export CSV", "Werte": "Scores",
    "Automatisch geschwärzt: personenbezogene Daten wurden beim Anzeigen entfernt.":
        "Redacted automatically: personal data was removed for display.",
    "geschwärzt": "redacted", "Kein Feedback passt zu diesen Filtern.": "No feedback matches these filters.",
    "Noch kein Feedback vorhanden. Feedback kommt über einen Import oder die API herein.":
        "No feedback yet. Feedback comes in through an import or the API.",
    "Zur Feedback-Liste": "Back to the feedback list", "Kein Text.": "No text.",
    "Geschwärzte Fassung: personenbezogene Daten wurden entfernt. Den Originaltext sehen Rollen mit der Berechtigung dafür.":
        "Redacted version: personal data was removed. Roles with the permission see the original text.",
    "Automatisch geschwärzt: personenbezogene Daten wurden beim Anzeigen regelbasiert entfernt. Den Originaltext sehen Rollen mit der Berechtigung dafür.":
        "Redacted automatically: personal data was removed by rules for display. Roles with the permission see the original text.",
    "Angaben": "Details", "nicht zugeordnet": "not assigned", "Externe ID": "External ID", "Import": "Import",
    "Erfasst": "Recorded", "Weitere Filter": "More filters", "Filtern": "Filter",
    # imports
    "automatisch erkennen": "detect automatically", "Tabulator": "Tab", "Was wird importiert?": "What is imported?",
    "Datei (CSV, TSV, XLSX, JSON, JSONL)": "File (CSV, TSV, XLSX, JSON, JSONL)",
    "Ungültige Zeilen überspringen (sonst wird bei einem Fehler nichts importiert)":
        "Skip invalid rows (otherwise nothing is imported if there is an error)",
    "Feedback-Quelle (Standard)": "Feedback source (default)", "Zeichenkodierung": "Character encoding",
    "Trennzeichen": "Delimiter",
    "Die Datei ist %(size).1f MB groß; erlaubt sind höchstens %(limit).1f MB.":
        "The file is %(size).1f MB; at most %(limit).1f MB is allowed.",
    "Die Datei ist leer.": "The file is empty.", "— nicht importieren —": "— do not import —",
    "„%(target)s“ ist zwei Spalten zugeordnet: %(a)s und %(b)s.": "“%(target)s” is mapped to two columns: %(a)s and %(b)s.",
    "Pflichtfelder ohne Spalte: %(fields)s": "Required fields without a column: %(fields)s",
    "Journey-Ereignisse": "Journey events", "wartet": "waiting", "läuft": "running", "fertig": "done",
    "fehlgeschlagen": "failed", "Importe": "Imports", "Status": "Status",
    "Zuordnung prüfen und Import starten": "Check the mapping and start the import",
    "%(rows)s Zeilen gelesen …": "%(rows)s rows read …",
    "Wartet auf den Hintergrundprozess …": "Waiting for the background worker …", "Zeilen": "Rows",
    "neu angelegt": "created", "aktualisiert": "updated", "unverändert (schon vorhanden)": "unchanged (already present)",
    "abgelehnt": "rejected", "Die Datei konnte nicht importiert werden.": "The file could not be imported.",
    "Es wurde nichts importiert, weil Fehler gefunden wurden (alles-oder-nichts). Korrigieren Sie die Datei oder wählen Sie „Ungültige Zeilen überspringen“.":
        "Nothing was imported because errors were found (all or nothing). Correct the file or choose “Skip invalid rows”.",
    "Abgelehnte Zeilen herunterladen (CSV)": "Download rejected rows (CSV)",
    "Vollständige Fehlerliste (CSV)": "Full error list (CSV)", "%(n)s Fehler": ("%(n)s error", "%(n)s errors"),
    "die ersten %(shown)s angezeigt": "first %(shown)s shown", "Zeile": "Row", "Spalte": "Column", "Wert": "Value",
    "Grund": "Reason", "Code": "Code",
    "Zeile = Zeilennummer in der Datei; die Kopfzeile ist Zeile 1.": "Row = line number in the file; the header is row 1.",
    "Alle Importe": "All imports", "Neuen Import starten": "Start a new import", "Datei": "File", "neu": "new",
    "unverändert": "unchanged", "Fehler": "Errors", "Gestartet": "Started", "Downloads": "Downloads",
    "abgelehnte Zeilen": "rejected rows", "Fehlerliste": "error list", "Noch keine Importe.": "No imports yet.",
    "Neuer Import": "New import",
    "Erlaubt sind CSV (Trennzeichen ; , Tab oder |), TSV, XLSX, JSON (Liste von Objekten) und JSONL. Kodierung und Trennzeichen werden automatisch erkannt.":
        "Allowed are CSV (delimiter ; , tab or |), TSV, XLSX, JSON (a list of objects) and JSONL. Encoding and delimiter are detected automatically.",
    "Hochladen und Vorschau anzeigen": "Upload and preview", "Import-Vorschau": "Import preview",
    "Vorschau": "Preview", "Die Datei kann nicht gelesen werden.": "The file cannot be read.",
    "Andere Datei hochladen": "Upload another file", "Format": "Format", "Kodierung": "Encoding", "Modus": "Mode",
    "ungültige Zeilen überspringen": "skip invalid rows", "alles oder nichts": "all or nothing",
    "Erste Zeilen": "First rows", "Spaltenzuordnung": "Column mapping", "Spalte in der Datei": "Column in the file",
    "Feld in Resonanz": "Field in Resonanz", "Sicherheit": "Confidence", "* = Pflichtfeld": "* = required field",
    "Import starten": "Start import", "Der Import wurde gestartet.": "The import has started.",
    # insights
    "Noch keine Daten.": "No data yet.",
    "Sobald Feedback importiert ist, stehen hier Menge, NPS, CSAT und CES.":
        "Once feedback is imported, volume, NPS, CSAT and CES appear here.",
    "Daten importieren": "Import data", "Feedback, letzte 30 Tage": "Feedback, last 30 days",
    "Feedback, letzte 90 Tage": "Feedback, last 90 days", "Feedback gesamt": "Feedback, total",
    "Werte über alle Zeit, mit 95-%%-Konfidenzintervall. NPS: %% Promotoren (9–10) minus %% Kritiker (0–6). CSAT: Anteil 4–5 von 5. CES: Mittelwert 1–7 (höher = leichter).":
        "All-time values with 95 %% confidence interval. NPS: %% promoters (9–10) minus %% detractors (0–6). CSAT: share of 4–5 out of 5. CES: mean 1–7 (higher = easier).",
    "Feedback nach Kanal": "Feedback by channel", "ohne Kanal": "no channel",
    "Feedback nach Quelle": "Feedback by source", "Neuestes Feedback": "Latest feedback",
    "Alles Feedback ansehen": "See all feedback",
    # jobs
    "eingereiht": "queued", "Hintergrundauftrag": "Background job", "Hintergrundaufträge": "Background jobs",
    "Aktualisiert sich automatisch.": "Updates automatically.", "Angelegt": "Created", "Beendet": "Finished",
    "Zählungen": "Counts", "Bezeichnung": "Label", "Fortschritt": "Progress",
    "Noch keine Hintergrundaufträge. Importe und Analysen erscheinen hier, sobald sie laufen.":
        "No background jobs yet. Imports and analyses appear here as soon as they run.",
    "Alle Hintergrundaufträge": "All background jobs",
    # journeys, loop, segments
    "Phasen": "Stages", "online": "online", "Zeitpunkt": "Time", "Typ": "Type", "Ereignisse": "Events",
    "Customer-Journey-Karten aus echten Daten: Phasen, Touchpoints, Emotionskurve, Schmerzpunkte, Pfade und Abbrüche.":
        "Customer journey maps from real data: stages, touchpoints, emotion curve, pain points, paths and drop-offs.",
    "Alarme, Fälle für das Service-Team, Verbesserungsmaßnahmen mit gemessener Wirkung und „Sie sagten, wir taten“-Nachrichten.":
        "Alerts, cases for the service team, improvement actions with measured impact and “you said, we did” messages.",
    "Segmente nach Demografie, Region und Verhalten und daraus abgeleitete Personas.":
        "Segments by demographics, region and behaviour, and the personas derived from them.",
}
