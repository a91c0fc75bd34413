"""One module per ``rifwatch`` verb (see ``flows.cli``)."""
