"""Latent operations: pure functions over codes and a model, each in a module of its own.

The widget calls them; none of them imports the widget.
"""
