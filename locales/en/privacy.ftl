## The citizen's own data: /mydata, /forget (issue 13)

command-mydata = My data
command-forget = Erase my data
privacy-mydata-sent = This file (JSON) holds everything the bot keeps about you: the conversation, your applications with their answers, statuses, notes, consents and the list of documents.
privacy-forget-confirm = Erase your data? The application you are filling in (with the files you sent) and the personal data in applications whose review has ended are erased now. Applications still under review are kept until their review ends. Erased data cannot be restored.
privacy-forget-yes = 🗑 Yes, erase
privacy-forget-no = No, keep it
privacy-forget-kept-all = Nothing was erased.
privacy-forget-done = Erased: applications being filled in — { $drafts }, applications whose review has ended — { $closed }.
privacy-forget-open-kept = { $count ->
    [one] Application { $numbers } is still under review, so its data are kept until the review ends: the guardianship body reviews the application on these data and will send you its decision.
   *[other] Applications { $numbers } are still under review, so their data are kept until the review ends: the guardianship body reviews the applications on these data and will send you its decisions.
} When the review has ended, send /forget again.
staff-digest-retention = 🗑 Data retention: since the previous working day, { $drafts } unfinished applications were deleted and { $closed } applications whose review has ended were anonymised.
apps-erased = The personal data of this application have been erased: its copy and the documents issued on it are no longer kept. Its number, dates and statuses remain.
