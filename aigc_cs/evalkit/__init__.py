"""Offline evaluation: labelled sets, metrics, suites."""
