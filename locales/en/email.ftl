## E-mail: the conversation with the child by mail (issue 16)

email-subject = Conversation with a specialist of the guardianship and trusteeship body
email-subject-with-code = Conversation with a specialist of the guardianship and trusteeship body (code: { $code })
# At the end of every mail, after a "-- " line: to the child
email-footer = To write to the specialist, reply to this mail. Write in the text of the mail: attached files are not passed on to the specialist.
# To staff: the files of the child's mail were not passed on
email-attachments-dropped = 📎 Files attached to the mail were not passed on: { $names }
# To the parent and staff: the mail did not reach the address
email-bounced = ⚠️ The mail to { $address } was not delivered: the address does not exist or does not accept mail. Please check the address or choose another channel: Telegram or WhatsApp.
# One answer to a mail that came after the conversation ended: to the child
email-reply-not-open = Thank you for your mail! The conversation with the specialist is not open right now, so this mail was not passed on. Write during the conversation, at the time given in the invitation.

# The transcript marks what the child wrote by e-mail (issue 16).
session-via-email = (by e-mail)
paper-via-email = (by e-mail)
