"""Local stand-ins for outside services (no test reaches the network)."""
