"""Knowledge base: loaders, splitter, shop facts, Chroma + BM25 index, hybrid retrieval."""
