"""Every report of a year: plan, run in parallel, progress, the lock, the index page."""
