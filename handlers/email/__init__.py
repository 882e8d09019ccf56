"""E-mail, the third channel (issue 16): outbox messages out by SMTP, a child's replies in
through an SMTP listener. A person reached by e-mail has channel "email" and their address,
lower-cased, as external_id."""

CHANNEL = "email"
