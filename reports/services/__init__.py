"""Writes of the reports app, one module per subject. Each takes the acting ``Actor`` first."""
