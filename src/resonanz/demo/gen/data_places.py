"""Geography of the demo company: regions with population weights, cities with postcode ranges, stores.

Plain data. ``REGIONS`` maps a country to ``(region, population in millions, [(city, postcode_lo, postcode_hi,
city_weight), ...])``. Bavaria, Tyrol and the alpine cantons carry a boost (``REGION_BOOST``) because an
outdoor retailer with stores in the Alps has more customers there than the population alone says.
"""

from __future__ import annotations

COUNTRY_WEIGHTS: dict[str, float] = {"DE": 63.0, "AT": 15.0, "CH": 18.5, "GB": 2.2, "US": 1.3}

REGIONS: dict[str, list[tuple[str, float, list[tuple[str, int, int, float]]]]] = {
    "DE": [
        ("Baden-Württemberg", 11.3, [("Stuttgart", 70173, 70629, 6), ("Freiburg im Breisgau", 79098, 79117, 3),
                                     ("Karlsruhe", 76131, 76229, 3), ("Mannheim", 68159, 68309, 3),
                                     ("Ulm", 89073, 89081, 2), ("Tübingen", 72070, 72076, 1),
                                     ("Konstanz", 78462, 78467, 1)]),
        ("Bayern", 13.4, [("München", 80331, 81929, 10), ("Nürnberg", 90402, 90491, 4), ("Augsburg", 86150, 86199, 3),
                          ("Regensburg", 93047, 93059, 2), ("Garmisch-Partenkirchen", 82467, 82467, 1),
                          ("Rosenheim", 83022, 83026, 1), ("Kempten (Allgäu)", 87435, 87439, 1),
                          ("Würzburg", 97070, 97084, 2), ("Ingolstadt", 85049, 85057, 1),
                          ("Berchtesgaden", 83471, 83471, 1)]),
        ("Berlin", 3.9, [("Berlin", 10115, 14199, 1)]),
        ("Brandenburg", 2.6, [("Potsdam", 14467, 14482, 2), ("Cottbus", 3042, 3055, 1)]),
        ("Bremen", 0.7, [("Bremen", 28195, 28779, 1)]),
        ("Hamburg", 1.9, [("Hamburg", 20095, 22769, 1)]),
        ("Hessen", 6.4, [("Frankfurt am Main", 60306, 60599, 4), ("Wiesbaden", 65183, 65207, 2),
                         ("Kassel", 34117, 34134, 1), ("Darmstadt", 64283, 64297, 1), ("Marburg", 35037, 35043, 1)]),
        ("Mecklenburg-Vorpommern", 1.6, [("Rostock", 18055, 18147, 2), ("Schwerin", 19053, 19063, 1)]),
        ("Niedersachsen", 8.1, [("Hannover", 30159, 30669, 4), ("Braunschweig", 38100, 38126, 2),
                                ("Oldenburg", 26121, 26135, 1), ("Osnabrück", 49074, 49090, 1),
                                ("Göttingen", 37073, 37085, 1)]),
        ("Nordrhein-Westfalen", 18.1, [("Köln", 50667, 51149, 5), ("Düsseldorf", 40210, 40629, 3),
                                       ("Dortmund", 44135, 44388, 3), ("Essen", 45127, 45359, 3),
                                       ("Münster", 48143, 48167, 2), ("Bonn", 53111, 53229, 2),
                                       ("Aachen", 52062, 52080, 1), ("Bielefeld", 33602, 33739, 2)]),
        ("Rheinland-Pfalz", 4.2, [("Mainz", 55116, 55131, 2), ("Koblenz", 56068, 56077, 1), ("Trier", 54290, 54296, 1)]),
        ("Saarland", 1.0, [("Saarbrücken", 66111, 66133, 1)]),
        ("Sachsen", 4.1, [("Dresden", 1067, 1328, 3), ("Leipzig", 4103, 4357, 3), ("Chemnitz", 9111, 9130, 1)]),
        ("Sachsen-Anhalt", 2.2, [("Magdeburg", 39104, 39130, 1), ("Halle (Saale)", 6108, 6132, 1)]),
        ("Schleswig-Holstein", 3.0, [("Kiel", 24103, 24159, 2), ("Lübeck", 23552, 23570, 1), ("Flensburg", 24937, 24944, 1)]),
        ("Thüringen", 2.1, [("Erfurt", 99084, 99099, 2), ("Jena", 7743, 7751, 1), ("Weimar", 99423, 99427, 1)]),
    ],
    "AT": [
        ("Wien", 2.0, [("Wien", 1010, 1230, 1)]),
        ("Niederösterreich", 1.7, [("St. Pölten", 3100, 3107, 2), ("Wiener Neustadt", 2700, 2700, 1),
                                    ("Baden", 2500, 2500, 1), ("Krems an der Donau", 3500, 3500, 1)]),
        ("Oberösterreich", 1.5, [("Linz", 4020, 4040, 3), ("Wels", 4600, 4600, 1), ("Steyr", 4400, 4400, 1)]),
        ("Steiermark", 1.25, [("Graz", 8010, 8055, 4), ("Leoben", 8700, 8700, 1), ("Schladming", 8970, 8970, 1)]),
        ("Tirol", 0.77, [("Innsbruck", 6020, 6020, 5), ("Kufstein", 6330, 6330, 1), ("Lienz", 9900, 9900, 1),
                         ("Kitzbühel", 6370, 6370, 1), ("Schwaz", 6130, 6130, 1)]),
        ("Kärnten", 0.56, [("Klagenfurt am Wörthersee", 9020, 9020, 2), ("Villach", 9500, 9500, 1)]),
        ("Salzburg", 0.56, [("Salzburg", 5020, 5020, 3), ("Hallein", 5400, 5400, 1), ("Zell am See", 5700, 5700, 1)]),
        ("Vorarlberg", 0.4, [("Bregenz", 6900, 6900, 1), ("Dornbirn", 6850, 6850, 1), ("Feldkirch", 6800, 6800, 1)]),
        ("Burgenland", 0.3, [("Eisenstadt", 7000, 7000, 1), ("Neusiedl am See", 7100, 7100, 1)]),
    ],
    "CH": [
        ("Zürich", 1.6, [("Zürich", 8001, 8064, 5), ("Winterthur", 8400, 8411, 2), ("Uster", 8610, 8610, 1)]),
        ("Bern", 1.05, [("Bern", 3001, 3027, 4), ("Thun", 3600, 3608, 2), ("Biel/Bienne", 2500, 2505, 1),
                        ("Interlaken", 3800, 3800, 1)]),
        ("Luzern", 0.42, [("Luzern", 6003, 6006, 3), ("Emmen", 6020, 6020, 1)]),
        ("Aargau", 0.7, [("Aarau", 5000, 5004, 2), ("Baden", 5400, 5400, 1), ("Wettingen", 5430, 5430, 1)]),
        ("St. Gallen", 0.52, [("St. Gallen", 9000, 9016, 3), ("Rapperswil-Jona", 8640, 8645, 1)]),
        ("Basel-Stadt", 0.2, [("Basel", 4001, 4059, 1)]),
        ("Basel-Landschaft", 0.29, [("Liestal", 4410, 4410, 1), ("Allschwil", 4123, 4123, 1)]),
        ("Graubünden", 0.2, [("Chur", 7000, 7000, 3), ("Davos", 7270, 7270, 1), ("St. Moritz", 7500, 7500, 1)]),
        ("Wallis", 0.35, [("Sion", 1950, 1950, 1), ("Brig-Glis", 3900, 3900, 1), ("Zermatt", 3920, 3920, 1)]),
        ("Zug", 0.13, [("Zug", 6300, 6300, 2), ("Baar", 6340, 6340, 1)]),
        ("Schwyz", 0.16, [("Schwyz", 6430, 6430, 1), ("Einsiedeln", 8840, 8840, 1)]),
        ("Thurgau", 0.28, [("Frauenfeld", 8500, 8500, 1), ("Kreuzlingen", 8280, 8280, 1)]),
        ("Solothurn", 0.28, [("Solothurn", 4500, 4500, 1), ("Olten", 4600, 4600, 1)]),
        ("Freiburg", 0.33, [("Freiburg", 1700, 1700, 1)]),
        ("Waadt", 0.5, [("Lausanne", 1003, 1018, 1)]),
        ("Genf", 0.35, [("Genf", 1201, 1209, 1)]),
        ("Tessin", 0.3, [("Lugano", 6900, 6900, 1), ("Bellinzona", 6500, 6500, 1)]),
    ],
    "GB": [
        ("England", 8.0, [("London", 0, 0, 6), ("Manchester", 0, 0, 2), ("Bristol", 0, 0, 1), ("Leeds", 0, 0, 1)]),
        ("Scotland", 1.5, [("Edinburgh", 0, 0, 2), ("Glasgow", 0, 0, 1)]),
        ("Wales", 0.5, [("Cardiff", 0, 0, 1)]),
    ],
    "US": [
        ("California", 3.0, [("San Francisco", 94102, 94134, 1), ("Los Angeles", 90001, 90089, 1)]),
        ("Colorado", 1.5, [("Denver", 80202, 80239, 1), ("Boulder", 80301, 80310, 1)]),
        ("New York", 2.0, [("New York", 10001, 10282, 1)]),
        ("Washington", 1.0, [("Seattle", 98101, 98199, 1)]),
    ],
}

