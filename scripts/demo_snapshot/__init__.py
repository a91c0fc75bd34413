"""Source, generator and expected results of the bundled demo snapshot (``data/demo_snapshot/``).

``records`` loads the human-edited TOML source, ``pubmed_xml`` writes the weekly PubMed XML,
``strata`` computes the pooled strata and flags the published numbers imply, and ``manifest``
gathers the gold facts. ``scripts/build_demo_snapshot.py`` runs them.
"""
