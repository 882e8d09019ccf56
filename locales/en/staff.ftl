## The staff side (the staff group) and the citizen's notifications of status changes

## The card of an application in the citizen's topic

staff-card-title = 📄 Application {$number}
    Status: {$status}
staff-card-dates =
    Registered: {$registered}
    {$terms}
staff-card-hearing =
    Hearing: {$date} at {$time}, {$place}
staff-document-objection = Objection attached — {$number}

staff-action-accept = ✅ Accept: documents complete
staff-action-incomplete = 📋 Refuse to accept: incomplete
staff-action-hearing = ⚖️ Preliminary refusal and hearing
staff-action-approve = 🟢 Approve
staff-action-refuse = 🔴 Final refusal

## Asking staff for details (reply to the bot's message)

staff-ask-missing-comment = Application {$number}: reply to this message with what else is missing.
staff-ask-hearing = Application {$number}: reply to this message with the hearing as "date time; place; details of the grounds". Example: 27.11.2026 15:00; Rudny, Lenin street 1, room 5; the child's psychologist advises against meetings now
staff-ask-approve = Application {$number}: approve for the requested period, {$from} – {$to}?
staff-approve-as-asked = Approve for {$from} – {$to}
staff-approve-other = Another period
staff-ask-period = Application {$number}: reply to this message with the period as "DD.MM.YYYY DD.MM.YYYY".
staff-ask-reasons = Application {$number}: reply to this message with the reasons for the refusal.
staff-error-hearing-format = Could not read that. Please reply as "date time; place; details of the grounds", e.g. 27.11.2026 15:00; Rudny, Lenin street 1, room 5; details.
staff-error-period-format = Could not read that. Please reply with two dates: 01.12.2026 31.12.2026 (the second after the first).
staff-error-empty = The answer is empty; please reply with the text.
staff-error-wrong-status = Application {$number} is "{$status}" now, so this step is not allowed.
staff-error-not-found = This application was not found.
staff-not-allowed = Only the staff of the guardianship body can do this.

## What happened, told in the topic

staff-done = {$who}: {$action} — application {$number}, now "{$status}".
staff-citizen-opened = The citizen asked to talk to a specialist. Reply in this topic: your messages reach them, labelled as from a specialist.
staff-delivery-undeliverable = ⚠️ The last message could not be delivered: the citizen has blocked the bot.
staff-delivery-undeliverable-email = ⚠️ The mail to the child's address { $address } was refused: the address does not exist or does not accept mail. The parent has been told and asked to check the address or choose another channel (Telegram or WhatsApp).
staff-mail-from-another-address = ✉️ A mail for the conversation with the child ({ $child }) came from { $address }, but the invitation went to { $invited }. It was not passed on, and the sender was not answered: anyone can write from another address. If the child now writes from that address, ask the parent to give it for the child in the bot.
staff-delivery-failed = ⚠️ The last message could not be delivered after several attempts.
staff-delivery-uncertain = ⚠️ The bot restarted while sending a message to this citizen; it may not have arrived. Please check and repeat it if needed.
staff-digest-title = Due today or overdue ({$date}):
staff-digest-line = {$number} — {$status}, due {$due}
staff-digest-empty = Nothing is due today ({$date}).
# The whole digest: its lines (the ones above and below), one per line.
staff-digest = {$lines}

## The citizen's side

staff-reply = 💬 Specialist: {$text}
specialist-open = You are writing to a specialist of the guardianship body. Send your question, photos or files here. Your application, if you were filling one in, is kept.
specialist-after-hours = Specialists work Mon–Fri 9:00–18:30 (lunch 13:00–14:30, Astana time). Yours will answer from {$when}.
specialist-sent = Sent to the specialist. They will answer here.
specialist-back = ◀ Back to the bot
specialist-not-available = Talking to a specialist is not available in the bot yet. Please call 1414 or 8 800 080 7777.
nav-specialist = 💬 Specialist

## Notifications of status changes (seed 004)

notify-under-review =
    Application {$number}: the documents are complete and have been accepted.
    The decision will be made by {$decision}.
notify-list-item = • {$item}
notify-incomplete =
    RECEIPT of refusal to accept documents
    Application {$number} ("{$service}"): the documents cannot be accepted because the set is incomplete or documents have expired:
    {$missing}
    You may apply again with the full set of documents.
notify-hearing =
    PRELIMINARY DECISION to refuse — application {$number}
    Grounds:
    {$grounds}
    NOTICE of hearing (art. 73 of the Administrative Procedural Code): {$date} at {$time}, {$place}.
    You may state your position at the hearing, or send your objections here: My applications → {$number} → Send objections.
    The final answer will be sent by {$final}.
notify-approved =
    PERMISSION to meet the child — application {$number}
    {$body} permits meetings with the child (children) from {$from} to {$to}:
    {$children}
    Where the child lives: {$residence}.
notify-refused =
    REASONED REFUSAL — application {$number}
    Grounds and reasons:
    {$reasons}
    How to complain: to the head of the guardianship body (decided within {$head_days} working days) or to the body that assesses the quality of public services (within {$review_days} working days). After that you may go to court.

## Objections (after a preliminary refusal)

