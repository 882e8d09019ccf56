"""The flow engine: one turn = one incoming event -> state change -> reply.

Channel-agnostic and pure: it speaks `IncomingEvent`/`Reply`, keeps its state through the
`ConversationStore` port and saves it after every turn, so a restart resumes the same
question with the same answers.

Buttons carry the conversation's `seq`, which changes whenever the question changes: a
button from an older question is recognised (and a double tap is told apart from it).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flows import booking, cursor, menu, related
from flows.calendar import KZ_TZ, is_office_open, next_office_opening
from flows.clock import Clock
from flows.common import CONSENT_RECORD, CONSENT_STEP, Render, consent_record, full_name
from flows.complaint import ABOUT, COMPLAINT
from flows.cursor import GROUP_SCREENS, MORE, REMOVE, SUMMARY
from flows.enquiries import Enquiries, Exit
from flows.first_words import first_language
from flows.messages import (
    Attachment,
    Choice,
    EventKind,
    IncomingEvent,
    IncomingFile,
    OutgoingMessage,
    Reply,
    Text,
)
from flows.payloads import (
    Action,
    AddingToComplaint,
    AskingChildMail,
    Back,
    Book,
    BookDay,
    BookFor,
    BookingScreen,
    BookTime,
    ByMail,
    ByMessenger,
    CancelAnswer,
    Cancelling,
    ChildChannel,
    ChildReply,
    ChooseOption,
    ChoosingLanguage,
    Contacts,
    Done,
    Edit,
    HowChildJoins,
    ItsMe,
    Keep,
    Language,
    MailInstead,
    MessengerInstead,
    More,
    MyApplications,
    NotifyMe,
    Objecting,
    OpenApplication,
    OtherServices,
    RelatedService,
    Remove,
    RemoveItem,
    Resume,
    ShowFiled,
    ShowPapers,
    Skip,
    Specialist,
    StartComplaint,
    StartFlow,
    StartObjection,
    Submit,
    Tap,
    Unbook,
    UseSuggestion,
    WithSpecialist,
    WithSpecialistConfirmed,
    overlay,
    unpack,
)
from flows.person_locks import PersonLocks
from flows.ports import (
    Applications,
    ApplicationView,
    ConversationState,
    ConversationStore,
    FileStore,
    Interviews,
    Papers,
    PersonalData,
    Receipt,
    ServiceInterest,
    Sessions,
    SlotOffer,
)
from flows.privacy import MYDATA_FILENAME, MYDATA_MIME, ForgetAnswer, Forgetting
from flows.progress import progress_mark
from flows.services import SERVICES
from flows.steps import ChoiceStep, Context, FilesStep, Flow, GroupStep, Section, Step, TextStep
from flows.turn import Turn, button
from flows.uploads import accept_file
from flows.validators import Invalid, parse_free_text

LANGUAGES = ("kk", "ru", "en")


@dataclass
class Ports:
    conversations: ConversationStore
    files: FileStore
    applications: Applications
    interviews: Interviews | None = None  # the child-opinion conversation, when offered
    sessions: Sessions | None = None  # the conversation with the child in the messenger
    papers: Papers | None = None  # the legal documents issued as PDFs
    interest: ServiceInterest | None = None  # "tell me when I can apply here" (related)
    enquiries: Enquiries | None = None  # a flow's way out, recorded for staff (flows.enquiries)
    privacy: PersonalData | None = None  # /mydata and /forget (issue 13)


# What the menu, an application's screen or a notice's buttons do: none is a form's answer,
# so while a form is being filled they are answered with where to find them afterwards.
_OUTSIDE_A_FORM = (StartFlow, MyApplications, OpenApplication, StartComplaint, ShowFiled,
                   ShowPapers, Book, BookFor, BookDay, BookTime, booking.BookIn, Unbook,
                   ChildChannel, ByMessenger, ByMail, HowChildJoins, MessengerInstead,
                   MailInstead, Contacts, OtherServices, RelatedService, NotifyMe,
                   StartObjection)


class Engine:
    def __init__(
        self,
        ports: Ports,
        flows: Sequence[Flow],
        *,
        default_language: str = "kk",
        clock: Clock,
        coming_soon: frozenset[str] = frozenset(),
        specialists: bool = False,
        invite_text: booking.InviteText | None = None,
        render: Render | None = None,  # how transports word a Text: consent is kept as read
    ) -> None:
        self.ports = ports
        self.flows = {flow.id: flow for flow in flows}
        self.default_language = default_language
        self.clock = clock
        self.coming_soon = coming_soon
        self.specialists = specialists  # is there a staff desk to escalate to
        self.invite_text = invite_text
        self.render = render
        self._turns = PersonLocks()

    # ------------------------------------------------------------------ entry point
    async def handle(self, event: IncomingEvent, update: str | None = None) -> Reply:
        """One turn. `update` names the transport's update: it is marked handled, with the
        reply, in the transaction that saves the new state (`HandledBefore` if it was)."""
        # One person's album or double tap must not race on their state, nor two replicas.
        async with self._turns.hold((event.channel, event.user_id)), \
                self.ports.conversations.turn(event.channel, event.user_id):
            stored = await self.ports.conversations.load(event.channel, event.user_id)
            state = stored or ConversationState()
            turn = Turn(state, event, self.clock().astimezone(KZ_TZ).date())
            before = _position(state)
            await self._dispatch(turn)
            if _position(state) != before:
                state.seq += 1
            messages = tuple(_bind(m, state.seq) for m in turn.messages)
            offered, state.contact_keyboard = state.contact_keyboard, any(
                m.ask_contact for m in messages)
            # Until the person chooses, every reply is the greeting or the language question
            # (or leads to it): it speaks the messenger's language, nothing is stored.
            language = state.language or first_language(event.locale_hint, self.default_language)
            reply = Reply(language, messages, turn.notice,
                          escalate=turn.escalate, relay=turn.relay,
                          close_contact=offered and not state.contact_keyboard)
            receipt = None if update is None else Receipt(update, reply)
            await self.ports.conversations.save(
                event.channel, event.user_id, state, event.display_name, receipt
            )
            return reply

    async def _dispatch(self, turn: Turn) -> None:
        state, event = turn.state, turn.event
        if event.kind is EventKind.EDITED:  # its first version was read: say how to correct
            turn.say(Text("edit-not-read"))
            await self._ask_current(turn)
            return
        if event.kind is EventKind.TEXT and await self._in_session(turn):
            return
        if event.kind is EventKind.COMMAND:
            await self._command(turn)
        elif event.kind is EventKind.CHOICE:
            await self._choice(turn)
        elif isinstance(asking := overlay(state.pending), AskingChildMail) and \
                self.ports.interviews is not None:  # the child's e-mail address
            await booking.child_mail(turn, self.ports.interviews, asking, self.clock())
        elif state.flow is None and self.ports.interviews is not None and \
                event.kind is EventKind.TEXT and booking.looks_like_code(event.text) and \
                not isinstance(overlay(state.pending), BookingScreen):
            await self._child_joins(turn, event.text)  # a child sends the invite code
        elif state.language is None:
            menu.greet(turn)
            self._ask_language(turn)
        elif isinstance(above := overlay(state.pending), WithSpecialist | WithSpecialistConfirmed):
            self._to_specialist(turn)
        elif isinstance(above, Objecting):
            await self._objection(turn, above.application, "objection-saved")
        elif isinstance(above, AddingToComplaint):
            await self._objection(turn, above.application, "complaint-added")
        elif state.pending or (state.flow is None and booking.opened_code(state) is not None):
            turn.say(Text("hint-use-buttons"))  # "is it you?" is answered with a button too
            await self._ask_current(turn)
        elif state.flow is None:
            turn.say(Text("hint-menu-unexpected"))
            menu.show(turn)
        else:
            await self._flow_input(turn)

    # ------------------------------------------------------------------ commands
    async def _command(self, turn: Turn) -> None:
        state, name = turn.state, turn.event.text
        waited = overlay(state.pending)
        if isinstance(waited, WithSpecialist | WithSpecialistConfirmed | Objecting
                      | AddingToComplaint | Forgetting):
            state.pending = None  # a command always brings the bot back
        if name == "cancel" and isinstance(waited, Objecting | AddingToComplaint):
            turn.say(Text("addition-cancelled"))  # what was sent before stays attached
            menu.show(turn)
            return
        if name == "start" and isinstance(overlay(state.pending), BookingScreen):
            state.pending = None  # /start leaves booking for the menu, a child's link too
        if name == "start" and turn.event.argument and self.ports.interviews is not None:
            await self._child_joins(turn, turn.event.argument)
        elif name == "start":
            if state.language is None:
                menu.greet(turn)
                self._ask_language(turn)
            elif state.flow is not None:
                turn.say(self._form_words(state, "flow-resume"))
                await self._ask_current(turn)
            else:
                state.pending = None
                menu.greet(turn)
                menu.show(turn)
        elif name == "language":
            self._ask_language(turn)
        elif name == "help":
            turn.say(self._form_words(state, "help-flow") if state.flow else Text("help-menu"))
            await self._ask_current(turn)
        elif name == "cancel":
            await self._cancel(turn)
        elif name == "menu" and state.flow is None:
            state.pending = None
            menu.show(turn)
        elif name == "menu":
            await self._cancel(turn)
        elif name in ("mydata", "forget") and self.ports.privacy is not None:
            await self._own_data(turn, name, self.ports.privacy)
        else:
            turn.say(Text("hint-unknown-command"))
            await self._ask_current(turn)

    async def _cancel(self, turn: Turn) -> None:
        state = turn.state
        if state.flow is None:
            state.pending = None
            turn.say(Text("cancel-nothing"))
            menu.show(turn)
        elif not set(state.answers) - set(self._flow(state).given):  # nothing entered
            turn.say(self._form_words(state, "cancel-done"))
            self._leave_flow(state)
            menu.show(turn)
        else:
            state.pending = Cancelling().pack()
            self._ask_cancel(turn)

    # ------------------------------------------------------------------ the person's own data
    async def _own_data(self, turn: Turn, name: str, privacy: PersonalData) -> None:
        """`/mydata`: a file with everything stored about the person; `/forget`: erase it,
        once they confirm."""
        if name == "forget":
            turn.state.pending = Forgetting().pack()
            self._ask_forget(turn)
            return
        event = turn.event
        data = await privacy.export(event.channel, event.user_id)
        content = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
        turn.say(Text("privacy-mydata-sent"),
                 attachment=Attachment(MYDATA_FILENAME, content, MYDATA_MIME))
        await self._ask_current(turn)

    def _ask_forget(self, turn: Turn) -> None:
        turn.say(Text("privacy-forget-confirm"),
                 choices=[[button("privacy-forget-yes", ForgetAnswer(True))],
                          [button("privacy-forget-no", ForgetAnswer(False))]])

    async def _forget_answer(self, turn: Turn, action: Action) -> None:
        state, event = turn.state, turn.event
        state.pending = None
        if action != ForgetAnswer(True) or self.ports.privacy is None:
            turn.say(Text("privacy-forget-kept-all"))
            await self._ask_current(turn)
            return
        gone = await self.ports.privacy.forget(event.channel, event.user_id, self.clock())
        self._leave_flow(state)  # the draft, if any, is gone with its files
        turn.say(Text("privacy-forget-done", {"drafts": gone.drafts,
                                              "closed": len(gone.erased)}))
        if gone.kept:
            turn.say(Text("privacy-forget-open-kept", {"count": len(gone.kept),
                                                       "numbers": ", ".join(gone.kept)}))
        menu.show(turn)

    def _ask_cancel(self, turn: Turn) -> None:
        turn.say(
            self._form_words(turn.state, "cancel-confirm"),
            choices=[[button("cancel-yes", CancelAnswer(True))],
                     [button("cancel-no", CancelAnswer(False))]],
        )

    # ------------------------------------------------------------------ buttons
    async def _choice(self, turn: Turn) -> None:
        state, data = turn.state, turn.event.text
        tapped = unpack(data)
        if not isinstance(tapped, Tap) or tapped.seq != state.seq:
            if data == state.last_tap:
                turn.notice = Text("button-already-done")
            else:  # an older question's button, or no button of ours at all
                await self._stale(turn)
            return
        state.last_tap = data
        action = tapped.action
        if isinstance(overlay(state.pending), AskingChildMail | BookingScreen):
            state.pending = None  # a button answers a booking screen (the next one sets its own)
        if isinstance(action, Specialist):
            await self._open_specialist(turn)
        elif isinstance(action, Resume):
            state.pending = None
            await self._ask_current(turn)
        elif isinstance(action, Language):
            await self._set_language(turn, action.code)
        elif isinstance(action, ItsMe):
            await self._its_me(turn, action.confirmed)
        elif isinstance(action, ChildReply):
            await self._child_reply(turn, action)
        elif isinstance(overlay(state.pending), Cancelling):
            await self._cancel_answer(turn, action)
        elif isinstance(overlay(state.pending), Forgetting):
            await self._forget_answer(turn, action)
        elif isinstance(overlay(state.pending), ChoosingLanguage):
            await self._ask_current(turn)
        elif state.flow is None:
            await self._menu_choice(turn, action)
        else:
            await self._flow_choice(turn, action)

    async def _stale(self, turn: Turn) -> None:
        """A button that is not this question's: say so, and ask the question again."""
        turn.notice = Text("button-stale")
        turn.say(Text("button-stale"))
        await self._ask_current(turn)

    async def _set_language(self, turn: Turn, language: str) -> None:
        state = turn.state
        if language not in LANGUAGES:
            await self._ask_current(turn)
            return
        first_time = state.language is None
        state.language = language
        state.pending = None
        turn.notice = Text("language-set")
        if state.flow is not None:
            turn.say(Text("language-set"))
            await self._ask_current(turn)
        elif turn.state.invite:  # a child who opened the invite has chosen a language
            await self._ask_child(turn)
        else:
            if not first_time:
                turn.say(Text("language-set"))
            menu.show(turn)

    async def _cancel_answer(self, turn: Turn, action: Action) -> None:
        state = turn.state
        state.pending = None
        if action == CancelAnswer(True):
            turn.say(self._form_words(state, "cancel-done"))
            self._leave_flow(state)
            menu.show(turn)
        else:
            await self._ask_current(turn)

    # ------------------------------------------------------------------ the main menu
    def _ask_language(self, turn: Turn) -> None:
        turn.state.pending = ChoosingLanguage().pack()
        turn.say(
            Text("language-ask"),
            choices=[[button(f"language-{code}", Language(code))] for code in LANGUAGES],
        )

    async def _menu_choice(self, turn: Turn, action: Action) -> None:
        channel, user_id = turn.event.channel, turn.event.user_id
        if isinstance(action, StartFlow) and action.flow in self.flows \
                and action.flow not in self.coming_soon:
            await self._start_flow(turn, self.flows[action.flow])
        elif isinstance(action, StartFlow):
            turn.say(Text("menu-coming-soon"))
            menu.show(turn)
        elif isinstance(action, MyApplications):
            menu.show_applications(turn, await self.ports.applications.list_for(channel,
                                                                                user_id))
        elif isinstance(action, OpenApplication):
            view = await self.ports.applications.get_for(channel, user_id, action.application)
            offer = await self._offer(turn, action.application) \
                if view and SERVICES[view.service].hears_the_child else None
            menu.show_application(turn, view, offer, papers=self.ports.papers is not None)
        elif isinstance(action, StartComplaint):
            await self._complain(turn, action.application)
        elif isinstance(action, ShowFiled | ShowPapers) and self.ports.papers is not None:
            filed = await self.ports.papers.filed(channel, user_id, action.application)
            if filed is None:
                menu.show_application(turn, None)
            elif isinstance(action, ShowFiled):
                menu.show_filed(turn, action.application, filed,
                                SERVICES[filed.service].form.summary_lines(filed.answers))
            else:
                menu.show_papers(turn, action.application, filed)
        elif isinstance(action, Book | BookFor | BookDay | BookTime | booking.BookIn | Unbook) \
                and self.ports.interviews is not None:
            await self._booking(turn, action)
        elif isinstance(action, ChildChannel | ByMessenger | ByMail) \
                and self.ports.interviews is not None:
            booking.choose_channel(turn, action)  # how the child abroad joins
        elif isinstance(action, HowChildJoins | MessengerInstead | MailInstead) \
                and self.ports.interviews is not None:
            await self._child_way(turn, action)  # ...switched later
        elif isinstance(action, Contacts):
            menu.show_contacts(turn)
        elif isinstance(action, OtherServices | RelatedService | NotifyMe):
            await related.answer(turn, action, self.ports.interest, self.clock())
        elif isinstance(action, StartObjection):
            view = await self.ports.applications.get_for(channel, user_id, action.application)
            if view is None or view.status != "hearing_scheduled":
                menu.show_application(turn, view)
            else:
                turn.state.pending = Objecting(action.application).pack()
                turn.say(Text("objection-ask", {"number": view.number}),
                         choices=[[button("nav-menu", Resume())]])
        else:
            menu.show(turn)

    # ------------------------------------------------------------------ the child's opinion
    async def _in_session(self, turn: Turn) -> bool:
        """During the conversation with the child, words go to the others, not to a form."""
        if self.ports.sessions is None:
            return False
        event, now = turn.event, self.clock()
        seat = await self.ports.sessions.seat_of(event.channel, event.user_id, now)
        if seat is None:
            return False
        await self.ports.sessions.relay(seat.session_id, seat.role, event.text, now)
        if not seat.open:  # after the end: the child's addition is passed on
            turn.say(Text("session-added"))
        return True

    async def _offer(self, turn: Turn, ref: str, child: int | None = None) -> SlotOffer | None:
        """The free times of one child's conversation; None names none: the application's
        (its only child's, or with siblings no one time)."""
        if self.ports.interviews is None:
            return None
        return await self.ports.interviews.offer(turn.event.channel, turn.event.user_id, ref,
                                                 self.clock(), child)

    async def _booking(self, turn: Turn, action: Book | BookFor | BookDay | BookTime
                       | booking.BookIn | Unbook) -> None:
        interviews, event, ref = self.ports.interviews, turn.event, action.application
        assert interviews is not None
        child = None if isinstance(action, Book) else action.child
        if isinstance(action, Unbook):
            cancelled = await interviews.cancel(event.channel, event.user_id, ref, action.child)
            turn.say(Text("booking-cancelled" if cancelled else "booking-not-available"))
            menu.show(turn)
            return
        if isinstance(action, BookTime) and (offer := await self._offer(turn, ref, child)) \
                and booking.asks_language(offer, action.slot):  # a child abroad: which language
            booking.ask_child_language(turn, offer, action.slot,
                                       turn.state.language or self.default_language)
            return
        refused: Text | None = None
        if isinstance(action, BookTime | booking.BookIn):
            language = action.language if isinstance(action, booking.BookIn) else None
            result = await interviews.book(event.channel, event.user_id, ref, action.slot,
                                           self.clock(), action.child, language)
            if not isinstance(result, str):
                invite = self.invite_text(event.channel, result.code) \
                    if self.invite_text and result.zone else None
                booking.booked(turn, result, invite, language)
                return
            if result == booking.TERM_ENDED:  # no other time: staff were told with it
                turn.say(Text(result))
                menu.show(turn)
                return
            refused = Text(result)  # why not (passed, taken...): other times follow
        offer = await self._offer(turn, ref, child)
        if refused is not None and offer is not None and offer.slots:
            turn.say(refused)  # with no time left, "no free time" (or "not available") says it
        if offer is None:
            turn.say(Text("booking-not-available"))
            menu.show(turn)
        elif isinstance(action, Book) and offer.siblings:  # each child has their own time
            booking.show_children(turn, offer)
        elif isinstance(action, BookDay):
            booking.show_times(turn, offer, action.day)
        else:
            if not offer.slots:
                await interviews.no_slots(event.channel, event.user_id, ref)
            booking.show_days(turn, offer)

    def _invite(self, channel: str, code: str) -> Text | None:
        return self.invite_text(channel, code) if self.invite_text and code else None

    async def _child_way(self, turn: Turn,
                         action: HowChildJoins | MessengerInstead | MailInstead) -> None:
        """How the child abroad joins the booked conversation, switched on the parent's tap."""
        interviews, event, now = self.ports.interviews, turn.event, self.clock()
        assert interviews is not None
        ref, child = action.application, action.child
        if isinstance(action, MailInstead):
            booking.ask_child_mail(turn, AskingChildMail(ref, child, switching=True))
            return
        if isinstance(action, MessengerInstead):
            switched = await interviews.by_messenger(event.channel, event.user_id, ref, child,
                                                     now)
            if isinstance(switched, str):
                turn.say(Text(switched))
                menu.show(turn)
            else:
                booking.now_by_messenger(turn, switched,
                                         self._invite(event.channel, switched.code))
            return
        way = await interviews.child_way(event.channel, event.user_id, ref, child, now)
        if way is None:
            turn.say(Text("booking-not-available"))
            menu.show(turn)
        else:
            booking.show_child_way(turn, way, self._invite(event.channel, way.code))

    async def _child_joins(self, turn: Turn, code: str) -> None:
        """Someone opened a child's invite: first they say whether they are that child."""
        assert self.ports.interviews is not None
        invitation = await booking.open_invite(turn, self.ports.interviews, code, self.clock())
        if invitation is None:
            await self._ask_current(turn)
        elif not booking.speak_childs_language(turn, invitation):  # no language known at all
            menu.greet(turn)
            self._ask_language(turn)
        else:
            booking.ask_who(turn, invitation)

    async def _ask_child(self, turn: Turn) -> None:
        """The invite's question again: "is it you?" until answered, then the time."""
        interviews, now = self.ports.interviews, self.clock()
        if interviews is not None and booking.opened_code(turn.state) is not None:
            invitation = await booking.reopen_invite(turn, interviews, now)
            if invitation is not None:
                booking.ask_who(turn, invitation)
                return
        elif (joined := booking.remembered(turn)) is not None:
            booking.child_intro(turn, joined)
            return
        menu.show(turn)

    async def _its_me(self, turn: Turn, confirmed: bool) -> None:
        """The answer to "is it you?": only now is the invite used, and only by the child."""
        interviews, code = self.ports.interviews, booking.opened_code(turn.state)
        if interviews is None or code is None:
            await self._stale(turn)
        elif not confirmed:
            booking.not_me(turn)
            menu.show(turn)
        elif (joined := await booking.join(turn, interviews, code, self.clock())) is not None:
            booking.child_intro(turn, joined)
        else:
            menu.show(turn)

    async def _child_reply(self, turn: Turn, reply: ChildReply) -> None:
        interviews, event = self.ports.interviews, turn.event
        if interviews is None or not await interviews.child_reply(
                event.channel, event.user_id, reply.application, reply.confirmed, reply.child):
            await self._stale(turn)  # not this person's invite: nobody is told anything
            return
        turn.say(Text("child-confirmed" if reply.confirmed else "child-another-time"))

    # ------------------------------------------------------------------ a specialist
    async def _open_specialist(self, turn: Turn) -> None:
        if not self.specialists:
            turn.say(Text("specialist-not-available"))
            await self._ask_current(turn)
            return
        turn.state.pending = WithSpecialist().pack()
        turn.escalate = True
        self._say_specialist_open(turn)
        now = self.clock()
        if not is_office_open(now):
            turn.say(Text("specialist-after-hours", {"when": next_office_opening(now)}))

    def _say_specialist_open(self, turn: Turn) -> None:
        turn.say(Text("specialist-open"), choices=[[button("specialist-back", Resume())]])

    def _to_specialist(self, turn: Turn) -> None:
        """While talking to a specialist every message is passed on; the first is confirmed."""
        turn.relay = True
        if isinstance(overlay(turn.state.pending), WithSpecialist):
            turn.state.pending = WithSpecialistConfirmed().pack()
            turn.say(Text("specialist-sent"), choices=[[button("specialist-back", Resume())]])

    async def _objection(self, turn: Turn, ref: str, saved: str) -> None:
        """Words or a file added to an application: an objection, more for a complaint.
        The bot goes on waiting (an album's other photos, a second page, a correction)
        until the person leaves for the menu."""
        event, state = turn.event, turn.state
        view = await self.ports.applications.get_for(event.channel, event.user_id, ref)
        if view is None or not _still_open_to(overlay(state.pending), view):
            state.pending = None  # decided meanwhile: the words would count for nothing
            if view is not None:
                turn.say(Text("addition-too-late", {"number": view.number}))
            menu.show_application(turn, view)
            return
        stored, text = None, ""
        try:
            if event.kind is EventKind.FILE and event.file is not None:
                # The words under a photo of the statement are part of it.
                text = parse_free_text(event.text, MAX_ADDITION) if event.text.strip() else ""
                accepted = await accept_file(self.ports.files, event.file, set())
                if isinstance(accepted, Text):
                    raise Invalid(accepted.key, accepted.args)
                stored = accepted
            elif event.kind is EventKind.TEXT:
                text = parse_free_text(event.text, MAX_ADDITION)
            else:
                raise Invalid("error-text-expected")
        except Invalid as problem:
            turn.say(Text(problem.key, problem.args))
            await self._ask_addition(turn)
            return
        number = await self.ports.applications.add_objection(
            event.channel, event.user_id, ref, text, stored)
        if number is None:
            state.pending = None
            menu.show(turn)
            return
        turn.relay = True
        turn.say(Text(saved, {"number": number}), Text("addition-more"),
                 choices=[[button("nav-menu", Resume())]])

    async def _ask_addition(self, turn: Turn) -> None:
        """Asked again: the words or file the bot waits for, to add to an application."""
        above = overlay(turn.state.pending)
        assert isinstance(above, Objecting | AddingToComplaint)
        channel, user_id = turn.event.channel, turn.event.user_id
        view = await self.ports.applications.get_for(channel, user_id, above.application)
        about = None
        if view is not None and view.about is not None:
            about = await self.ports.applications.get_for(channel, user_id, view.about)
        if view is None or (isinstance(above, AddingToComplaint) and about is None):
            turn.state.pending = None  # gone meanwhile (forgotten): nothing to add to
            menu.show(turn)
            return
        if isinstance(above, Objecting):
            question = Text("objection-ask", {"number": view.number})
        else:
            assert about is not None
            question = Text("complaint-open-already", {"number": view.number,
                                                       "about": about.number})
        turn.say(question, choices=[[button("nav-menu", Resume())]])

    async def _complain(self, turn: Turn, ref: str) -> None:
        """A complaint about one's own application; while one is open, more words for it."""
        channel, user_id = turn.event.channel, turn.event.user_id
        view = await self.ports.applications.get_for(channel, user_id, ref)
        if view is None or SERVICES[view.service].complains_about_application:
            menu.show_application(turn, None)
            return
        mine = await self.ports.applications.list_for(channel, user_id)
        still_open = next((v for v in mine if v.about == ref
                           and SERVICES[v.service].actions_from(v.status)), None)
        if still_open is not None:
            turn.state.pending = AddingToComplaint(still_open.ref).pack()
            turn.say(Text("complaint-open-already", {"number": still_open.number,
                                                     "about": view.number}),
                     choices=[[button("nav-menu", Resume())]])
            return
        await self._start_flow(turn, self.flows[COMPLAINT.id],
                               {ABOUT: ref, "about_number": view.number})

    # ------------------------------------------------------------------ flows
    async def _start_flow(self, turn: Turn, flow: Flow,
                          given: dict[str, Any] | None = None) -> None:
        state = turn.state
        state.flow = flow.id
        state.answers = dict(given or {})  # what the flow starts from (a complaint's subject)
        state.editing = None
        state.draft_key = secrets.token_hex(8)
        state.cursor = flow.steps[0].id
        turn.say(Text(flow.intro, {"about": str(state.answers.get("about_number", ""))}))
        await self._ask_current(turn)

    async def _exit(self, turn: Turn, way_out: Exit) -> None:
        """The answers show the form is not this person's, though the body serves them: the
        flow ends with how to apply instead, a way to a specialist, and the enquiry recorded
        for staff (once per draft)."""
        state, event = turn.state, turn.event
        answers, key = dict(state.answers), state.draft_key or secrets.token_hex(8)
        self._leave_flow(state)
        if self.ports.enquiries is not None:
            await self.ports.enquiries.record(
                event.channel, event.user_id, way_out.kind, way_out.subject(answers), key,
                OutgoingMessage((way_out.staff_note(answers),)), self.clock())
        rows = [[button("menu-specialist", Specialist())]] if self.specialists else []
        turn.say(*way_out.explain(answers), choices=[*rows, [button("nav-menu", Resume())]])

    def _leave_flow(self, state: ConversationState) -> None:
        state.flow = None
        state.cursor = ""
        state.answers = {}
        state.editing = None
        state.draft_key = None

    def _flow(self, state: ConversationState) -> Flow:
        assert state.flow is not None
        return self.flows[state.flow]

    def _form_words(self, state: ConversationState, key: str) -> Text:
        """Words about the form being filled: a complaint's are its own."""
        flow = self.flows.get(state.flow or "")
        return Text(f"{flow.words if flow else ''}{key}")

    def _context(self, turn: Turn, item: Mapping[str, Any] | None = None) -> Context:
        return Context(turn.today, turn.state.answers, item or {})

    async def _ask_current(self, turn: Turn) -> None:
        state = turn.state
        above = overlay(state.pending)
        if isinstance(above, Cancelling):
            self._ask_cancel(turn)
        elif isinstance(above, Forgetting):
            self._ask_forget(turn)
        elif isinstance(above, WithSpecialist | WithSpecialistConfirmed):
            self._say_specialist_open(turn)
        elif isinstance(above, ChoosingLanguage) or state.language is None:
            self._ask_language(turn)
        elif isinstance(above, Objecting | AddingToComplaint):
            await self._ask_addition(turn)
        elif state.flow is None and booking.opened_code(state) is not None:
            await self._ask_child(turn)
        elif isinstance(above, AskingChildMail):
            booking.ask_child_mail(turn, above)
        elif isinstance(above, BookingScreen) and self.ports.interviews is not None:
            await booking.show_again(turn, self.ports.interviews, above, self.clock(),
                                     state.language or self.default_language)
        elif state.flow is None:
            menu.show(turn)
        elif (way_out := self._flow(state).exit_for(state.answers)) is not None:
            await self._exit(turn, way_out)
        elif state.cursor == SUMMARY:
            self._show_summary(turn)
        else:
            self._ask_step(turn)

    def _ask_step(self, turn: Turn) -> None:
        flow, state = self._flow(turn.state), turn.state
        step_id, item, sub = cursor.split(state.cursor)
        step = flow.step(step_id)
        header = progress_mark(flow, state.answers, step_id, item, sub)
        nav = [button("nav-back", Back())]
        if self.specialists:
            nav.append(button("nav-specialist", Specialist()))
        if isinstance(step, GroupStep):
            items: list[dict[str, Any]] = state.answers.setdefault(step.id, [])
            if sub == MORE:
                entered = len(cursor.complete(step, items))
                turn.say(
                    header,
                    Text(step.more_prompt, {"count": entered}),
                    choices=[
                        [button("group-more-yes", More())] if entered < step.max_items
                        else [],
                        [button("group-more-no", Done())],
                        [button("group-remove", Remove())] if entered > 1 else [],
                        nav,
                    ],
                )
                return
            if sub == REMOVE:
                turn.say(header, Text("group-remove-which"), choices=[
                    *([button("group-remove-child", RemoveItem(i), **_named(items[i]))]
                      for i in cursor.complete(step, items)),
                    nav])
                return
            current = items[item] if item < len(items) else {}
            sub_step = next(s for s in step.steps if s.id == sub)
            self._ask_simple(turn, header, sub_step, current, {"n": item + 1}, nav)
        elif isinstance(step, FilesStep):
            files = state.answers.get(step.id, [])
            parts = [header, Text(step.prompt), Text("files-limits")]
            if files:
                parts.append(Text("files-received", {"count": len(files)}))
            elif not step.required:  # only while Skip is there: once a file came, it is Done
                parts.append(Text("files-skip-hint"))
            done = "files-done" if files or step.required else "files-none"
            turn.say(
                *parts,
                choices=[[button(done, Done())] if files or not step.required else [], nav],
            )
        else:
            self._ask_simple(turn, header, step, state.answers, {}, nav)

    def _ask_simple(
        self,
        turn: Turn,
        header: Text,
        step: TextStep | ChoiceStep,
        holder: Mapping[str, Any],
        args: Mapping[str, Any],
        nav: list[Choice],
    ) -> None:
        parts = [header, Text(step.prompt, args)]
        rows: list[list[Choice]] = []
        if isinstance(step, ChoiceStep):
            options = step.options_for(self._context(turn, holder))
            rows = _columns([button(o.label.key, ChooseOption(o.code), **o.label.args)
                             for o in options], step.columns)
        else:
            suggestions = step.suggest(self._context(turn, holder)) if step.suggest else ()
            rows += [[button(sg.label.key, UseSuggestion(i), **sg.label.args)]
                     for i, sg in enumerate(suggestions)]
        # Keep only what is there: a skipped answer has Skip, and no "current answer" to show
        if isinstance(step, TextStep) and holder.get(step.id) is not None:
            parts.append(Text("step-current", {"value": _plain(holder[step.id])}))
            rows.append([button("nav-keep", Keep())])
        if isinstance(step, TextStep) and step.skippable:
            rows.append([button("nav-skip", Skip())])
        rows.append(nav)
        turn.say(*parts, choices=rows,
                 contact=isinstance(step, TextStep) and step.accepts_contact)

    async def _flow_choice(self, turn: Turn, action: Action) -> None:
        state, flow = turn.state, self._flow(turn.state)
        if isinstance(action, Back):
            cursor.back(turn, flow)
        elif isinstance(action, Submit) and state.cursor == SUMMARY:
            await self._submit(turn, flow)
            return
        elif isinstance(action, Edit) and state.cursor == SUMMARY:
            section = _shown_section(flow, state.answers, action.section)
            if section is None:  # no such section on this summary
                await self._stale(turn)
                return
            state.editing = section.id
            state.cursor = section.steps[0]
            if isinstance(flow.step(section.steps[0]), GroupStep):
                # Walk the children already entered (each answer offers "Keep"), then "another?".
                state.cursor = cursor.group_cursor(flow.step(section.steps[0]), 0)
        elif isinstance(action, _OUTSIDE_A_FORM):
            # a notice's button: not now, and where to find it
            turn.say(self._form_words(state, "flow-busy"))
        elif state.cursor != SUMMARY:
            await self._step_choice(turn, flow, action)
            return
        await self._ask_current(turn)

    async def _step_choice(self, turn: Turn, flow: Flow, action: Action) -> None:
        state = turn.state
        step_id, item, sub = cursor.split(state.cursor)
        step = flow.step(step_id)
        if isinstance(step, GroupStep):
            items = state.answers.setdefault(step.id, [])
            if sub == MORE:
                begun = cursor.begun(step, items)
                if isinstance(action, More) and begun is not None:
                    state.cursor = cursor.group_cursor(step, begun)
                elif isinstance(action, More) and len(items) < step.max_items:
                    state.cursor = cursor.group_cursor(step, len(items))
                elif isinstance(action, Remove) and len(cursor.complete(step, items)) > 1:
                    state.cursor = f"{step.id}/{item}/{REMOVE}"
                elif isinstance(action, Done):
                    items[:] = [item for item in items if cursor.is_complete(step, item)]
                    cursor.advance(turn.state, flow, step.id)
                await self._ask_current(turn)
                return
            if sub == REMOVE:
                if isinstance(action, RemoveItem):
                    cursor.remove(turn, step, action.index)
                await self._ask_current(turn)
                return
            while len(items) <= item:
                items.append({})
            sub_step = next(s for s in step.steps if s.id == sub)
            if await self._simple_choice(turn, sub_step, items[item], action):
                cursor.advance_in_group(turn, step, item, sub)
        elif isinstance(step, FilesStep):
            if isinstance(action, Done) and (state.answers.get(step.id) or not step.required):
                state.answers.setdefault(step.id, [])
                cursor.advance(turn.state, flow, step.id)
        elif await self._simple_choice(turn, step, state.answers, action):
            if step is CONSENT_STEP:
                self._record_consent(turn, state.answers)
            cursor.advance(turn.state, flow, step.id)
        await self._ask_current(turn)

    def _record_consent(self, turn: Turn, answers: dict[str, Any]) -> None:
        """Consent is kept as the person read it: the words in their language, the words'
        version and the moment; it reaches storage with the answers, on submission."""
        if self.render is not None:
            language = turn.state.language or self.default_language
            answers[CONSENT_RECORD] = consent_record(self.render, language, self.clock())

    async def _simple_choice(
        self, turn: Turn, step: TextStep | ChoiceStep, holder: dict[str, Any], action: Action
    ) -> bool:
        """Apply a button to a simple step; True when the step is answered."""
        if isinstance(action, Keep) and step.id in holder:
            kept = holder[step.id]
            # checked again as if typed: what it was checked against (the period's start,
            # today) may have changed since
            if isinstance(step, TextStep) and isinstance(kept, str):
                return self._parse_into(turn, step, holder, kept)
            return True
        if isinstance(action, Skip) and isinstance(step, TextStep) and step.skippable:
            holder[step.id] = None
            return True
        if isinstance(step, TextStep) and step.suggest and isinstance(action, UseSuggestion):
            suggestions = step.suggest(self._context(turn, holder))
            return action.index < len(suggestions) and self._parse_into(
                turn, step, holder, suggestions[action.index].text)
        if isinstance(step, ChoiceStep) and isinstance(action, ChooseOption):
            code = action.code
            codes = {o.code for o in step.options_for(self._context(turn, holder))}
            if code not in codes:
                return False
            if code in step.refusals:
                turn.say(Text(step.refusals[code]))
                return False
            holder[step.id] = code
            return True
        return False

    def _parse_into(self, turn: Turn, step: TextStep, holder: dict[str, Any], raw: str) -> bool:
        """Parse an answer into its place; on bad input explain what is wrong."""
        try:
            holder[step.id] = step.parse(raw, self._context(turn, holder))
        except Invalid as error:
            turn.say(Text(error.key, error.args))
            return False
        return True

    async def _flow_input(self, turn: Turn) -> None:
        """Typed text, a contact, a file or a sticker while a question is open."""
        state, flow, event = turn.state, self._flow(turn.state), turn.event
        if event.kind is EventKind.TEXT and _says_back(event.text):
            await self._flow_choice(turn, Back())  # not a surname "Артқа"
            return
        if state.cursor == SUMMARY:
            turn.say(Text("hint-use-buttons"))
            await self._ask_current(turn)
            return
        step_id, item, sub = cursor.split(state.cursor)
        step = flow.step(step_id)
        if isinstance(step, FilesStep):
            await self._file_input(turn, flow, step)
            return
        holder: dict[str, Any] = state.answers
        simple: Step = step
        if isinstance(step, GroupStep):
            if sub in GROUP_SCREENS:
                turn.say(Text("hint-use-buttons"))
                await self._ask_current(turn)
                return
            items = state.answers.setdefault(step.id, [])
            while len(items) <= item:
                items.append({})
            holder = items[item]
            simple = next(s for s in step.steps if s.id == sub)
        if isinstance(simple, ChoiceStep):
            turn.say(Text("hint-use-buttons"))
        elif isinstance(simple, TextStep):
            raw = _typed(event, simple)
            if raw is None:
                turn.say(Text("error-text-expected"))
            elif self._parse_into(turn, simple, holder, raw):
                if simple.accepts_contact:  # the messenger vouches for a shared own number
                    holder[f"{simple.id}_verified"] = event.kind is EventKind.CONTACT
                if isinstance(step, GroupStep):
                    cursor.advance_in_group(turn, step, item, sub)
                else:
                    cursor.advance(turn.state, flow, step.id)
        await self._ask_current(turn)

    async def _file_input(self, turn: Turn, flow: Flow, step: FilesStep) -> None:
        state, incoming = turn.state, turn.event.file
        if turn.event.kind is not EventKind.FILE or incoming is None:
            turn.say(Text("error-file-expected"))
            await self._ask_current(turn)
            return
        error = await self._store_file(turn, step, incoming)
        if error is not None:
            turn.say(error)
            await self._ask_current(turn)
            return
        count = len(state.answers[step.id])
        if turn.event.text.strip():  # a form keeps files; the words under one would be lost
            turn.say(Text("files-caption-not-kept"))
        turn.say(
            Text("files-accepted", {"count": count}),
            choices=[[button("files-done", Done())], [button("nav-back", Back())]],
        )

    async def _store_file(self, turn: Turn, step: FilesStep, incoming: IncomingFile) -> Text | None:
        flow = self._flow(turn.state)
        sent = {f["sha256"] for other in flow.steps if isinstance(other, FilesStep)
                for f in turn.state.answers.get(other.id, [])}
        accepted = await accept_file(self.ports.files, incoming, sent)
        if isinstance(accepted, Text):
            return accepted
        turn.state.answers.setdefault(step.id, []).append(
            {"sha256": accepted.sha256, "mime": accepted.mime, "size": accepted.size,
             "name": incoming.name or ""}
        )
        return None

    # ------------------------------------------------------------------ summary & submit
    def _show_summary(self, turn: Turn) -> None:
        flow, answers = self._flow(turn.state), turn.state.answers
        lines = flow.summary_lines(answers)
        rows = [[button("summary-edit", Edit(s.id), section=Text(s.label))]
                for s in flow.shown_sections(answers)]
        rows.insert(0, [button(flow.submit_label, Submit())])
        rows.append([button("nav-back", Back())])
        turn.say(Text(flow.summary_title), *lines, choices=rows)

    async def _submit(self, turn: Turn, flow: Flow) -> None:
        state, event = turn.state, turn.event
        assert state.draft_key is not None
        answers = flow.cleaned(state.answers)
        if (outdated := self._outdated(turn, flow, answers)) is not None:
            where, why = outdated  # a draft kept for days: its start may have passed
            turn.say(why)
            step_id = cursor.split(where)[0]
            state.editing = next(s.id for s in flow.sections if step_id in s.steps)
            state.cursor = where
            await self._ask_current(turn)
            return
        if answers.get(CONSENT_STEP.id) == "yes" and CONSENT_RECORD not in answers:
            self._record_consent(turn, answers)  # a draft consented to before records were kept
        result = await self.ports.applications.submit(
            event.channel, event.user_id, flow.service, answers, state.draft_key, self.clock(),
        )
        self._leave_flow(state)
        turn.notice = Text("submitted-notice", {"number": result.number})
        turn.say(
            Text(
                SERVICES[flow.service].submitted_message,
                {
                    "number": result.number,
                    "registered": result.registered_on,
                    "check": result.check_due,
                    "decision": result.decision_due,
                },
            )
        )
        menu.show(turn)


    def _outdated(self, turn: Turn, flow: Flow,
                  answers: Mapping[str, Any]) -> tuple[str, Text] | None:
        """Where the first typed answer is that would be refused if typed now (a cursor),
        and why: each was checked when given, against the day it was given (a child who
        came of age while the draft waited, a start that has passed)."""
        def refused(step: Step, holder: Mapping[str, Any], item: Mapping[str, Any]) -> \
                Text | None:
            value = holder.get(step.id)
            if isinstance(step, TextStep) and isinstance(value, str):
                try:
                    step.parse(value, Context(turn.today, answers, item))
                except Invalid as error:
                    return Text(error.key, error.args)
            return None

        for step in flow.steps:
            if isinstance(step, GroupStep):
                for i, entry in enumerate(answers.get(step.id) or ()):
                    for part in step.steps:
                        if (why := refused(part, entry, entry)) is not None:
                            return f"{step.id}/{i}/{part.id}", why
            elif (why := refused(step, answers, {})) is not None:
                return step.id, why
        return None


