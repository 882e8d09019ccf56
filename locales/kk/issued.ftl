## Берілген құжаттар (PDF): хабарламалар, азаматтың мәзірі, тексеру беті

issued-citizen = 📄 № {$number} өтініш бойынша {$paper} (тір. № {$registry}). Түпнұсқалығын құжаттағы QR-код арқылы тексеруге болады.
issued-citizen-replaces = 📄 № {$number} өтініш бойынша {$paper} қайта берілді (тір. № {$registry}) және бұрынғысын (тір. № {$replaced}) ауыстырады, ол енді жарамсыз. Түпнұсқалығын құжаттағы QR-код арқылы тексеруге болады.
issued-staff = 📄 Құжат берілді: {$paper} — № {$number} өтініш, тір. № {$registry}.
issued-kind-application-appendix-1 = Өтініш
issued-kind-receipt-appendix-3 = Құжаттарды қабылдаудан бас тарту туралы қолхат
issued-kind-permission-appendix-4 = Баламен кездесуге рұқсат
issued-kind-preliminary-refusal-and-hearing-notice = Бас тарту туралы алдын ала шешім және тыңдау туралы хабарлама
issued-kind-reasoned-refusal = Дәлелді бас тарту
issued-kind-conversation-record = Баламен әңгімелесу хаттамасы
issued-kind-decision-on-the-childs-opinion = Баланың пікірін ескеру туралы шешім
apps-filed = 📝 Не бердім
apps-papers = 📁 Құжаттар
apps-papers-none = № {$number} өтініш бойынша әзірге құжат берілген жоқ.
apps-papers-sent = № {$number} өтініш бойынша құжаттар: {$count}.
apps-filed-title = № {$number} өтініш — сіз берген мәліметтер:
verify-title = Құжатты тексеру
verify-unknown = Мұндай коды бар құжат табылмады. Сілтемені немесе QR-кодты тексеріңіз.
verify-valid = ✅ жарамды
verify-replaced = ⚠️ жаңа нұсқасымен ауыстырылған
verify-replaced-by = ⚠️ {$date} жаңа нұсқасымен (тір. № {$registry}) ауыстырылған, енді жарамсыз
verify-details =
    Құжат: {$kind}
    Тіркеу нөмірі: {$number}
    Күні: {$date}
    Берген: {$body}
    Өтініш беруші: {$initials}
    Мәртебесі: {$status}
    SHA-256: {$sha256}
staff-action-reissue = 🔁 Құжатты қайта беру
staff-reissued = № {$number} өтініш: «{$paper}» құжатының жаңа нұсқасы берілді; тексергенде бұрынғысы ауыстырылған деп көрсетіледі.
staff-reissue-nothing = № {$number} өтініш: қайта беретін құжат жоқ.
issued-staff-unsigned = Құжатқа маманның Telegram-дағы аты лауазымсыз қойылды. Құжаттарға арналған аты-жөн мен лауазым консольде көрсетіледі: /console → «{ console-nav-me }».
