"""mlcards: compile a Markdown catalogue of ML interview questions into an Anki deck."""

from .build import build, check
from .errors import CardError, CatalogueInvalid

__version__ = "0.1.0"
__all__ = ["CardError", "CatalogueInvalid", "__version__", "build", "check"]
