## The bot's words in English (for families abroad). Kazakh is the first language.
## Dates arrive formatted as DD.MM.YYYY.

## Start, language, menu

start-greeting = Hello! I am the bot of the guardianship and trusteeship bodies of Kazakhstan. Here you can apply for a public service and follow your application. All services are free of charge.
language-ask = Choose the language:
language-kk = Қазақша
language-ru = Русский
language-en = English
language-set = Language: English.
menu-title = Main menu. What would you like to do?
menu-visit = Permission to meet the child
menu-interview = Child's opinion (10+)
menu-my-applications = My applications
menu-specialist = Talk to a specialist
menu-contacts = Contacts and office hours
menu-coming-soon = This service is coming to the bot soon. Until then, please apply through the State Corporation “Government for Citizens” or on egov.kz, or call 1414.
contacts-text =
    Contacts
    Unified contact centre: 1414, 8 800 080 7777 (free of charge).
    Guardianship bodies work Mon–Fri 9:00–18:30, lunch 13:00–14:30 (Astana time), except weekends and public holidays.
    Applications in this bot are accepted around the clock; one sent after hours counts from the next working day.
nav-menu = Main menu
nav-back = ◀ Back
nav-skip = Skip
nav-keep = Keep the current answer

## Help, hints, cancel

help-menu = Choose a service with the buttons below. Commands: /start — main menu, /language — change the language, /cancel — stop filling in an application, /help — this help. /mydata — the data the bot keeps about you, /forget — erase your data.
help-flow = Answer the question below by typing or with the buttons. ◀ Back returns to the previous question; nothing you entered is lost. /cancel stops the application, /language changes the language. /mydata — the data the bot keeps about you, /forget — erase your data.
hint-menu-unexpected = I only understand the buttons here. Please choose from the menu.
hint-use-buttons = Please answer with one of the buttons.
hint-unknown-command = I do not know that command. /help lists what I can do.
flow-resume = You have an unfinished application. Let us continue where you stopped.
flow-at-first-step = This is the first question. To stop filling in the application, send /cancel.
flow-busy = You are filling in an application now. Finish it or stop it with /cancel, then open “{ menu-my-applications }”: every action on your applications is there.
cancel-confirm = Stop filling in the application? Everything you entered will be deleted.
cancel-yes = Yes, delete it
cancel-no = No, continue
cancel-done = The application was cancelled; nothing was sent.
cancel-nothing = There is nothing to cancel.
button-stale = That button is from an earlier message. Here is the current question.
button-already-done = Already done.
error-internal = Sorry, something went wrong on our side. Your answers are saved; please try again in a minute.

## Questions of a flow

flow-progress = Part {$current} of {$total}{ $kind ->
        [question] {" · "}question {$step} of {$steps}
        [child] {" · "}child {$child}, question {$step} of {$steps}
        [removing] {" · "}removing a child
       *[part] {""}
    }
step-current = Current answer: {$value}
group-more-yes = ➕ Add another child
group-more-no = That's all
group-added = Child {$count} added.
group-remove = 🗑 Remove a child
group-remove-short = 🗑 Remove a child
group-remove-which = Which child should be removed from the application? The other children and your other answers stay.
group-remove-child = 🗑 {$name}, {$birth}
group-removed = {$name} is no longer in the application.
phone-share-button = 📱 Share my phone number
phone-share-hint = Or tap the button below to share the number of this account.
# The line that takes the share-number keyboard away when every other message of the reply has buttons.
phone-share-closed = All right.
value-plain = {$value}

## Documents

files-limits = Photos or files: JPEG, PNG, PDF or HEIC, up to 20 MB each. Send each page as a separate photo or as one PDF.
files-received = Received so far: {$count}.
files-accepted = Received ({$count}). Send more, or tap "Done".
files-caption-not-kept = The words under a file are not kept, only the file itself. If they matter, write them to the specialist after you submit.
files-done = ✅ Done
files-none = Skip ⏭
files-skip-hint = If there is nothing to send, tap “{ files-none }”.
error-file-expected = Please send a photo or a file here (JPEG, PNG, PDF or HEIC).
error-file-too-big = This file is larger than {$limit} MB, so the bot cannot take it. Please send a smaller photo or a compressed PDF.
error-file-type = This file type is not accepted. Please send a JPEG, PNG, PDF or HEIC (a photo of the document works).
error-file-duplicate = You have already sent this file. Send another one, or tap "Done".

## Typed answers: what is wrong, and an example

error-text-expected = Please type the answer as text.
error-text-empty = The answer is empty. Please type it.
error-text-too-long = The answer is too long: at most {$max} characters.
error-patronymic-none = If there is no patronymic, tap “{ nav-skip }”.
error-name-format = A name may contain only letters, a hyphen or an apostrophe. Example: Сейтқали
error-iin-format = An IIN has exactly 12 digits. Example: 871008401427
error-iin-checksum = This IIN has a wrong check digit; please check every digit against your ID card.
error-phone-format = This does not look like a Kazakhstan phone number. Example: +7 701 123 45 67 or 8 701 123 45 67
error-address-format = Please type the full address: city or village, street, house and flat. Example: Astana, Mangilik El avenue 8, flat 15
error-date-format = Please type the date as DD.MM.YYYY. Example: 05.09.2015
error-date-invalid = There is no such date: {$value}. Please check the day and the month.
error-date-past = This date has already passed. Please choose today or a later date.
error-date-not-after = The end of the period must be after its start ({$other}).
error-birth-date-future = A date of birth cannot be in the future.
error-child-too-old = This service is for children under {$max}. A child who is {$max} or older can meet the parent without a permission of the guardianship body.
error-period-past-childhood = The period must end no later than {$date}: the next day the youngest child turns {$max}, and a parent can meet a child of that age without a permission of the guardianship body.

