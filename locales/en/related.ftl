## "Other services": the related services of the guardianship body (flows/related.py).
## The facts come from flows/data/related_services.json (seed 001: the standards; seed 000: property transactions).

menu-other-services = Other services

related-list-title = Other services of the guardianship and trusteeship body. This bot does not take applications for them yet, but I can tell you who may apply, the term, where to apply, which documents you need and when you may be refused. Choose a service:

related-name-guardianship = Guardianship or trusteeship
related-name-guardianship-short = Guardianship
related-name-patronage = Patronage foster care
related-name-patronage-short = Patronage foster care
related-name-receiving-family = Receiving family
related-name-receiving-family-short = Receiving family
related-name-property-transactions = Transactions with a child's property
related-name-property-transactions-short = Child's property

related-title-guardianship =
    Establishing guardianship or trusteeship over an orphan (orphans) or a child (children) left without parental care
    The public service standard: appendix 1 to order No. 343 of 28.07.2022 of the acting Minister of Enlightenment of Kazakhstan.
related-title-patronage =
    Placing a child (children) in patronage foster care and awarding the allowance for the upkeep of a child (children) placed with patronage carers
    The public service standard: appendix 2 to order No. 343 of 28.07.2022 of the acting Minister of Enlightenment of Kazakhstan.
related-title-receiving-family =
    Placing a child (children) in a receiving family and awarding the allowance for their upkeep
    The public service standard: appendix 3 to order No. 343 of 28.07.2022 of the acting Minister of Enlightenment of Kazakhstan.
related-title-property-transactions =
    Permission for transactions with a ward's property, and certificates for disposing of minors' property
    Functions of the guardianship body under the Rules approved by Government decree No. 382 of 30.03.2012 (p. 7.11, 9.7). The texts we hold have no standard for this service.

related-cite-standard = standard, item { $item }
related-cite-rules = the service's Rules, p. { $item }
related-cite-decree-382 = Rules of decree No. 382, p. { $item }

related-line = • { $text }
related-line-cited = • { $text } ({ $cite })
related-numbered = { $n }) { $text }

related-who =
    Who may apply:
    { $lines }
related-who-adult = an adult with legal capacity who wishes to take the child into their family; who is refused: see the grounds below
related-who-relatives = the child's relatives, stepfather or stepmother, even before the psychological training: they give its certificate within one calendar year of taking the child
related-who-close-relatives = the child's close relatives need no training certificate
related-who-guardian = the guardian or trustee, for a permission to transact with the ward's property: alienating it (incl. exchange or gift), a guarantee on the ward's behalf, letting the home, lending it for free use or pledging it, renouncing an inheritance, dividing the property or taking a share out of it, any transaction that reduces the ward's property
related-who-certificates = the body also issues certificates for disposing of minors' property; who applies for them is not given in the texts we hold: to be confirmed

related-term = Term: { $days } { $days ->
        [one] working day
       *[other] working days
    } ({ $cite }).
related-term-unknown = Term: not given in the legal texts we hold, to be confirmed; ask a specialist.

related-where =
    Where to apply:
    { $lines }
related-channel-state-corporation = the State Corporation «Азаматтарға арналған үкімет» (Government for Citizens)
related-channel-portal = the e-government portal egov.kz: the application is signed with an EDS or certified with a one-time password
related-channel-portal-only = only the egov.kz portal: the service is electronic, the application is signed with an EDS or certified with a one-time password
related-channel-office = the provider's office: the education department (administration)
related-channel-body = the guardianship and trusteeship body: the local executive body (the district or city education department)
related-channel-other-channels-unknown = whether the State Corporation or egov.kz accept it is not given in the texts we hold: to be confirmed

related-free = Free of charge ({ $cite }).

related-documents =
    Documents ({ $cite }):
    { $lines }
