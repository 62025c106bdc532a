"""What the features stand on: the core and its traits, the feature shape and its command
decorator, what an explorer opens, checked traits, binary arrays and the status line."""
