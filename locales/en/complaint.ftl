## A complaint about a decision, action or inaction on an application (Rules, p. 13)

apps-complain = ⚖️ Complain
service-complaint = complaint
complaint-intro = A complaint about application {$about}. It goes to the head of the guardianship body (5 working days) or to the authorised body that assesses the quality of public services (15 working days) — you choose at the end.
complaint-ask-subject = What is the complaint about?
complaint-subject-refusal = A refusal
complaint-subject-missed-term = A missed term
complaint-subject-conduct = An official's conduct
complaint-subject-other = Something else
complaint-ask-text = Describe the complaint in one message (at most 4,000 characters): what happened, when, and what you ask for.
complaint-ask-files = Attach photos or files if you have any.
complaint-ask-addressee = Where should the complaint go?
complaint-addressee-head = The head of the body
complaint-addressee-reviewing = The authorised body
complaint-section-subject = About
complaint-section-text = The complaint
complaint-section-files = Attachments
complaint-section-addressee = To
complaint-subject-line = {$subject} — application {$about}
complaint-files-count = files: {$count}
complaint-submitted = Your complaint is registered as {$number} (on {$registered}). Its terms and what happens next follow.
complaint-open-already = Application {$about} already has complaint {$number}, still being reviewed. Write a message or send a file and I will add it to that complaint; no second one is needed.
complaint-added = Added to complaint {$number}. The body's staff will see it.
notify-complaint-head =
    Complaint {$number} about application {$about} was registered on {$registered}.
    The head of the body decides it: {$body}. The decision is due by {$decision} (5 working days from registration).
    If you disagree, you may turn to the authorised body that assesses the quality of public services or to the higher administrative body ({$higher}); after this pre-trial step, to court.
notify-complaint-reviewing =
    Complaint {$number} about application {$about} was registered on {$registered} and is addressed to the authorised body that assesses the quality of public services.
    {$body} forwards it there by {$forward} (3 working days), unless it satisfies it in full within those days. The authorised body decides within 15 working days of registration.
    The higher administrative body: {$higher}. After this pre-trial step you may go to court.
notify-complaint-satisfied =
    Complaint {$number} about application {$about} is satisfied.
    Measures taken: {$measures}
notify-complaint-partly-satisfied =
    Complaint {$number} about application {$about} is partly satisfied.
    Measures taken: {$measures}
    If you disagree, you may turn to the authorised body that assesses the quality of public services or to the higher administrative body ({$higher}); after this pre-trial step, to court.
notify-complaint-rejected =
    Complaint {$number} about application {$about} is rejected.
    Reasons: {$reasons}
    If you disagree, you may turn to the authorised body that assesses the quality of public services or to the higher administrative body ({$higher}); after this pre-trial step, to court.
notify-complaint-forwarded =
    Complaint {$number} about application {$about} was forwarded on {$on} to the authorised body that assesses the quality of public services. It decides by {$decision}.
    After this pre-trial step you may go to court.
staff-action-satisfy = ✅ Satisfy
staff-action-satisfy-partly = ◐ Satisfy in part
staff-action-reject-complaint = ✖ Reject
staff-action-forward = ➡️ Forward to the authorised body
staff-ask-measures = Complaint {$number}: reply to this message with the measures taken.
staff-ask-complaint-reasons = Complaint {$number}: reply to this message with the reasons for rejecting it.
staff-guard-complaint-to-head = ⛔ Complaint {$number} is addressed to the head of the body: the body decides it, there is nothing to forward.
staff-guard-complaint-forward-only = ⛔ Complaint {$number} is addressed to the authorised body: it could be satisfied in full until {$last}; now it must be forwarded.
staff-guard-complaint-reviewing-decides = ⛔ Complaint {$number} is addressed to the authorised body: the body may only satisfy it in full within 3 working days, or else forward it.
dates-complaint-forward = Forward to the authorised body: by {$date}
dates-complaint-reviewing = The authorised body's decision: by {$date}
dates-complaint-decision = Decision on the complaint: by {$date}
complaint-summary-title = Please check your complaint. To correct a line, tap its button.
complaint-summary-submit = ✅ Submit complaint
status-complaint-registered = complaint registered, under consideration
status-satisfied = complaint satisfied
status-partly-satisfied = complaint partly satisfied
status-complaint-rejected = complaint rejected
status-forwarded = complaint forwarded to the authorised body
notify-term-passed = The term for application {$number} has passed and there is no answer yet: {$term}. If you think the term was missed, you may complain.

# An objection or more words for a complaint: the bot waits until the person leaves.
addition-more = You may send more messages, photos or files: they will be attached too. When you are done, tap “{ nav-menu }”.
addition-cancelled = All right, I am not waiting for anything more.
addition-too-late = A decision on no. {$number} has already been made, so the message was not attached. What you can do now is below.
# The complaint form's own words (where "application" would make one fear for it).
complaint-flow-resume = You have an unfinished complaint. Let us continue where you stopped.
complaint-flow-busy = You are filling in a complaint now. Finish it or stop it with /cancel, then open “{ menu-my-applications }”: every action on your applications is there.
complaint-cancel-confirm = Stop filling in the complaint? Everything you entered in it will be deleted. The application you are complaining about is not affected.
complaint-cancel-done = The complaint was cancelled; nothing was sent. The application you complained about is not affected.
complaint-flow-at-first-step = This is the first question. To stop filling in the complaint, send /cancel. The application you are complaining about is not affected.
complaint-help-flow = Answer the question below by typing or with the buttons. ◀ Back returns to the previous question; nothing you entered is lost. /cancel stops the complaint (the application you are complaining about is not affected), /language changes the language. /mydata — the data the bot keeps about you, /forget — erase your data.