related-documents-unknown = Documents: the legal texts we hold give no list, to be confirmed; ask a specialist.
related-doc-application = the application
related-doc-identity = an identity document, or an electronic one from the digital documents service (to identify you)
related-doc-spouse-consent = your spouse's notarised consent, if you are married
related-doc-health = health certificates for you and your spouse showing none of the illnesses listed by order No. 692, and certificates that you are not registered at narcological or psychiatric dispensaries
related-doc-marriage = a copy of the marriage certificate, if the civil registry system lacks it or you married outside Kazakhstan
related-doc-birth = the child's (children's) birth certificate, if the civil registry system lacks it or the child was born outside Kazakhstan (the original, to identify it)
related-doc-no-parental-care = copies of the documents showing the child lacks the care of one or both parents (a death certificate, a court decision depriving or restricting parental rights or finding the parents missing, incapable or dead, a court sentence, an act of abandonment, a statement renouncing the child, and others)
related-doc-income = information on your (and your spouse's) income
related-doc-kinship = copies of documents proving kinship with the child (for relatives, a stepfather or stepmother)
related-doc-training = the certificate of the training for people who wish to take orphans and children left without parental care into their family (not for the child's close relatives)
related-doc-housing-use = a copy of the documents giving you (or your spouse) the right to use the home, if you do not own it
related-doc-application-portal = the application to place the child (children) in patronage foster care and award the allowance, an electronic document signed with an EDS or a one-time password
related-doc-education = information on your education
related-doc-personal-account = the agreement opening a personal account in a second-tier bank or an organisation the National Bank licenses for certain banking operations
related-doc-criminal-record = certificates of a criminal record or its absence, for you and your spouse
related-doc-housing = copies of the documents showing you and your spouse own the home or may use it (a lease)
related-doc-current-account = a copy of the agreement opening a current account in a second-tier bank

related-grounds =
    Grounds for refusal ({ $cite }):
    { $lines }
related-grounds-unknown = Grounds for refusal: not given in the legal texts we hold, to be confirmed.
related-ground-minor = the applicant is under age
related-ground-incapable = a court found the applicant incapable or of limited capacity
related-ground-parental-rights = a court deprived the applicant of parental rights or restricted them
related-ground-removed-guardian = removal from a guardian's or trustee's duties for not performing them properly
related-ground-adoption-cancelled = a court cancelled an adoption through the former adopters' fault
related-ground-illness = an illness that prevents performing a guardian's or trustee's duties
related-ground-no-residence = no permanent place of residence
related-ground-conviction = an unexpunged criminal record for an intentional crime when guardianship (trusteeship) is set up, and the persons of sub-item 13
related-ground-no-citizenship = no citizenship
related-ground-single-man = an application by a man not in a registered marriage, unless he has actually raised the child for at least three years because the mother died or lost her parental rights
related-ground-no-income = no income that gives the ward the subsistence minimum
related-ground-dispensary = registration at a narcological or psycho-neurological dispensary
related-ground-grave-crimes = a past or present conviction or criminal prosecution for murder, intentional harm to health, offences against public health and morals or sexual inviolability, extremist or terrorist crimes, human trafficking (unless the prosecution was ended under art. 35 part 1 (1), (2) of the Criminal Procedure Code)
related-ground-no-training = a permanent resident of Kazakhstan has not taken the psychological training (Marriage and Family Code art. 91 p. 4), except close relatives, relatives, a stepfather or stepmother
related-ground-unreliable = the documents or the data in them are found unreliable
related-ground-decree-381 = not meeting the requirements of Government decree No. 381 of 30.03.2012 (the allowance for a child placed with patronage carers)
related-ground-no-consent = no consent to access the restricted personal data the service needs (Law "On personal data and their protection", art. 8)

related-notes =
    Good to know:
    { $lines }
related-note-originals = originals are shown for checking and then given back
related-note-portal-copies = on the portal: the same documents as electronic copies, without the identity document
related-note-child-in-organisation = if the child lives in an educational organisation for orphans and children left without parental care, the birth certificate and the documents of sub-item 7 are not required
related-note-electronic-copies = every document goes on the portal as an electronic copy
related-note-contact-centre = on the procedure and the status: the Unified contact centre, 1414 or 8 800 080 7777
related-note-child-consent = if the child is 10 or older, the body finds out whether the child consents to the transaction with their property and explains it in a way the child understands
related-note-proceeds = the body decides how the guardian spends the money received from such transactions

related-not-in-bot = This bot does not take applications for this service yet: apply as shown above. You can ask a specialist your questions.

related-ask-specialist = Ask a specialist
related-notify = Tell me when I can apply here
related-notify-short = Notify me
related-back = ◀ Other services
related-notify-on = You asked to be told when this service can be applied for in this bot. We will write to you here.
related-notify-recorded = Noted: when the service "{ $service }" can be applied for in this bot, we will tell you here.
related-notify-already = You have asked already: when the service "{ $service }" can be applied for in this bot, we will tell you here.

staff-digest-interest-title = Asked to be told when they can apply in the bot:
staff-digest-interest-line = { $service }: { $total } in all, { $new } new since the previous working day
