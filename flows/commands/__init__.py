"""One module per ``rifwatch`` verb; each exposes ``add_parser(subparsers)``."""
