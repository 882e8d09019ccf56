## How the child abroad joins the booked conversation, switched later (issue 16)

# "My applications" → the application, or the notice that a mail to the child bounced
booking-child-way = 👤 How the child joins
booking-child-way-short = 👤 Child's channel
booking-child-way-child = 👤 How {$child} joins
booking-child-way-whose = 👤 {$child}
booking-child-way-mail =
    The child joins the conversation by e-mail: {$address}. The invitation and the reminders go to this address, and the child writes to the specialist by replying to them.
    If the mail does not reach the child, choose the messenger or another address.
booking-child-way-messenger =
    The child joins the conversation by messenger, with the invitation below. The child has not opened it yet.
    If the child has no messenger, choose e-mail.
booking-child-way-joined =
    The child has joined the conversation in the messenger.
    If the child will write by e-mail instead, choose e-mail.
booking-child-to-messenger = 📱 Messenger instead: I forward the code
booking-child-to-messenger-short = 📱 Messenger
booking-child-to-mail = ✉️ By e-mail instead
booking-child-to-mail-short = ✉️ E-mail
booking-child-to-other-mail = ✉️ Another e-mail address
booking-child-to-other-mail-short = ✉️ Another address
booking-child-now-messenger = 📱 Now the child joins by messenger. Nothing more goes to {$address}: the invitation sent there no longer works, and the reminders will not go there either.
booking-child-messenger-invite = 📱 The child joins by messenger.
booking-child-in-messenger = The child has already joined the conversation in the messenger.
