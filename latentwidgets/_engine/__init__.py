"""The model side: data batching, encoding and decoding, the code store and its decode cache.

Nothing here imports the widget; the widget and the operations call into it.
"""
