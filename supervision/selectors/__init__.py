"""Every read of the 督办 ledger that a page, the API or the ladder uses."""
