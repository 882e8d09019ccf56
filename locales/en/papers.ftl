## PDF papers (papers/): the application (rules 004, appendix 1), the receipt (modelled on
## appendix 3), the permission (appendix 4), the preliminary refusal with the hearing notice,
## the reasoned refusal, the record of the conversation with the child, the decision on the
## child's opinion. In English they are a courtesy translation after the Russian original.

## Common elements

paper-number-line = No. {$number} of {$date}
paper-version = Version {$version}: replaces the version issued earlier
paper-application-number = No. {$number}, registered on {$date}
paper-date = Date:
paper-to = To: {$name}
paper-to-address = Address: {$address}
paper-official = Official of the service provider
paper-none = none
paper-yes = yes
paper-no = no
paper-child = {$name}, born {$birth}
paper-child-nameless = a child whose name was not given
paper-footer-number = Reg. No. {$number} of {$date}
paper-footer-version = version {$version}
paper-footer-body = Body: {$body}
paper-footer-verify = Check that it is genuine: {$url}
paper-footer-page = Page {$page} of {$pages}
paper-courtesy-title = COURTESY TRANSLATION
paper-courtesy-note = This is an English translation made for the reader's convenience. It has no legal force: the original is the Russian text on the preceding pages.
paper-courtesy-footer = Courtesy translation — not the original.
paper-appendix =
    Appendix {$n}
    to the Rules for the public service "Permission for parents deprived of parental rights to meet the child, where this does not harm the child"
paper-form = Form
paper-appendix-model =
    Modelled on appendix {$n}
    to the Rules for the public service "Permission for parents deprived of parental rights to meet the child, where this does not harm the child"; issued by the service provider

## Application (appendix 1)

paper-title-application = APPLICATION
paper-application-to = To the head of the guardianship and trusteeship body — {$body}
paper-application-from = from {$name}
paper-application-iin = IIN: {$iin}
paper-application-address = Address: {$address}
paper-application-phone = Phone: {$phone}
paper-application-request = I ask you to permit me to meet the child (children) {$residence}, in the period from {$from} to {$to}:
paper-application-request-service = I ask you to provide the public service "{$service}".
paper-residence-guardianship = under guardianship
paper-residence-trusteeship = under trusteeship
paper-residence-patronage = in patronage foster care
paper-residence-receiving-family = in a receiving family
paper-residence-organisation = in an educational organisation for orphans and children left without parental care
paper-label-role = The applicant is the child's:
paper-label-children = Child (children):
paper-label-subject = What the decision is about:
paper-label-lives = Where the child lives or studies:
paper-lives-abroad = Outside the Republic of Kazakhstan: {$country}
paper-consent = I consent to the use of information contained in information systems that is a secret protected by the Law of the Republic of Kazakhstan "On personal data and their protection".
paper-consent-given = Consent given in the messenger at {$at} (Astana time), text version {$version}.
paper-attachments = Documents attached:
paper-attachment = {$document}: {$count} {$count ->
        [one] file
       *[other] files
    }
paper-signature-title = Applicant's signature
paper-confirmed = Instead of a handwritten signature, the applicant confirmed the application in the messenger:
paper-confirmed-channel = channel: {$channel}
paper-confirmed-account = account: {$account}
paper-confirmed-at = confirmed at: {$at} (Astana time)
paper-phone-verified = phone number verified: the messenger passed it on from the applicant's contact
paper-phone-not-verified = phone number not verified: typed in by the applicant or taken from another person's contact
paper-unconfirmed = No record of a confirmation in the messenger.
paper-channel-telegram = Telegram
paper-channel-whatsapp = WhatsApp

## Receipt of refusal to accept the documents (modelled on appendix 3)

paper-title-receipt = RECEIPT of refusal to accept the documents
paper-receipt-text = Under article 20, paragraph 2, of the Law of the Republic of Kazakhstan "On public services", {$body} ({$address}) refuses to accept the documents for the public service "{$service}" under application No. {$number}, because the set of documents you submitted is incomplete against the list in the requirements for the public service and/or documents have expired, namely:
paper-receipt-list = Documents missing or expired:
paper-receipt-missing = {$document} — missing
paper-receipt-expired = {$document} — expired
paper-receipt-nothing = no documents named
paper-receipt-comment = Note of the service provider:
paper-receipt-copies = This receipt was sent to the applicant electronically; it can be checked with the QR code and the link at the foot of the page.
paper-receipt-employee = Employee of the service provider (surname, first name, patronymic (if any), position):
paper-receipt-executor = Executor (surname, first name, patronymic (if any)):
paper-receipt-recipient = Recipient (the applicant):

