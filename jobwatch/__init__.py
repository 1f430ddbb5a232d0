"""jobwatch: check and watch asynchronous jobs at four cloud APIs."""

__version__ = "0.1.0"


def version_line() -> str:
    return f"jobwatch {__version__}"
