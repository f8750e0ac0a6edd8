"""Demo data for Resonanz: the fictional outdoor retailer Gipfelwerk (see docs/demo-data.md).

``resonanz.demo.gen`` generates the data (pure Python), ``resonanz.demo.loader`` writes it into the database,
``resonanz.demo.export`` writes it as German-style CSV files for the import UI.
"""
