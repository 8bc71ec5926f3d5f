"""Training code for the plate line reader; needs the packages in requirements-train.txt."""
