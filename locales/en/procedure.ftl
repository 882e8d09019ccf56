## What staff enter at a step of the procedure (flows/service.py): marks, grounds

staff-tick-none = ▫️ {$entry}
staff-tick-missing = ❌ {$entry} — missing
staff-tick-expired = ⌛ {$entry} — expired
staff-tick-grounds = ☑️ {$entry}
staff-tick-refusal_grounds = ☑️ {$entry}
staff-checklist-next = Next ➡️
staff-checklist-note = Add a comment, then confirm
staff-checklist-empty = Nothing is marked. Mark at least one line, or add a comment.
staff-confirm-incomplete = Confirm the refusal to accept
staff-offer-other = Type another
staff-button-stale = This button is out of date. Please use the buttons of the application's card.
staff-ask-missing = Application {$number}: mark the documents that are missing or have expired (tap again to change the mark), then confirm.
staff-ask-grounds = Application {$number}: mark the grounds of the preliminary decision to refuse, then tap Next. The list is the body's data, to be checked against p. 9 of the service standard.
staff-ask-refusal-grounds = Application {$number}: mark the grounds of the reasoned refusal, then tap Next. Only the grounds put to the applicant at the hearing are listed.
staff-guard-grounds-not-heard = Application {$number}: a reasoned refusal may cite only the grounds put to the applicant at the hearing.

## Documents and refusal grounds (flows/data/documents.json, refusal_grounds.json)

staff-document-uploaded = 📎 {$document} — {$number}
document-other = other documents
ask-document-identity = Identity document, if you wish: the body gets its data from the state information system through the e-government gateway. A photo helps if the data there are missing or out of date. Send both sides as photos or one PDF.
ask-document-court-decision = Send a copy of the court decision depriving you of parental rights: photos of every page, or one PDF.
ask-document-other = Other documents, if you have any, for example a certificate from where the child lives. Send them.
summary-document = {$document}: {$count} {$count ->
        [one] file
       *[other] files
    }
notify-document-missing = {$document} — missing
notify-document-expired = {$document} — expired
ground-unreliable-documents = the documents submitted by the applicant, or the data in them, are found to be unreliable
ground-requirements-not-met = the applicant, or the materials, data and information submitted, do not meet the requirements of the regulations
ground-negative-influence = the parent influences the child negatively
ground-no-consent = the applicant has not consented to access to restricted personal data
