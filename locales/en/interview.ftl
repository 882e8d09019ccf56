## Service 2: the decision on taking into account the opinion of a child aged 10 or more

interview-intro =
    The child's opinion — a decision of the guardianship body on taking into account the opinion of a child aged 10 or more.
    Free of charge. After the documents are checked, a specialist talks with the child within 4 working days, with a parent or legal representative present. A child who lives or studies abroad talks with the specialist here, in the messenger.
    Have ready: your identity document and the child's date of birth.
interview-ask-role = Who are you to the child?
role-parent = Parent
role-guardian = Guardian or trustee
role-representative = Other legal representative
interview-ask-child-surname = The child's surname:
interview-ask-child-first-name = The child's first name:
interview-ask-child-patronymic = The child's patronymic (if any; otherwise tap "Skip"):
interview-ask-child-birth-date = The child's date of birth (DD.MM.YYYY):
error-child-under-ten = The guardianship body hears the opinion of a child aged {$min} or more, and your child will not yet be {$min} by the time of the conversation. When the child turns {$min}, you are welcome to apply again; until then, a specialist can advise you at 1414.
interview-ask-subject = What is the decision about?
subject-residence = Where the child lives
subject-name = Name or surname
subject-adoption = Adoption
subject-guardianship = Guardianship
subject-other = Something else
interview-ask-subject-details = In a few words, what is the question? (For example: which parent the child will live with.)
interview-ask-lives = Where does the child live or study now?
lives-kz = In Kazakhstan
lives-abroad = Abroad
interview-ask-country = In which country?
interview-ask-city = In which city (for the time zone)?
summary-lives-abroad = Abroad: {$country}, {$city}
interview-ask-present = Who will be with the child during the conversation?
present-applicant = I will
present-other = Another legal representative
summary-subject = {$subject}: {$details}
section-role = Applicant's role
section-child = Child
section-subject = The question
section-lives = Where the child lives
section-present = Present at the conversation
