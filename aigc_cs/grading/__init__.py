"""Grading: rubric model and loader, rule checks, LLM judge, combiner, feedback, batch grading, reports."""
