"""Golden sentences for the NLP behaviour tests (written for Resonanz; not used in training)."""

SENTIMENT = [
    ("Vielen Dank, der Kundenservice war unglaublich hilfsbereit und schnell!", "positive"),
    ("Ich bin total begeistert von der Jacke, Qualität top.", "positive"),
    ("Alles bestens gelaufen, gerne wieder.", "positive"),
    ("Absolut enttäuschend, die Ware kam kaputt an und keiner meldet sich.", "negative"),
    ("Seit drei Wochen warte ich auf mein Geld, das ist eine Frechheit.", "negative"),
    ("Die Verkäuferin war unfreundlich und hatte keine Ahnung.", "negative"),
    ("Ich habe am Montag zwei Hemden in Größe L bestellt.", "neutral"),
    ("Wann öffnet die Filiale in der Königstraße?", "neutral"),
    ("Thank you so much, the support agent was fantastic and solved everything.", "positive"),
    ("Great quality and the delivery was super quick, very happy!", "positive"),
    ("Worst purchase ever, it fell apart after one day.", "negative"),
    ("I have called four times and nobody can help me, this is ridiculous.", "negative"),
    ("I placed an order for two shirts on Monday.", "neutral"),
    ("What time does the store on Main Street open?", "neutral"),
]

TOPICS = [
    ("Mein Paket ist nach zehn Tagen immer noch nicht angekommen.", "delivery"),
    ("Der Versand dauerte ewig.", "delivery"),
    ("The courier threw the parcel over the fence.", "delivery"),
    ("Shipping took almost three weeks.", "delivery"),
    ("Die Nähte lösen sich schon nach dem ersten Waschen.", "product_quality"),
    ("The zipper broke the first time I used it.", "product_quality"),
    ("Für den Preis erwarte ich deutlich mehr.", "price_value"),
    ("Way overpriced compared to other shops.", "price_value"),
    ("Die Hotline hat mich dreimal weiterverbunden und niemand konnte helfen.", "customer_service"),
    ("The support team answered my email within an hour.", "customer_service"),
    ("Ich habe die Schuhe zurückgeschickt und warte seit Wochen auf die Erstattung.", "returns_refunds"),
    ("My refund still hasn't been processed.", "returns_refunds"),
    ("Die App stürzt beim Öffnen des Warenkorbs ab.", "website_app"),
    ("Your website is so slow I gave up ordering.", "website_app"),
    ("Die Rechnung enthält einen Artikel, den ich nie bekommen habe.", "payment_billing"),
    ("My credit card was charged twice for one order.", "payment_billing"),
    ("Die Sneaker sind in meiner Größe nie vorrätig.", "availability"),
    ("Everything I want is always out of stock.", "availability"),
    ("Die Mitarbeiterin im Laden hat sich viel Zeit für die Beratung genommen.", "advice_staff"),
    ("The sales assistant recommended exactly the right product.", "advice_staff"),
    ("Die Filiale war unordentlich und es gab nur eine offene Kasse.", "store_experience"),
    ("The shop was clean and nicely decorated.", "store_experience"),
    ("Warum muss jedes T-Shirt einzeln in Plastik verpackt sein?", "sustainability"),
    ("I like that you use recycled packaging.", "sustainability"),
    ("Ich bekomme jeden Tag drei Werbemails von euch.", "communication"),
    ("I unsubscribed from the newsletter but still get emails.", "communication"),
]

MIXED = [
    # (text, topic expected positive, topic expected negative)
    ("Die Mitarbeiter im Laden waren super freundlich, aber die Lieferung kam zwei Wochen zu spät.",
     "advice_staff", "delivery"),
    ("The staff in the store were lovely, but the delivery was a disaster and arrived late.",
     "advice_staff", "delivery"),
]
