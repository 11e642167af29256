"""crimeplan: performance reporting for police forces and PCCs."""

__version__ = "0.1.0"
