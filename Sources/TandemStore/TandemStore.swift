// The store is built in its own files.
