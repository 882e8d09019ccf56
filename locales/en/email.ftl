## E-mail: the conversation with the child by mail (issue 16)

email-subject = Conversation with a specialist of the guardianship and trusteeship body
email-subject-with-code = Conversation with a specialist of the guardianship and trusteeship body (code: { $code })
# At the end of every mail, after a "-- " line: to the child
email-footer = To write to the specialist, reply to this mail. Write in the text of the mail: attached files are not passed on to the specialist.
# To staff: the files of the child's mail were not passed on
email-attachments-dropped = 📎 Files attached to the mail were not passed on: { $names }
# To the parent (the applicant who gave the child's address): the mail did not reach it
email-bounced = ⚠️ The mail to { $address } was not delivered: the address does not exist or does not accept mail. Please check the address or choose another channel: Telegram or WhatsApp.
# One answer to a mail that came while the conversation is not open (not yet, or over): to the child
email-reply-not-open = Thank you for your mail! The conversation with the specialist is not open right now, so this mail was not passed on. If the conversation is still ahead, write at the time given in the invitation. If it has already ended, mails are no longer passed on to the specialist.
# To the child, by mail: not "write here" but "reply to this mail" (instead of session-started, session-ended-child)
email-session-started = 💬 The conversation has started. To write, just reply to this mail. The specialist and your parent see your answers, and their messages come to you as mails.
email-session-ended-child = Thank you for talking with us! 🙂 If you want to add something, reply to this mail within the next hour.
# The child's mail holds no words of their own (only the quoted earlier mail, or it could not be read): to the child
email-empty = Your mail arrived empty: there was no text of yours in it, so there was nothing to pass on to the specialist. Please write your answer in the text of the mail and send it again.

# The transcript marks what the child wrote by e-mail (issue 16).
session-via-email = (by e-mail)
paper-via-email = (by e-mail)
