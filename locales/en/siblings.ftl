## The child's opinion: brothers and sisters in one application, each child with their own conversation

section-interview-children = Child (children)
interview-ask-children-surname = Child {$n}: surname
interview-ask-children-first-name = Child {$n}: first name
interview-ask-children-patronymic = Child {$n}: patronymic (if any; otherwise tap "Skip")
interview-ask-children-birth-date = Child {$n}: date of birth (DD.MM.YYYY)
interview-ask-more-children = Children added: {$count}. Should the same decision take into account the opinion of another child (a brother or sister)? The specialist talks with each child separately.
error-sibling-under-ten = The guardianship body hears the opinion of a child aged {$min} or more, and this child will not yet be {$min} by the time of the conversation. If the date was mistyped, please type it again. To leave this child out of the application, tap "Back" until the bot asks whether there is another child: the other children stay in the application.

## The time of the conversation, for each child

booking-ask-child = Application {$number}: the specialist talks with each child separately, so a time is chosen for each child. Choose the child:
booking-child = {$child} — {$slot}
booking-child-unbooked = {$child} — no time chosen
booking-ask-day-child = Application {$number}: choose the day of the conversation with {$child}.
booking-current-child = The conversation with {$child}: {$slot}
booking-ask-time-child = The conversation with {$child}: choose the time.
booking-confirmed-child =
    The conversation with {$child} is booked: {$slot}.
    The calendar file is attached. You can change or cancel the time in My applications → {$number}.
booking-remind-parent-child = ⏰ Application {$number}: no time has been chosen yet for the conversation with {$child}. It must take place by {$term}. Please choose a time:
reminder-parent-child = ⏰ Reminder: the conversation with {$child} on application {$number} is in {$hours ->
    [one] 1 hour
   *[other] {$hours} hours
} — {$slot}.
notify-child-confirmed-child = Application {$number}: {$child} has confirmed the time of the conversation.
notify-child-another-time-child = Application {$number}: {$child} asks for another time. Please choose a new one in My applications → {$number}.
notify-interview-decision-children =
    DECISION — application {$number}
    {$body}, having heard the children ({$children}), decided:
    {$decision}

## Staff: the conversation with each child

staff-interview-booked-child = 🗓 Application {$number}: the conversation with {$child} is booked for {$slot}.
reminder-staff-child = ⏰ Application {$number}: the conversation with {$child} is in {$hours ->
    [one] 1 hour
   *[other] {$hours} hours
} — {$slot}.
staff-interview-unbooked-child = ⚠️ Application {$number}: the applicant has not yet chosen a time for the conversation with {$child}, and its last day is {$term}. Please contact the applicant.
staff-digest-interview-unbooked-child = ⚠️ {$number}: no time chosen for the conversation with {$child}; its last day is {$term}.
staff-action-session-child = ▶ Start the conversation: {$child}
staff-session-started-child = The conversation with {$child} on application {$number} has started. First confirm that the parent or legal representative is present; then write in this topic: your messages reach the child and the parent, and theirs appear here.
staff-session-ended-child = The conversation with {$child} on application {$number} has ended; the transcript above is this conversation's record. When every child has been heard, record the decision with the button on the card.
staff-session-not-booked-child = No time is booked yet for the conversation with {$child} on application {$number}.
