# A stored file that cannot be opened (altered on disk, or sealed with a key no longer held).
file-unreadable = ⚠️ The file “{ $name }” could not be opened: it was altered on disk, or sealed with a key the bot no longer holds. Tell the administrator; the file itself was not deleted.
staff-digest-failed = ❌ Since the previous working day, { $count ->
    [one] {$count} message
   *[other] {$count} messages
} could not be delivered (the messenger refused, or a file would not open); the reason is in the bot's log. Check the citizens' topics.
