## A specialist's files for a citizen on WhatsApp (issue 18)

staff-reply-file = 💬 The specialist sent a file.
staff-file-too-large = ⚠️ The file was not sent to the citizen: it is {$size} MB, and the bot can pass at most {$limit} MB to WhatsApp. Make the file smaller or split it, and send it again.
staff-file-kind-unsupported = ⚠️ This message was not sent: a citizen on WhatsApp can receive text, photos or files.
