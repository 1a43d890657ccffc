"""Tasks: one module each, with its input model, output model, prompt name and offline composer."""
