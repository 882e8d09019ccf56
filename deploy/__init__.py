"""Building and checking the production image (deploy/image.py)."""
