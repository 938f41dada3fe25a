"""In-site notifications: what happened that a person should know, each also emailed."""
