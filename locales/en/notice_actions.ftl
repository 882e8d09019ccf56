## The buttons of notices that ask the citizen to act (the same "My applications" shows)

# After a refusal to accept the documents (p. 7 of the Rules): a new application with the full set
apps-apply-again = 📎 Apply again with the documents
apps-apply-again-short = 📎 Apply again
apps-send-objection-short = ✍️ Objections