# Multiplier on the region weight: the stores and the mountains attract customers.
REGION_BOOST: dict[str, float] = {
    "Bayern": 2.2, "Tirol": 2.5, "Salzburg": 1.5, "Vorarlberg": 1.4, "Graubünden": 2.0, "Bern": 1.2,
    "Luzern": 1.3, "Wallis": 1.4, "Waadt": 0.5, "Genf": 0.5, "Tessin": 0.6, "Freiburg": 0.7,
}

# UK postcodes as prefix lists per city (outward code only; inward code generated).
UK_OUTWARD: dict[str, list[str]] = {
    "London": ["SW1A", "SE1", "N1", "E2", "W4", "NW3", "EC1V"], "Manchester": ["M1", "M4", "M20"],
    "Bristol": ["BS1", "BS8"], "Leeds": ["LS1", "LS6"], "Edinburgh": ["EH1", "EH3", "EH9"],
    "Glasgow": ["G1", "G12"], "Cardiff": ["CF10", "CF24"],
}

# code, city, region, country. ~12 stores in DE/AT/CH.
STORES: list[tuple[str, str, str, str]] = [
    ("MUC", "München", "Bayern", "DE"),
    ("GAP", "Garmisch-Partenkirchen", "Bayern", "DE"),
    ("STR", "Stuttgart", "Baden-Württemberg", "DE"),
    ("FRB", "Freiburg im Breisgau", "Baden-Württemberg", "DE"),
    ("BER", "Berlin", "Berlin", "DE"),
    ("HAM", "Hamburg", "Hamburg", "DE"),
    ("CGN", "Köln", "Nordrhein-Westfalen", "DE"),
    ("INN", "Innsbruck", "Tirol", "AT"),
    ("VIE", "Wien", "Wien", "AT"),
    ("SZG", "Salzburg", "Salzburg", "AT"),
    ("ZRH", "Zürich", "Zürich", "CH"),
    ("BRN", "Bern", "Bern", "CH"),
    ("LUZ", "Luzern", "Luzern", "CH"),
]

