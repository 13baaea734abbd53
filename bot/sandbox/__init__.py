"""`peerbot sandbox`: the whole bot offline in the terminal, no token needed (SPEC §6)."""

from bot.sandbox.runner import Options, SandboxError, play, run

__all__ = ["Options", "SandboxError", "play", "run"]
