"""mockint: a local-first, speech-based mock interviewer for behavioral interviews.

The STAR segmenter is available as a library call:

    >>> from mockint import Word, segment
    >>> result = segment([Word("We", 0.0, 0.2), ...])
    >>> result.labels   # one of "situation", "task", "action", "result" per word
    >>> result.spans    # contiguous PhaseSpan runs with start_s / end_s
"""

import os

# CTranslate2's OpenMP threads otherwise spin while they wait for work. When the speech model
# runs on a worker thread beside the recorder (practice) or beside another process (--jobs),
# spinning threads starve each other: a chunk took ten times longer. OpenMP reads this once,
# when CTranslate2 loads, so it is set here, before any mockint module can load it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockint.model import PhaseSpan, Segmentation, Word
    from mockint.star import segment

__version__ = "0.1.0"
__all__ = ["PhaseSpan", "Segmentation", "Word", "__version__", "segment"]

# The library API loads on first use: every `mockint` command imports this package, and the
# segmenter's model is not needed to print help.
_LAZY = {
    "PhaseSpan": "mockint.model",
    "Segmentation": "mockint.model",
    "Word": "mockint.model",
    "segment": "mockint.star",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mockint' has no attribute {name!r}")
