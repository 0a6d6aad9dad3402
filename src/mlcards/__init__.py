"""mlcards: compile a Markdown catalogue of ML interview questions into an Anki deck.

The library entry points are ``mlcards.build.build`` (check and write every deck) and
``mlcards.build.check`` (check only). This module stays light so that `mlcards --help` starts
fast: the pipeline is imported only by the commands that need it.
"""

from .errors import CardError, CatalogueInvalid

__version__ = "0.1.0"
__all__ = ["CardError", "CatalogueInvalid", "__version__"]
