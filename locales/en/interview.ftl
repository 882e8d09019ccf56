## Service 2: the decision on taking into account the opinion of a child aged 10 or more

interview-intro =
    The child's opinion — a decision of the guardianship body on taking into account the opinion of a child aged 10 or more.
    Free of charge. After the documents are checked, a specialist talks with the child within 4 working days, with a parent or legal representative present. A child who lives or studies abroad talks with the specialist here, in the messenger; a child who lives in Kazakhstan may come to the conversation in person or talk by video call.
    Have ready: your identity document and the child's date of birth.
interview-ask-role = Who are you to the child?
role-parent = Parent
role-guardian = Guardian or trustee
role-representative = Other legal representative
interview-ask-child-surname = The child's surname:
interview-ask-child-first-name = The child's first name:
interview-ask-child-patronymic = The child's patronymic (if any; otherwise tap "Skip"):
interview-ask-child-birth-date = The child's date of birth (DD.MM.YYYY):
error-child-under-ten = The guardianship body hears the opinion of a child aged {$min} or more, and your child will not yet be {$min} by the time of the conversation. When the child turns {$min}, you are welcome to apply again; until then, a specialist can advise you at 1414.
interview-ask-subject = What is the decision about?
subject-residence = Where the child lives
subject-name = Name or surname
subject-adoption = Adoption
subject-guardianship = Guardianship
subject-other = Something else
interview-ask-subject-details = In a few words, what is the question? (For example: which parent the child will live with.)
interview-ask-lives = Where does the child live or study now?
lives-kz = In Kazakhstan
lives-abroad = Abroad
interview-ask-country = In which country?
interview-ask-city = In which city (for the time zone)?
summary-lives-abroad = Abroad: {$country}, {$city}
interview-ask-present = Who will be with the child during the conversation?
present-applicant = I will
present-other = Another legal representative
summary-subject = {$subject}: {$details}
section-role = Applicant's role
section-child = Child
section-subject = The question
section-lives = Where the child lives
section-present = Present at the conversation

## Choosing the time of the conversation (the parent)

booking-choose = 🗓 Choose a time for the conversation
booking-change = 🗓 Change the time
booking-cancel = ✖ Cancel the booking
booking-current = The conversation with the child: {$slot}
booking-ask-day = Application {$number}: choose the day of the conversation with the child.
booking-day = {$date} — free: {$count}
booking-ask-time = Choose the time:
booking-slot = {$slot}
slot-time = {$date}, {$time} (Astana)
slot-time-abroad = {$date}, {$time} Astana — {$child_time} {$city}
# When it is another day for the child (25.11 09:00 in Astana is 24.11 20:00 in Los Angeles): the child's date too
slot-time-abroad-day = {$date}, {$time} Astana — {$child_date}, {$child_time} {$city}
slot-time-child = {$date}, {$time} ({$city} time)
booking-confirmed =
    The conversation with the child is booked: {$slot}.
    The calendar file is attached. You can change or cancel the time in My applications → {$number}.
booking-cancelled = The booking is cancelled. You can choose another time in My applications.
booking-not-available = Choosing a time is not possible for this application now (the documents must be accepted first).
booking-slot-taken = Sorry, someone has just taken that time. Please choose another one.
booking-no-slots = Application {$number}: there is no free time left within the term. A specialist has been told and will contact you.
# The tapped time has passed or starts in less than an hour (nobody took it)
booking-slot-passed = A time can be booked no later than an hour before it starts, and this one has passed or starts in less than an hour. Please choose another one.
# The tapped time was closed by staff, or is not within the term
booking-slot-gone = That time can no longer be booked. Please choose another one.
# A time tapped after the term: there is no other, a specialist has been told
booking-term-ended = The term for the conversation with the child (4 working days after the documents were checked) has ended, so a time can no longer be chosen. A specialist has been told and will contact you.
staff-interview-term-ended = ⚠️ Application {$number}: the applicant tried to choose a time for the conversation with the child, but its term has ended (the last day was {$term}). Please contact the applicant.
invite-telegram =
    Forward this link to the child; it works once and only for this conversation:
    {$link}
invite-whatsapp = Ask the child to send this code to this WhatsApp number; it works once and only for this conversation: {$code}

## The child (aged 10+, perhaps abroad): plain, short, friendly

child-intro =
    Hi! 👋
    A specialist from the children's rights office in Kazakhstan would like to talk with you.
    They want to hear what YOU think, because a decision about your life is being made, and your opinion matters.
    {$about}
    Your mum, dad or another legal representative of yours (a guardian, for example) will be there too, as the law requires.
    There are no right or wrong answers. You can say what you really think, and you can ask questions.
    When: {$slot}.
    Is this time OK for you?
child-yes = 👍 Yes, I will be there
child-no = 🕐 Please, another time
child-confirmed = Great! See you then. I will remind you the day before and one hour before. 🙂
child-another-time = OK! I have told your parent that you need another time. They will choose a new one.
invite-unknown = This code does not work. Please check it with your parent.
invite-used = This invitation has already been used. If it was not you, tell your parent.
invite-expired = This invitation is no longer valid: the conversation is over or was moved. Ask your parent for a new one.
child-ask-who =
    Hi! 👋 This invitation is for a child called {$name}.
    Is that you?
child-its-me = ✅ Yes, I am {$name}
child-not-me = No, that is not me
child-not-me-done = OK, thank you! Then the invitation stays unused, for the child it was sent to.
invite-for-child = This invitation is for the child, not for you. Please forward it to the child: they will open it in their own messenger.

## Reminders

reminder-parent = ⏰ Reminder: the conversation with the child on application {$number} is in {$hours ->
    [one] 1 hour
   *[other] {$hours} hours
} — {$slot}.
reminder-child = ⏰ Hi! Our conversation is in {$hours ->
    [one] 1 hour
   *[other] {$hours} hours
} — {$slot}. See you soon!
notify-child-confirmed = Application {$number}: the child has confirmed the time of the conversation.
notify-child-another-time = Application {$number}: the child asks for another time. Please choose a new one in My applications → {$number}.

## The conversation in the messenger

session-started = 💬 The conversation has started. Write here: the specialist, the parent and the child see each other's messages.
session-says = {$role}: {$text}
session-role-specialist = 👩‍💼 Specialist
session-role-parent = 👤 Parent
session-role-child = 🧒 Child
session-ended = The conversation is over. Thank you! The decision will come here.
session-ended-child = Thank you for talking with us! 🙂 If you want to add something, just write it here within the next hour.
session-added = Thank you! I have passed it on to the specialist.
error-child-adult = This service is for children under {$max}. Please check the child's date of birth.

## A country not on the list

country-other = Another country
interview-ask-country-name = Write the country where the child lives or studies.
interview-ask-utc = What time is it for the child? Choose their time zone, the difference from UTC. For example: Astana is UTC+5, Germany in winter UTC+1, Mexico City UTC−6. If you do not know, look at the child's phone or ask them.
city-utc = UTC{ $offset }
error-country-name = Write the country's name in letters, for example: Mexico.
