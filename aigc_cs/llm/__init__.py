"""Engines: the jinja2 templates every engine renders, and (later) the OpenAI-compatible chat client."""