## Summary and submission

summary-title = Please check your application. To correct a line, tap its button.
summary-line = {$n}. {$label}:
    {$value}
summary-edit = ✏️ {$section}
summary-submit = ✅ Submit the application
summary-body = {$name}
    {$address}
summary-child = {$name}, born {$birth}
summary-period = from {$from} to {$to}
summary-consent = consent given
submitted-notice = Application {$number} has been sent
submitted =
    Your application has been sent. Its number is {$number} — please keep it.
    Registered on: {$registered}
    Completeness check of the documents: by {$check}
    Decision: by {$decision}
    I will write to you here at every step.

## My applications

apps-empty = You have no applications yet.
apps-title = Your applications:
apps-line = {$number} — {$service}
    Status: {$status}. Sent: {$date}
apps-line-deadline = {$number} — {$service}
    Status: {$status}. Sent: {$date}. Next term: {$deadline}
apps-open = Open {$number}
apps-back = ◀ All applications
apps-not-found = This application was not found.
apps-history-title = History:
apps-history-line = {$at} — {$status}
service-visit = permission to meet the child
service-interview = taking into account the opinion of a child aged 10 or more
status-submitted = submitted, the documents are being checked
status-under-review = documents accepted, under consideration
status-rejected-incomplete = documents not accepted: incomplete
status-hearing-scheduled = preliminary refusal, hearing scheduled
status-approved = permission granted
status-refused = refused
status-decided = decision on the child's opinion issued

## Commands in the messenger's menu

command-start = Main menu
command-help = Help
command-cancel = Cancel the application being filled in
command-language = Change the language

## Service 1: permission to meet the child

visit-intro =
    Permission to meet the child — for a parent deprived of parental rights, when the meeting does not harm the child.
    If your parental rights are restricted, choose the guardianship and trusteeship body: the bot will tell you how to apply to it.
    Free of charge. The decision takes 5 working days.
    Have ready: your identity document (a photo or a file), the children's dates of birth, and the court decision if you have it.
ask-region = Which guardianship body decides? Choose the region or city:
ask-body = Choose the district or city:
ask-surname = Your surname (as in your identity document):
ask-first-name = Your first name:
ask-patronymic = Your patronymic (if you have one; otherwise tap "Skip"):
ask-iin = Your IIN (12 digits):
ask-address = Your address (city or village, street, house, flat):
ask-phone = Your phone number:
visit-ask-residence =
    Where does the child live now?
    • under guardianship;
    • under trusteeship;
    • in patronage foster care;
    • in a receiving family;
    • in an educational organisation for orphans and children left without parental care.
residence-guardianship = Under guardianship
residence-trusteeship = Under trusteeship
residence-patronage = In patronage foster care
residence-receiving-family = In a receiving family
residence-organisation = In an organisation for orphans and children left without parental care
# Button labels: at most 24 characters (phones; WhatsApp list rows)
residence-guardianship-short = Guardianship
residence-trusteeship-short = Trusteeship
residence-patronage-short = Patronage care
residence-receiving-family-short = Receiving family
residence-organisation-short = Orphans' organisation
visit-ask-child-surname = Child {$n}: surname
visit-ask-child-first-name = Child {$n}: first name
visit-ask-child-patronymic = Child {$n}: patronymic (if any; otherwise tap "Skip")
visit-ask-child-birth-date = Child {$n}: date of birth (DD.MM.YYYY)
visit-ask-more-children = Children added: {$count}. Is there another child you want to meet?
visit-ask-period-from = From which date do you ask for the meetings? (DD.MM.YYYY)
visit-ask-period-to = Until which date? (DD.MM.YYYY)
ask-consent =
    Consent:
    "I consent to the use of information constituting a secret protected by the Law of the Republic of Kazakhstan "On personal data and their protection", contained in information systems."
    Your data are kept only to review the application: an unfinished application is deleted when left untouched for a while, and one whose review has ended is anonymised after a set term. /mydata shows the data the bot keeps about you, /forget erases them.
consent-yes = ✅ I consent
consent-no = I do not consent
consent-required = Without this consent the guardianship body cannot check your data, so the application cannot go on. Everything you entered is kept: you can change your answer below, or come back later.
section-body = Guardianship body
section-applicant = Applicant
section-iin = IIN
section-address = Address
section-phone = Phone
section-residence = Where the child lives
section-children = Children
section-period = Period of the meetings
section-consent = Consent to the use of personal data
section-documents = Documents

## Ready answers on buttons

suggest-today = Today, {$date}
suggest-date = {$date}
suggest-months = { $count ->
    [one] 1 month, until {$date}
   *[other] {$count} months, until {$date}
}

## WhatsApp: words around its buttons and lists

wa-choose = Choose:
wa-more-options = More options ({$page} of {$pages}):
wa-list-button = Choose
edit-not-read = The bot does not read edited messages. Send the corrected answer as a new message; to change an answer already taken, tap “{ nav-back }”.
error-child-twice = This child is in the application already (child No. {$n}): the same surname, first name and date of birth. If it is another child, check the date of birth; if the child was added by mistake, tap “{ nav-back }” until the bot asks whether there is another child, and tap “{ group-more-no }”.
