"""The Gipfelwerk catalogue: categories with price ranges and products with German grammar forms.

Each product: ``(category, German nominative with article, accusative, dative, plural?, English name, price)``.
"""

from __future__ import annotations

# code, German label, English label, share of orders (main item)
CATEGORIES: list[tuple[str, str, str, float]] = [
    ("jackets", "Jacken", "Jackets", 0.26),
    ("boots", "Schuhe & Stiefel", "Boots", 0.22),
    ("backpacks", "Rucksäcke", "Backpacks", 0.17),
    ("tents", "Zelte & Schlafsäcke", "Tents & sleeping bags", 0.10),
    ("bike", "Fahrradzubehör", "Bike accessories", 0.13),
    ("climbing", "Kletterausrüstung", "Climbing gear", 0.12),
]

PRODUCTS: list[tuple[str, str, str, str, bool, str, float]] = [
    ("jackets", "die Sturmkamm 3L Jacke", "die Sturmkamm 3L Jacke", "der Sturmkamm 3L Jacke", False, "the Sturmkamm 3L jacket", 349.0),
    ("jackets", "die Daunenjacke Firnlicht", "die Daunenjacke Firnlicht", "der Daunenjacke Firnlicht", False, "the Firnlicht down jacket", 259.0),
    ("jackets", "die Softshelljacke Grathang", "die Softshelljacke Grathang", "der Softshelljacke Grathang", False, "the Grathang softshell", 149.0),
    ("jackets", "die Regenjacke Nebelhorn", "die Regenjacke Nebelhorn", "der Regenjacke Nebelhorn", False, "the Nebelhorn rain jacket", 119.0),
    ("jackets", "die Fleecejacke Almrausch", "die Fleecejacke Almrausch", "der Fleecejacke Almrausch", False, "the Almrausch fleece", 79.0),
    ("jackets", "die Isolationsweste Kaltwind", "die Isolationsweste Kaltwind", "der Isolationsweste Kaltwind", False, "the Kaltwind insulated vest", 99.0),
    ("boots", "die Wanderschuhe Hochgrat GTX", "die Wanderschuhe Hochgrat GTX", "den Wanderschuhen Hochgrat GTX", True, "the Hochgrat GTX hiking boots", 219.0),
    ("boots", "die Bergstiefel Eiger Pro", "die Bergstiefel Eiger Pro", "den Bergstiefeln Eiger Pro", True, "the Eiger Pro mountain boots", 299.0),
    ("boots", "die Trailrunning-Schuhe Steinbock", "die Trailrunning-Schuhe Steinbock", "den Trailrunning-Schuhen Steinbock", True, "the Steinbock trail runners", 149.0),
    ("boots", "die Zustiegsschuhe Felsweg", "die Zustiegsschuhe Felsweg", "den Zustiegsschuhen Felsweg", True, "the Felsweg approach shoes", 169.0),
    ("boots", "die Winterstiefel Schneekar", "die Winterstiefel Schneekar", "den Winterstiefeln Schneekar", True, "the Schneekar winter boots", 189.0),
    ("backpacks", "der Rucksack Almweg 30", "den Rucksack Almweg 30", "dem Rucksack Almweg 30", False, "the Almweg 30 backpack", 129.0),
    ("backpacks", "der Trekkingrucksack Fernweh 65+10", "den Trekkingrucksack Fernweh 65+10", "dem Trekkingrucksack Fernweh 65+10", False, "the Fernweh 65+10 trekking pack", 239.0),
    ("backpacks", "der Tagesrucksack Gipfelsturm 22", "den Tagesrucksack Gipfelsturm 22", "dem Tagesrucksack Gipfelsturm 22", False, "the Gipfelsturm 22 daypack", 89.0),
    ("backpacks", "der Skitourenrucksack Pulverhang 35", "den Skitourenrucksack Pulverhang 35", "dem Skitourenrucksack Pulverhang 35", False, "the Pulverhang 35 ski touring pack", 169.0),
    ("backpacks", "die Hüfttasche Wegmarke", "die Hüfttasche Wegmarke", "der Hüfttasche Wegmarke", False, "the Wegmarke hip pack", 39.0),
    ("tents", "das Zelt Nordwand 2", "das Zelt Nordwand 2", "dem Zelt Nordwand 2", False, "the Nordwand 2 tent", 449.0),
    ("tents", "das Ultraleichtzelt Federkiel 1", "das Ultraleichtzelt Federkiel 1", "dem Ultraleichtzelt Federkiel 1", False, "the Federkiel 1 ultralight tent", 389.0),
    ("tents", "das Familienzelt Seealm 4", "das Familienzelt Seealm 4", "dem Familienzelt Seealm 4", False, "the Seealm 4 family tent", 599.0),
    ("tents", "der Schlafsack Biwak -10", "den Schlafsack Biwak -10", "dem Schlafsack Biwak -10", False, "the Biwak -10 sleeping bag", 219.0),
    ("tents", "die Isomatte Hüttenruh", "die Isomatte Hüttenruh", "der Isomatte Hüttenruh", False, "the Hüttenruh sleeping pad", 89.0),
    ("bike", "der Fahrradhelm Kehre", "den Fahrradhelm Kehre", "dem Fahrradhelm Kehre", False, "the Kehre bike helmet", 119.0),
    ("bike", "die Satteltasche Passjäger", "die Satteltasche Passjäger", "der Satteltasche Passjäger", False, "the Passjäger saddle bag", 69.0),
    ("bike", "das Fahrradschloss Riegel", "das Fahrradschloss Riegel", "dem Fahrradschloss Riegel", False, "the Riegel bike lock", 49.0),
    ("bike", "die Radhose Serpentine", "die Radhose Serpentine", "der Radhose Serpentine", False, "the Serpentine bike shorts", 79.0),
    ("bike", "das Lichtset Talfahrt", "das Lichtset Talfahrt", "dem Lichtset Talfahrt", False, "the Talfahrt light set", 59.0),
    ("climbing", "der Klettergurt Vertikal", "den Klettergurt Vertikal", "dem Klettergurt Vertikal", False, "the Vertikal harness", 79.0),
    ("climbing", "das Seil Dachstein 9.8", "das Seil Dachstein 9.8", "dem Seil Dachstein 9.8", False, "the Dachstein 9.8 rope", 189.0),
    ("climbing", "die Kletterschuhe Reibung", "die Kletterschuhe Reibung", "den Kletterschuhen Reibung", True, "the Reibung climbing shoes", 129.0),
    ("climbing", "das Klettersteigset Via Ferrata", "das Klettersteigset Via Ferrata", "dem Klettersteigset Via Ferrata", False, "the via ferrata set", 119.0),
    ("climbing", "der Kletterhelm Steinschlag", "den Kletterhelm Steinschlag", "dem Kletterhelm Steinschlag", False, "the Steinschlag climbing helmet", 69.0),
    ("climbing", "die Karabiner Schnapper (5er-Set)", "die Karabiner Schnapper (5er-Set)", "den Karabinern Schnapper", True, "the Schnapper carabiner set", 45.0),
]

PRODUCTS_BY_CATEGORY: dict[str, list[int]] = {}
for _i, _p in enumerate(PRODUCTS):
    PRODUCTS_BY_CATEGORY.setdefault(_p[0], []).append(_i)
