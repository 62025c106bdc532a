"""Widget glue shared by the explorer's traits: binary array traits and the status line."""
