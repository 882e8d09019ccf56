# Consent to the use of personal data: when it was given and the version of its words (on the card).
consent-given = consent given { $at }, text version { $version }
