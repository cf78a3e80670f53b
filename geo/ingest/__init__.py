"""The whole path of a batch (read, find, resolve, events, store), uploads, corrections."""
