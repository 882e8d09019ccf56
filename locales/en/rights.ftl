## Parents whose parental rights are restricted (issue 12): the bot does not put them through
## the service's form (the rules of seed 004 cover deprived parents only); it explains how to
## apply to the body: decree No. 382, paragraph 7, item 4 (seed 000).

visit-ask-rights = What did the court decide about your parental rights?
rights-deprived = I was deprived of parental rights
rights-deprived-short = Rights deprived
rights-restricted = My parental rights are restricted
rights-restricted-short = Rights restricted
section-rights = Parental rights
summary-rights-deprived = deprived of parental rights
summary-rights-restricted = parental rights restricted

rights-restricted-explained =
    The guardianship and trusteeship body also gives parents whose parental rights are restricted permission to meet the child, when the meeting does not harm the child (Rules for the state's guardianship and trusteeship functions, approved by Government decree No. 382 of 30 March 2012, paragraph 7, item 4).
    But an application in this bot follows the rules of the public service, and they cover only parents deprived of parental rights. So please apply to the guardianship and trusteeship body directly. Ask the body which documents it needs: the rules of the service set no procedure for this case.
rights-body =
    Body: {$body}
    Address: {$address}
rights-body-unverified =
    Body: {$body}
    Address: {$address} (not yet checked against an official source; please confirm it before you go)
rights-hours = Office hours: {$days ->
    [mon-fri] Mon–Fri
   *[other] {$days}
}, {$opens}–{$closes} (Astana time), except weekends and public holidays.
rights-hours-lunch = Office hours: {$days ->
    [mon-fri] Mon–Fri
   *[other] {$days}
}, {$opens}–{$closes}, lunch break {$lunch_from}–{$lunch_to} (Astana time), except weekends and public holidays.
rights-hours-unknown = The bot does not have this body's office hours; please ask the body.
rights-phone = Phone: {$phone}
rights-phone-unknown = The bot has no verified phone number of this body yet.

## For staff: the citizen's topic and the morning digest

staff-enquiry-restricted-rights = ⚖️ A parent whose parental rights are restricted asks about permission to meet the child (decree No. 382, paragraph 7, item 4). Body: {$body}. The service's form (rules of the public service) does not apply to this case: the bot explained how to apply to the body directly.
staff-digest-restricted-rights = ⚖️ Enquiries from parents with restricted parental rights (meeting the child) since the previous working day: {$count}
staff-digest-enquiry-line = • {$at} — {$body} — {$name}

## A body's higher administrative body (seed 004 p. 13): for complaints, flows/catalogue.py higher_body_text

higher-named = {$name}, {$address}
higher-named-unconfirmed = {$name}, {$address} (provisional: which body is the higher one is still to be confirmed)
higher-not-known = the higher administrative body (the bot does not know its name yet; please ask the guardianship and trusteeship body)
