## Issued documents (PDF): notices, the citizen's menu, the verification page

issued-citizen = 📄 {$paper} for application {$number} (reg. no. {$registry}). You can check it is genuine with the QR code on it.
issued-citizen-replaces = 📄 {$paper} for application No. {$number} has been issued again (reg. No. {$registry}) and replaces the earlier one (reg. No. {$replaced}), which is no longer valid. Its authenticity can be checked by the QR code in the document.
issued-staff = 📄 Document issued: {$paper} — application {$number}, reg. no. {$registry}.
issued-kind-application-appendix-1 = Application
issued-kind-receipt-appendix-3 = Receipt of refusal to accept documents
issued-kind-permission-appendix-4 = Permission to meet the child
issued-kind-preliminary-refusal-and-hearing-notice = Preliminary decision to refuse and notice of hearing
issued-kind-reasoned-refusal = Reasoned refusal
issued-kind-conversation-record = Record of the conversation with the child
issued-kind-decision-on-the-childs-opinion = Decision on taking the child's opinion into account
apps-filed = 📝 What I filed
apps-papers = 📁 Documents
apps-papers-none = No documents have been issued for application {$number} yet.
apps-papers-sent = Documents for application {$number}: {$count}.
apps-filed-title = Application {$number} — what you filed:
verify-title = Document check
verify-unknown = No document has this code. Please check the link or the QR code.
verify-valid = ✅ valid
verify-replaced = ⚠️ replaced by a newer version
verify-replaced-by = ⚠️ replaced on {$date} by a newer version (reg. No. {$registry}), no longer valid
verify-details =
    Document: {$kind}
    Registration number: {$number}
    Date: {$date}
    Issued by: {$body}
    Applicant: {$initials}
    Status: {$status}
    SHA-256: {$sha256}
staff-action-reissue = 🔁 Issue the document again
staff-reissued = Application {$number}: a new version of "{$paper}" is issued; the old one now checks as replaced.
staff-reissue-nothing = Application {$number}: there is no document to issue again.
issued-staff-unsigned = The paper carries the specialist's Telegram name and no position. The name and position for papers are entered in the console: /console → “{ console-nav-me }”.
