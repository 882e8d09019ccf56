"""The staff web console (issue 17): `Console` mounts it at /console on the bot's server."""

from handlers.web.console.pages import Console

__all__ = ["Console"]
