"""bti: the stafettlogg of Bedre Tverrfaglig Innsats, kept in git with its rules enforced."""

__version__ = "0.1.0"
