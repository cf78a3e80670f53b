"""The store: every SQL statement of the project lives here."""
