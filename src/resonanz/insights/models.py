"""Models of this context arrive with its issue."""
