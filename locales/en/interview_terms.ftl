## The child's opinion: the conversation in person or by video call, what the decision is about, a reminder to book

interview-ask-meeting = How will the conversation with the child take place? A child who lives in Kazakhstan may come with you to the guardianship and trusteeship body in person, or talk with the specialist by video call.
meeting-in-person = In person
meeting-video = By video call
summary-lives-kz-in-person = In Kazakhstan; the conversation in person at the guardianship and trusteeship body
summary-lives-kz-video = In Kazakhstan; the conversation by video call
interview-place =
    🏢 Place: {$body}, {$address}, room {$room}.
    The child comes with a parent or another legal representative.
interview-place-room-later =
    🏢 Place: {$body}, {$address}. The specialist will tell you the room number.
    The child comes with a parent or another legal representative.
staff-interview-in-person = 🏢 In person at the body, room {$room}.
staff-interview-in-person-no-room = 🏢 In person at the body. The room of {$body} is not in the directory (flows/data/bodies.json): please tell it to the applicant.

## What the decision is about, for the child (plain words)

child-about-residence = The decision is about where and with whom you will live.
child-about-name = The decision is about whether your first name or surname will be changed.
child-about-adoption = The decision is about adoption. Adoption means that, by a court's decision, a family takes a child in as their own, with the same rights as the children born into that family. The specialist will ask whether you agree.
child-about-guardianship = The decision is about guardianship (trusteeship). This means that the guardianship and trusteeship body appoints an adult, a guardian or trustee, who looks after the child, brings them up and protects their rights instead of the parents. The specialist will ask whether you agree.
child-about-other = The decision is about another question in your life: the specialist will explain which one at the start of the conversation.

## No time booked yet

booking-remind-parent = ⏰ Application {$number}: no time has been chosen yet for the conversation with the child. It must take place by {$term}. Please choose a time:
staff-interview-unbooked = ⚠️ Application {$number}: the applicant has not yet chosen a time for the conversation with the child, and its last day is {$term}. Please contact the applicant.
staff-digest-interview-unbooked = ⚠️ {$number}: no time chosen for the conversation with the child; its last day is {$term}.