# Which store a customer of a region would walk into (regions without one rarely buy in a store).
REGION_STORE: dict[str, str] = {
    "Bayern": "MUC", "Baden-Württemberg": "STR", "Berlin": "BER", "Brandenburg": "BER", "Hamburg": "HAM",
    "Schleswig-Holstein": "HAM", "Bremen": "HAM", "Niedersachsen": "HAM", "Nordrhein-Westfalen": "CGN",
    "Rheinland-Pfalz": "CGN", "Hessen": "CGN", "Saarland": "CGN", "Tirol": "INN", "Vorarlberg": "INN",
    "Kärnten": "SZG", "Wien": "VIE", "Niederösterreich": "VIE", "Burgenland": "VIE", "Salzburg": "SZG",
    "Oberösterreich": "SZG", "Steiermark": "VIE", "Zürich": "ZRH", "Aargau": "ZRH", "Thurgau": "ZRH",
    "St. Gallen": "ZRH", "Schwyz": "LUZ", "Zug": "LUZ", "Luzern": "LUZ", "Bern": "BRN", "Solothurn": "BRN",
    "Freiburg": "BRN", "Wallis": "BRN", "Graubünden": "ZRH", "Basel-Stadt": "ZRH", "Basel-Landschaft": "ZRH",
}
# Cities that have their own store: customers there use it a lot.
STORE_CITY: dict[str, str] = {city: code for code, city, _r, _c in STORES}
SPECIAL_STORE: dict[str, str] = {"Garmisch-Partenkirchen": "GAP", "Freiburg im Breisgau": "FRB"}

PHONE_PREFIX = {"DE": "+49", "AT": "+43", "CH": "+41", "GB": "+44", "US": "+1"}
MOBILE_PREFIXES = {
    "DE": ["151", "152", "157", "160", "162", "170", "171", "172", "173", "175", "176", "177", "178", "179"],
    "AT": ["650", "660", "664", "676", "680", "699"],
    "CH": ["76", "77", "78", "79"],
    "GB": ["7700", "7711", "7723", "7781", "7912"],
    "US": ["303", "415", "212", "206", "720"],
}