# ---------------------------------------------------------------------- helpers
MAX_ADDITION = 4000  # an objection or an addition, as a complaint's own text


def _still_open_to(waiting: object, view: ApplicationView) -> bool:
    """An objection counts until the decision after the hearing; an addition to a complaint
    while the complaint is still open."""
    if isinstance(waiting, Objecting):
        return view.status == "hearing_scheduled"
    return bool(SERVICES[view.service].actions_from(view.status))


def _named(item: dict[str, Any]) -> dict[str, Any]:
    """A child in a list to pick from: name and date of birth (siblings may share a name)."""
    return {"name": full_name(item), "birth": date.fromisoformat(item["birth_date"])}


def _position(state: ConversationState) -> tuple[Any, ...]:
    return (state.language, state.flow, state.cursor, state.pending, state.editing,
            state.invite)


def _bind(message: OutgoingMessage, seq: int) -> OutgoingMessage:
    rows = tuple(tuple(replace(c, payload=Tap.bind(seq, c.payload)) for c in row)
                 for row in message.choices)
    return replace(message, choices=rows)


def _shown_section(flow: Flow, answers: Mapping[str, Any], section_id: str) -> Section | None:
    return next((s for s in flow.shown_sections(answers) if s.id == section_id), None)


def _columns(buttons: list[Choice], columns: int) -> list[list[Choice]]:
    return [buttons[i : i + columns] for i in range(0, len(buttons), columns)]


# The Back button's label typed instead of pressed (kk, ru, en; артқа on a Russian keyboard):
# never an answer, and a person who types it means it.
_BACK_WORDS = frozenset({"артқа", "артка", "назад", "back"})


def _says_back(text: str) -> bool:
    return text.lower().strip(" ◀←<.!").strip() in _BACK_WORDS


def _typed(event: IncomingEvent, step: TextStep) -> str | None:
    if event.kind is EventKind.TEXT:
        return event.text
    if event.kind in (EventKind.CONTACT, EventKind.CARD) and step.accepts_contact:
        return event.text  # a card is no answer to any other question
    return None


def _plain(value: Any) -> str:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d.%m.%Y") if len(value) == 10 else value
        except ValueError:
            return value
    return str(value)