## Permission (appendix 4)

paper-title-permission = PERMISSION for parents deprived of parental rights to meet the child (children), where this does not harm the child
paper-permission-text = {$body} permits meetings with the child (children) in the period from {$from} to {$to}:
paper-permission-residence = Where the child (children) lives:

## Preliminary decision to refuse and the hearing notice

paper-title-preliminary = PRELIMINARY DECISION to refuse the public service
paper-title-hearing-notice = and NOTICE of the hearing
paper-preliminary-text = Having considered your application No. {$number} of {$registered} for the public service "{$service}", {$body}, under paragraph 9 of the Rules for the public service and article 73 of the Administrative Procedural Code of the Republic of Kazakhstan (APPC), informs you of a preliminary decision to refuse the public service on the following grounds:
paper-preliminary-details = The grounds explained:
paper-hearing-title = Notice of the hearing
paper-hearing-when = Date and time of the hearing:
paper-hearing-at = {$date}, {$time} (Astana time)
paper-hearing-place = Place of the hearing:
paper-hearing-position = Before or at the hearing you may state your position on the preliminary decision:
paper-hearing-chat = in the chat: "My applications" → No. {$number} → "Send objections", in writing, with photos or files;
paper-hearing-in-person = in person, at the hearing on the date, at the time and in the place given.
paper-hearing-law = The hearing is held under article 74 of the APPC. On its results, no later than {$final}, you will be sent the permission or a reasoned refusal of the public service.

## Reasoned refusal

paper-title-refusal = REASONED REFUSAL of the public service
paper-refusal-text = On the results of the hearing, {$body} refuses the public service "{$service}" under your application No. {$number} of {$registered} on the following grounds:
paper-refusal-reasons = Reasons for the refusal:
paper-complaint-title = How to complain
paper-complaint-head = A complaint against a decision, action or inaction of the service provider is addressed to the head of the service provider ({$body}); it is considered within {$days} working days of its registration.
paper-complaint-review = A complaint may be filed with the authorised body for assessing and controlling the quality of public services (the reviewing body); it is considered within {$days} working days of its registration.
paper-complaint-forward = The official whose decision, action or inaction is complained of forwards the complaint to the reviewing body no later than {$days} working days after receiving it, unless within those {$days} working days a decision or an administrative action is taken that fully satisfies the complaint.
paper-complaint-court = Unless a law provides otherwise, court comes after the pre-trial complaint; if you disagree with the result of the public service, you may go to court in the manner set by the legislation of the Republic of Kazakhstan.
paper-complaint-source = Paragraphs 13 and 14 of the Rules for the public service.

## Record of the conversation with the child

paper-title-record = RECORD of the conversation with the child
paper-record-about = Application No. {$number} for the public service "{$service}".
paper-record-basis = The conversation to learn the child's (children's) opinion is held in the presence of a parent or other legal representative (paragraph 5 of the Rules for the public service).
paper-record-when = Date and time of the conversation:
paper-record-span = {$date}, {$start} to {$end} (Astana time)
paper-record-participants = Participants and their roles:
paper-record-specialist = {$name} — specialist of the guardianship and trusteeship body
paper-record-applicant = {$name} — applicant ({$role})
paper-record-child = {$child} — child
paper-record-present = The specialist confirmed that a parent or other legal representative was present:
paper-record-messages = The conversation
paper-record-col-time = Time
paper-record-col-who = Participant
paper-record-col-text = Message
paper-record-emoji = [emoji]
paper-record-empty = There were no messages.
paper-role-specialist = Specialist
paper-role-parent = Applicant
paper-role-child = Child
paper-role-other = Participant

## Decision on taking the child's opinion into account

paper-title-decision = DECISION of the guardianship and trusteeship body on taking into account the opinion of a child aged ten or more
paper-decision-text = On application No. {$number} of {$registered} for the public service "{$service}", on the results of the conversation with the child (children) held under paragraph 5 of the Rules for the public service, the guardianship and trusteeship body, {$body}, has taken the following decision.
paper-decision-applicant = Applicant:
paper-decision-label = Decision:
