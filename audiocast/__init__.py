"""audiocast: turn written articles into a podcast audio edition, offline."""

__version__ = "0.1.0"
