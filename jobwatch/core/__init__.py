"""What every layer shares: job models, errors, exit-code rules, settings, text hygiene. Pure:
no I/O, no rendering."""