apps-send-objection = ✍️ Send objections
objection-ask = Write your objections to the preliminary decision, or send a photo or a file. They will be attached to application {$number}.
objection-saved = Your objection is attached to application {$number} and passed to the specialist.

## Missing documents a receipt may list

document-application = application in the established form
document-identity = identity document
document-court-decision = copy of the court decision
staff-delivery-window = ⚠️ Not delivered: more than 24 hours have passed since this citizen last wrote on WhatsApp. It can be delivered once they write again.
staff-citizen-says = Citizen: {$text}
staff-citizen-file = Citizen sent a file.

## The child's opinion: staff side and the parent's notices

staff-action-decide = 📝 Record the decision
staff-ask-decision = Application {$number}: reply to this message with the decision on taking the child's opinion into account.
notify-interview-accepted =
    Application {$number}: the documents are complete and have been accepted.
    Now choose a time for the conversation with the child (by {$term}): My applications → {$number} → Choose a time.
notify-interview-decision =
    DECISION — application {$number}
    {$body}, having heard {$child}, decided:
    {$decision}
staff-interview-booked = 🗓 Application {$number}: the conversation with the child is booked for {$slot}.
reminder-staff = ⏰ Application {$number}: the conversation with the child is in {$hours ->
    [one] 1 hour
   *[other] {$hours} hours
} — {$slot}.
staff-interview-no-slots = ⚠️ Application {$number}: the parent found no free time within the term. Please open times with /open or contact them.
staff-slots-done = Done: {$kind} {$body}, {$from} – {$to}.
staff-slots-help = Open or close times for conversations: /open <body> DD.MM.YYYY HH:MM-HH:MM or /close <body> DD.MM.YYYY HH:MM-HH:MM (e.g. /close kst-rudny 25.11.2026 14:30-16:00).
staff-slots-unknown-body = Unknown body code. Codes: {$codes}

## The conversation with the child in the messenger

staff-action-session = ▶ Start the conversation with the child
staff-session-present = ✅ The representative is present
staff-session-video = 🎥 Send a video-call link
staff-session-end = ⏹ End the conversation
staff-session-started = The conversation on application {$number} has started. First confirm that the parent or legal representative is present; then write in this topic: your messages reach the child and the parent, and theirs appear here.
staff-session-present-confirmed = The representative's presence is confirmed. You can talk with the child now.
staff-session-confirm-first = First confirm that the representative is present (the button above); until then your messages are not passed on.
staff-session-not-booked = No conversation time is booked for application {$number} yet.
staff-session-already-open = The conversation on application {$number} is already going on.
staff-video-not-configured = Video rooms are not set up (INTERVIEW_VIDEO_BASE), or no conversation is going on.
staff-video-sent = The video-call link was sent to the child and the parent: {$link}
staff-session-ended = The conversation on application {$number} has ended; the transcript above is the interview record. Now record the decision with the button on the card.
staff-digest-expired = ⌛ Since the previous working day, { $count ->
    [one] {$count} message was not sent in time and expired
   *[other] {$count} messages were not sent in time and expired
} (for example, a reminder after the conversation had begun); they were not sent.
staff-digest-uncertain = ⚠️ Since the previous working day, { $count ->
    [one] {$count} message was
   *[other] {$count} messages were
} being sent when the bot restarted and may not have arrived. Check the citizens' topics.
staff-delivery-repeat = 🔁 Repeat: the bot restarted while sending this message; it may not have arrived.
staff-guard-preliminary-late = ⛔ For application {$number} the preliminary decision to refuse had to go out by {$last}, 3 working days before the term ends ({$end}; p. 9 of the Rules). A refusal within the term is no longer possible: issue the permission or ask the head of the body.
staff-guard-hearing-date = ⛔ The hearing comes after the notice and no later than {$latest}, so that the final answer (1 working day after it) falls within the term ending {$end}. Give a date after {$after} and no later than {$latest}.
staff-digest-preliminary-last-day = ⏳ {$number}: tomorrow, {$last}, is the last day to send a preliminary decision to refuse with a notice of the hearing (p. 9 of the Rules).
staff-error-period-over = This period is already over: a permission for it would allow nothing. Give a period that has not ended yet, for example: 01.12.2026 31.12.2026.
staff-error-hearing-closed = ⛔ The body does not receive at that time: a hearing is set on a working day, from {$open} to {$close}, outside the break from {$lunch} to {$after}. Reply again in the same format.
staff-error-text-no-words = The answer has no words, and it goes into the document. Please write it in words.
staff-guard-refuse-before-hearing = ⛔ The reasoned refusal on application No. {$number} is taken after the applicant is heard ({$date} {$time}; Rules, p. 9; APC art. 73–74). Until that day, only a permission may be issued.
staff-guard-decide-before-conversation = ⛔ The decision on application No. {$number} is taken on the conversation with each child. Hold and end the conversation first (if the child did not come, start and end it: the record will say so).
staff-request-answered = ⚠️ This question was already answered; nothing was sent to the citizen. Reply to the bot's latest question in this topic.
staff-command-not-relayed = ⚠️ The command was not sent to the citizen: only plain text, photos and files in a topic go to them.
staff-anonymous-not-relayed = ⚠️ A message sent as the group (an anonymous admin) was not sent to the citizen: every word to a citizen must come from a named specialist. Turn off “Remain anonymous” in the admin rights and send it again.
