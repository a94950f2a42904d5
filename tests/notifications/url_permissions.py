"""The reminders and scheduled jobs add no URLs."""

ROWS = []
