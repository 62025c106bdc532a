"""One module per explorer feature: its traits, its commands and its state."""
