"""Person names for the demo customers: German-speaking (DE/AT/CH) and English first and last names."""

from __future__ import annotations

FIRST_F_DE = ["Anna", "Maria", "Laura", "Julia", "Lena", "Sophie", "Katharina", "Lisa", "Sarah", "Hannah", "Leonie", "Lea", "Johanna", "Emma", "Mia", "Clara", "Paula", "Marie", "Sabine", "Petra", "Claudia", "Susanne", "Andrea", "Birgit", "Monika", "Stefanie", "Nicole", "Sandra", "Tanja", "Melanie", "Christina", "Franziska", "Theresa", "Veronika", "Barbara", "Elisabeth", "Ursula", "Renate", "Karin", "Ingrid", "Helga", "Gabriele", "Martina", "Jana", "Nina", "Lara", "Carina", "Verena", "Magdalena", "Ramona", "Simone", "Daniela", "Corinna", "Annika", "Miriam", "Eva", "Judith", "Ronja", "Greta", "Ida", "Luisa", "Frieda", "Carla", "Amelie", "Selina", "Jasmin", "Nadine", "Manuela", "Silvia", "Bettina", "Regula", "Corina", "Seraina", "Nadja", "Heidi", "Vreni"]
FIRST_M_DE = ["Thomas", "Michael", "Andreas", "Stefan", "Christian", "Markus", "Martin", "Peter", "Wolfgang", "Klaus", "Jürgen", "Frank", "Alexander", "Daniel", "Tobias", "Florian", "Sebastian", "Matthias", "Johannes", "Maximilian", "Lukas", "Jonas", "Felix", "Paul", "Leon", "Elias", "Noah", "Ben", "Finn", "Luca", "Simon", "David", "Philipp", "Moritz", "Julian", "Jakob", "Benedikt", "Dominik", "Fabian", "Patrick", "Manuel", "Christoph", "Georg", "Josef", "Franz", "Anton", "Hans", "Werner", "Helmut", "Gerhard", "Dieter", "Bernd", "Uwe", "Ralf", "Holger", "Jan", "Tim", "Nico", "Kevin", "Marco", "Raphael", "Valentin", "Korbinian", "Quirin", "Vinzenz", "Leopold", "Reto", "Urs", "Beat", "Marcel", "Adrian", "Roman", "Sandro", "Gian", "Dario", "Mathias", "Lorenz"]
LAST_DE = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher", "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt", "Haas", "Schreiber", "Graf", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl", "Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer", "Gruber", "Hofer", "Steiner", "Moser", "Pichler", "Leitner", "Wimmer", "Egger", "Lechner", "Mayr", "Brunner", "Eder", "Aigner", "Reiter", "Fuchsberger", "Oberhauser", "Ebner", "Wallner", "Huber", "Brändli", "Baumgartner", "Gerber", "Widmer", "Frei", "Zürcher", "Bühler", "Meister", "Graber", "Amstutz", "Schnyder", "Kälin", "Hürlimann", "Wyss", "Sutter", "Zollinger", "Bachmann", "Ammann", "Lüthi", "Kessler", "Steiner", "Aebischer", "Imhof", "Stucki", "Gasser", "Kofler", "Hinterberger", "Unterberger", "Niederwieser", "Zangerl", "Schwaiger", "Obermüller", "Haselsteiner", "Rieder", "Auer"]
FIRST_F_EN = ["Emily", "Olivia", "Sophie", "Charlotte", "Grace", "Hannah", "Jessica", "Lucy", "Chloe", "Amy", "Rachel", "Emma", "Megan", "Sarah", "Laura", "Kate", "Jennifer", "Ashley", "Madison", "Abigail", "Ella", "Isla", "Freya", "Harriet", "Imogen"]
FIRST_M_EN = ["James", "Oliver", "Jack", "Harry", "George", "Thomas", "William", "Daniel", "Matthew", "Ryan", "Michael", "David", "Christopher", "Andrew", "Joshua", "Tyler", "Ethan", "Samuel", "Benjamin", "Callum", "Liam", "Noah", "Owen", "Jacob", "Connor"]
LAST_EN = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Miller", "Anderson", "Campbell", "Stewart", "Murphy", "Collins", "Baker", "Hughes", "Turner", "Parker", "Cooper", "Morgan", "Reed", "Bennett", "Fraser", "Mitchell"]

# Staff in the stores and in customer service (they appear in praise and complaints: PII for the redaction).
STAFF_DE = [
    "Frau Berger", "Herr Huber", "Frau Steiner", "Herr Brunner", "Frau Hofer", "Herr Maier", "Frau Lechner",
    "Herr Kessler", "Frau Wyss", "Herr Gasser", "Frau Zangerl", "Herr Aigner", "Frau Seidl", "Herr Vogt",
]
STAFF_FIRST = ["Lukas", "Anna", "Vroni", "Sepp", "Lena", "Jonas", "Marlene", "Basti", "Kathi", "Reto", "Nina", "Flo"]
STAFF_EN = ["Ms Berger", "Mr Huber", "Ms Steiner", "Mr Brunner", "Lukas", "Anna", "Jonas", "Lena"]

EMAIL_DOMAINS = {
    "DE": [("gmail.com", 30), ("web.de", 22), ("gmx.de", 22), ("t-online.de", 10), ("outlook.de", 6), ("posteo.de", 3),
           ("icloud.com", 5), ("yahoo.de", 2)],
    "AT": [("gmail.com", 30), ("gmx.at", 25), ("aon.at", 10), ("chello.at", 5), ("outlook.com", 10), ("icloud.com", 6),
           ("a1.net", 6)],
    "CH": [("gmail.com", 30), ("bluewin.ch", 25), ("gmx.ch", 12), ("hispeed.ch", 5), ("outlook.com", 8),
           ("icloud.com", 8), ("sunrise.ch", 5)],
    "GB": [("gmail.com", 40), ("outlook.com", 15), ("yahoo.co.uk", 12), ("btinternet.com", 10), ("icloud.com", 8)],
    "US": [("gmail.com", 45), ("yahoo.com", 15), ("outlook.com", 12), ("icloud.com", 12), ("comcast.net", 5)],
}
