## An application's dates: the staff card, the morning digest, "My applications"

dates-check = Completeness check of the documents: by {$date}
dates-checked = Documents checked and accepted: {$date}
dates-permission = Permission: by {$date} (within 3 working days of the check)
dates-term-end = Last day of the public service's term: {$date}
dates-conversation = Conversation with the child: by {$date} (within 4 working days of the document check)
dates-decision = Decision: by {$date}
dates-final = Final answer (within 1 working day of the hearing): by {$date}
dates-preliminary = Preliminary decision to refuse, with a notice of the hearing: by {$date} (no later than 3 working days before the term ends)
dates-to-be-confirmed = {$term} (to be confirmed: the legal texts at hand do not set this term)
dates-due-today = {$term} — ⏰ due today
dates-overdue = {$term} — ❗ overdue
dates-last-day-today = {$term} — ⏰ today is the last day
dates-digest-line = {$number} — {$status}. {$term}
