"""jobwatch: check and watch asynchronous jobs at four cloud APIs."""

__version__ = "0.1.0"
