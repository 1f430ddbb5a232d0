"""One run: listing, watching and cancelling jobs, with hooks and notifications."""
