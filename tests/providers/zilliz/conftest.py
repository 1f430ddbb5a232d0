"""The simulator's fixtures, for the stand-in tests beside the provider's own."""

from tests.sim.conftest import call, client, clock, sim

__all__ = ["call", "client", "clock", "sim"]
