"""Guard: policy claims checked against a shop's facts, and the word lists of the phrase book."""
