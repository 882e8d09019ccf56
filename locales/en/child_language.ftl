## A child abroad: the language the bot writes to the child in, the child's night

booking-ask-child-language =
    Time of the conversation: {$slot}.
    Which language should the bot write to the child in? The child gets the first message, the explanation of the conversation and the reminders in it. The child can change it later with /language.
booking-ask-child-language-child =
    The conversation with {$child}: {$slot}.
    Which language should the bot write to the child in? The child gets the first message, the explanation of the conversation and the reminders in it. The child can change it later with /language.
booking-child-language-own = {$language} — same as yours
booking-child-language-set = The bot writes to the child in: {$language}.
booking-day-night = {$date} — free: {$count} 🌙
booking-slot-night = 🌙 {$slot}
booking-night-mark = 🌙 — night time for the child (21:00 to 07:00, {$city} local time). These times come last.
booking-no-daytime-day = 🌙 On this day the body's office hours leave no time between 07:00 and 21:00 for the child ({$city} local time): every free time falls in the child's night. You can choose another day. If night time does not suit the child, tap "{ menu-specialist }" in the menu: a specialist can open another time for the conversation.
booking-no-daytime = 🌙 Within the term, the body's office hours leave no time between 07:00 and 21:00 for the child ({$city} local time): every free time falls in the child's night. If night time does not suit the child, tap "{ menu-specialist }" in the menu: a specialist can open another time for the conversation.
