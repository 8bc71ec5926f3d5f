"""Account pages: signing in, people administration, and each person's own account."""
