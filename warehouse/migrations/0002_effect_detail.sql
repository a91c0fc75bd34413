-- Version 2: what kind of estimate an extracted effect is, the printed percentages its counts were
-- checked against, and which row of a comparison pooling reads (counts before a reported ratio;
-- never a pooled, subgroup or failing row). See extractors/effects.py.
ALTER TABLE store.extracted_effects ADD COLUMN qualifiers VARCHAR[];
ALTER TABLE store.extracted_effects ADD COLUMN treat_percent DOUBLE;
ALTER TABLE store.extracted_effects ADD COLUMN ctrl_percent DOUBLE;
ALTER TABLE store.extracted_effects ADD COLUMN preferred BOOLEAN DEFAULT FALSE;
