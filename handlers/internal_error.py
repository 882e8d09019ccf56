"""An internal error as the person meets it (issue 18): "sorry, try again" in the language
they chose, else the one their messenger suggests (flows/first_words.py), else the default;
and every internal error counted, by channel.

Handlers never import storage: the composition root passes the conversation store in as
`States`, and the metrics as `ErrorCounter`.
"""

from __future__ import annotations

import logging
from typing import Protocol

from flows.first_words import first_language
from flows.messages import OutgoingMessage, Reply, Text
from flows.ports import ConversationState

log = logging.getLogger(__name__)

APOLOGY = Text("error-internal")


class States(Protocol):
    """Where the person's chosen language is kept."""

    async def load(self, channel: str, user_id: str) -> ConversationState | None: ...


class ErrorCounter(Protocol):
    def internal_error(self, channel: str) -> None: ...


async def language_for(states: States | None, channel: str, user_id: str, hint: str,
                       default: str) -> str:
    """The person's chosen language; else the messenger's hint; else the default. The
    lookup may meet the very failure being apologised for (the database is down): then the
    hint, or the default."""
    if states is not None:
        try:
            state = await states.load(channel, user_id)
        except Exception as error:  # never a second failure instead of the apology
            log.warning("the language of an apology could not be read (%s)",
                        type(error).__name__)
        else:
            if state is not None and state.language:
                return state.language
    return first_language(hint, default)


def apology(language: str) -> Reply:
    """The apology as a reply, for a transport that renders replies."""
    return Reply(language, (OutgoingMessage((APOLOGY,)),))
