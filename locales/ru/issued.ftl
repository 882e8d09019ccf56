## Выданные документы (PDF): уведомления, меню гражданина, страница проверки

issued-citizen = 📄 {$paper} по заявлению № {$number} (рег. № {$registry}). Подлинность можно проверить по QR-коду в документе.
issued-citizen-replaces = 📄 {$paper} по заявлению № {$number} выдан заново (рег. № {$registry}) и заменяет прежний (рег. № {$replaced}), который больше не действует. Подлинность можно проверить по QR-коду в документе.
issued-staff = 📄 Выдан документ: {$paper} — заявление № {$number}, рег. № {$registry}.
issued-kind-application-appendix-1 = Заявление
issued-kind-receipt-appendix-3 = Расписка об отказе в приеме документов
issued-kind-permission-appendix-4 = Разрешение на свидание с ребенком
issued-kind-preliminary-refusal-and-hearing-notice = Предварительное решение об отказе и уведомление о заслушивании
issued-kind-reasoned-refusal = Мотивированный отказ
issued-kind-conversation-record = Протокол беседы с ребенком
issued-kind-decision-on-the-childs-opinion = Решение об учете мнения ребенка
apps-filed = 📝 Что я подал(а)
apps-papers = 📁 Документы
apps-papers-none = По заявлению № {$number} документы еще не выданы.
apps-papers-sent = Документы по заявлению № {$number}: {$count}.
apps-filed-title = Заявление № {$number} — что вы подали:
verify-title = Проверка документа
verify-unknown = Документ с таким кодом не найден. Проверьте ссылку или QR-код.
verify-valid = ✅ действителен
verify-replaced = ⚠️ заменен более новой версией
verify-replaced-by = ⚠️ заменен {$date} новой версией (рег. № {$registry}) и больше не действует
verify-details =
    Документ: {$kind}
    Регистрационный номер: {$number}
    Дата: {$date}
    Выдал: {$body}
    Заявитель: {$initials}
    Статус: {$status}
    SHA-256: {$sha256}
staff-action-reissue = 🔁 Выдать документ заново
staff-reissued = Заявление № {$number}: выдана новая версия документа «{$paper}»; прежняя при проверке показывается как замененная.
staff-reissue-nothing = Заявление № {$number}: документов для повторной выдачи нет.
issued-staff-unsigned = Документ подписан именем специалиста в Telegram, без должности. ФИО и должность для документов указываются в консоли: /console → «{ console-nav-me }».
