## What the bot has and has not checked about the applicant: the staff card and the application paper.

identity-phone-verified = Phone: verified by the messenger (the applicant shared their own contact).
identity-phone-unverified = Phone: typed, not verified (typed in by the applicant or taken from another person's contact).
identity-iin-as-typed = IIN: as typed by the applicant; not checked against state registers.
identity-same-iin = Other applications under this IIN: {$numbers}.
