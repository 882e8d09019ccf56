## A child abroad without a messenger: the child joins by e-mail (issue 16)

# To the parent, after the time is booked
booking-ask-child-channel =
    How will the child join the conversation?
    📱 By messenger (Telegram or WhatsApp): forward the invitation above to the child.
    ✉️ By e-mail: if the child has no messenger, the bot sends the invitation to the child's e-mail address.
booking-child-by-messenger = 📱 Messenger: I forward the code myself
booking-child-by-messenger-short = 📱 Messenger
booking-child-by-mail = ✉️ By e-mail
booking-child-by-mail-short = ✉️ E-mail
booking-child-messenger-done = Good. Forward the invitation from the message above to the child: it works once and only for this conversation.
booking-ask-child-mail =
    Type the child's e-mail address (for example, arman.s@gmail.com).
    The bot sends the child the invitation there, with the time and a calendar file. The child writes to the specialist by replying to the mails.
booking-child-mail-sent = ✉️ The invitation to the conversation has been sent to the child's e-mail: {$address}. The reminders go there too. The child writes to the specialist by replying to the mail.
booking-child-mail-moved = ✉️ The new time has been sent to the child's e-mail: {$address}.
booking-child-moved = The child has been sent the new time in the messenger.

# A wrong address: the reason, then the same question
error-email-spaces = An e-mail address has no spaces. Please type it again, for example: arman.s@gmail.com
error-email-no-at = An e-mail address has the sign @ in it, for example: arman.s@gmail.com. Please type it again.
error-email-domain = After the @ comes the mail service's name with a dot, for example gmail.com or mail.ru. Please check the address and type it again.
error-email-too-long = This address is too long: an e-mail address has at most {$max} characters. Please check it.
error-email-format = This does not look like an e-mail address. Please check it: before the @ come Latin letters, digits and the signs . _ -, for example arman.s@gmail.com.

# To the child, by e-mail: plain, short, friendly (the voice of child-intro)
child-mail-invite =
    Hi, {$name}! 👋
    A specialist of the guardianship and trusteeship body in Kazakhstan ({$body}) would like to talk with you.
    A decision about your life will be made soon, and your opinion matters a lot. That is why the specialist wants to hear what YOU think.
    {$about}
    When: {$slot}, that is {$astana}.
    How: by e-mail. At that time the specialist writes to you, and you answer the mail. Your mum, dad or another legal representative of yours (a guardian, for example) takes part too, as the law requires.
    There are no right or wrong answers. You can say what you really think, and you can ask questions.
    The calendar file with the time is attached.
child-mail-moved =
    Hi, {$name}! 👋
    The time of our conversation has changed. The new time: {$slot}, that is {$astana}.
    The new calendar file is attached.
# To a child who joined in the messenger
child-time-moved = 🗓 Hi! The time of our conversation has changed. The new time: {$slot}. I will remind you the day before and one hour before.
