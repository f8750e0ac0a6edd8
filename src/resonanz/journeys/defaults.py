"""Default journey reference data: the five phases from the seed texts, channels and touchpoints.

Plain data (no models) so the data migration, the demo generator and tests share one definition.
All of it is editable after installation.
"""

from __future__ import annotations

# code, German name, English name, German description, English description
STAGES: list[tuple[str, str, str, str, str]] = [
    ("awareness", "Bekanntheit", "Awareness",
     "Der Kunde wird auf das Unternehmen oder Produkt aufmerksam.",
     "The customer becomes aware of the company or product."),
    ("consideration", "Überlegung", "Consideration",
     "Der Kunde erwägt den Kauf und vergleicht verschiedene Optionen.",
     "The customer considers buying and compares options."),
    ("decision", "Entscheidung", "Decision",
     "Der Kunde trifft die Entscheidung, das Produkt zu kaufen.",
     "The customer decides to buy the product."),
    ("purchase", "Kauf", "Purchase", "Der Kunde tätigt den Kauf.", "The customer makes the purchase."),
    ("post_purchase", "Nach dem Kauf", "Post-purchase",
     "Der Kunde nutzt das Produkt und bewertet seine Erfahrungen.",
     "The customer uses the product and evaluates the experience."),
]

# code, German name, English name, online
CHANNELS: list[tuple[str, str, str, bool]] = [
    ("website", "Website / Onlineshop", "Website / web shop", True),
    ("app", "App", "App", True),
    ("email", "E-Mail", "Email", True),
    ("chat", "Chat", "Chat", True),
    ("social", "Social Media", "Social media", True),
    ("review_platform", "Bewertungsportal", "Review platform", True),
    ("phone", "Telefon", "Phone", False),
    ("store", "Filiale", "Store", False),
    ("advertising", "Werbung", "Advertising", False),
    ("delivery", "Lieferung & Logistik", "Delivery & logistics", False),
    ("post", "Brief / Rechnung", "Letter / invoice", False),
]

# code, German name, English name, stage code, channel code
TOUCHPOINTS: list[tuple[str, str, str, str, str]] = [
    ("online_ad", "Online-Werbung", "Online ad", "awareness", "advertising"),
    ("print_tv_ad", "Print- und TV-Werbung", "Print and TV ad", "awareness", "advertising"),
    ("social_media_post", "Social-Media-Beitrag", "Social media post", "awareness", "social"),
    ("search_engine", "Suchmaschine", "Search engine", "awareness", "website"),
    ("product_page", "Produktseite", "Product page", "consideration", "website"),
    ("reviews_read", "Bewertungen lesen", "Reading reviews", "consideration", "review_platform"),
    ("newsletter", "Newsletter", "Newsletter", "consideration", "email"),
    ("store_advice", "Beratung in der Filiale", "In-store advice", "consideration", "store"),
    ("chat_advice", "Beratung im Chat", "Chat advice", "consideration", "chat"),
    ("cart", "Warenkorb", "Shopping cart", "decision", "website"),
    ("app_cart", "Warenkorb in der App", "App cart", "decision", "app"),
    ("phone_advice", "Telefonische Beratung", "Phone advice", "decision", "phone"),
    ("online_checkout", "Online-Kasse", "Online checkout", "purchase", "website"),
    ("app_checkout", "Kauf in der App", "In-app purchase", "purchase", "app"),
    ("store_checkout", "Kasse in der Filiale", "Store checkout", "purchase", "store"),
    ("order_confirmation", "Bestellbestätigung", "Order confirmation", "post_purchase", "email"),
    ("delivery", "Lieferung", "Delivery", "post_purchase", "delivery"),
    ("invoice", "Rechnung", "Invoice", "post_purchase", "post"),
    ("returns", "Rücksendung & Erstattung", "Returns & refunds", "post_purchase", "delivery"),
    ("service_phone", "Kundenservice Telefon", "Customer service phone", "post_purchase", "phone"),
    ("service_chat", "Kundenservice Chat", "Customer service chat", "post_purchase", "chat"),
    ("service_email", "Kundenservice E-Mail", "Customer service email", "post_purchase", "email"),
    ("repair_warranty", "Reparatur & Garantie", "Repair & warranty", "post_purchase", "store"),
    ("review_request", "Bewertungsanfrage", "Review request", "post_purchase", "email"),
]
