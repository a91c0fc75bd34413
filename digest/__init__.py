"""The weekly digest: composed from the warehouse's marts, rendered as Markdown, HTML and text.

``compose`` turns mart rows into an immutable ``Digest``; ``render`` writes it out; ``plots``
draws its figures; ``archive`` keeps each rendering with its run. Delivery is ``flows.mail``.
"""
