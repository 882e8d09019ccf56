## Балалар тұратын не оқитын елдер (бала пікірін тыңдау, қашықтан): ел мен қала атаулары.
## Кодтар flows/data/countries.json ішінде. country-<code>-short: атауы 24 таңбадан ұзын болса, шағын түймеге арналған.
## city-<zone code>: уақыт белдеуін көрсететін қала (24 таңбадан аспайды).

## Елдер

country-ru = Ресей
country-tr = Түркия
country-de = Германия
country-gb = Ұлыбритания
country-us = АҚШ
country-kr = Оңтүстік Корея
country-cn = Қытай
country-ae = Біріккен Араб Әмірліктері
country-ae-short = БАӘ
country-kg = Қырғызстан
country-uz = Өзбекстан
country-cz = Чехия
country-pl = Польша
country-it = Италия
country-fr = Франция
country-es = Испания
country-nl = Нидерланд
country-ca = Канада
country-jp = Жапония
country-my = Малайзия
country-ge = Грузия
country-az = Әзербайжан
country-by = Беларусь
country-ua = Украина
country-il = Израиль
country-lt = Литва
country-lv = Латвия
country-ee = Эстония
country-hu = Венгрия
country-at = Австрия
country-ch = Швейцария
country-be = Бельгия
country-se = Швеция
country-fi = Финляндия
country-no = Норвегия
country-dk = Дания
country-ie = Ирландия
country-pt = Португалия
country-gr = Грекия
country-cy = Кипр
country-qa = Катар
country-sa = Сауд Арабиясы
country-eg = Мысыр
country-in = Үндістан
country-sg = Сингапур
country-th = Тайланд
country-au = Австралия
country-nz = Жаңа Зеландия
country-mn = Моңғолия
country-br = Бразилия
country-tj = Тәжікстан
country-tm = Түрікменстан
country-am = Армения
country-rs = Сербия
country-me = Черногория
country-sk = Словакия
country-bg = Болгария
country-ro = Румыния
country-hr = Хорватия
country-vn = Вьетнам
country-id = Индонезия
country-ar = Аргентина

## Қалалар

# Ресей
city-ru-kaliningrad = Калининград
city-ru-moscow = Мәскеу
city-ru-st-petersburg = Санкт-Петербург
city-ru-samara = Самара
city-ru-yekaterinburg = Екатеринбург
city-ru-omsk = Омбы
city-ru-novosibirsk = Новосібір
city-ru-krasnoyarsk = Красноярск
city-ru-irkutsk = Иркутск
city-ru-yakutsk = Якутск
city-ru-vladivostok = Владивосток
city-ru-magadan = Магадан
city-ru-kamchatka = Петропавловск-Камчатский

# АҚШ
city-us-new-york = Нью-Йорк
city-us-chicago = Чикаго
city-us-denver = Денвер
city-us-phoenix = Финикс
city-us-los-angeles = Лос-Анджелес
city-us-anchorage = Анкоридж
city-us-honolulu = Гонолулу

# Канада
city-ca-st-johns = Сент-Джонс
city-ca-halifax = Галифакс
city-ca-toronto = Торонто
city-ca-winnipeg = Виннипег
city-ca-edmonton = Эдмонтон
city-ca-vancouver = Ванкувер

# Австралия
city-au-perth = Перт
city-au-darwin = Дарвин
city-au-adelaide = Аделаида
city-au-brisbane = Брисбен
city-au-sydney = Сидней

# Моңғолия
city-mn-ulaanbaatar = Ұлан-Батор
city-mn-khovd = Қобда

# Бразилия
city-br-sao-paulo = Сан-Паулу
city-br-manaus = Манаус

# Индонезия
city-id-jakarta = Джакарта
city-id-bali = Денпасар (Бали)
city-id-jayapura = Джаяпура

# Бір уақыт белдеуі бар елдер: астанасы не басты қаласы
city-istanbul = Стамбұл
city-berlin = Берлин
city-london = Лондон
city-seoul = Сеул
city-beijing = Бейжің
city-dubai = Дубай
city-bishkek = Бішкек
city-tashkent = Ташкент
city-prague = Прага
city-warsaw = Варшава
city-rome = Рим
city-paris = Париж
city-madrid = Мадрид
city-amsterdam = Амстердам
city-tokyo = Токио
city-kuala-lumpur = Куала-Лумпур
city-tbilisi = Тбилиси
city-baku = Баку
city-minsk = Минск
city-kyiv = Киев
city-tel-aviv = Тель-Авив
city-vilnius = Вильнюс
city-riga = Рига
city-tallinn = Таллин
city-budapest = Будапешт
city-vienna = Вена
city-bern = Берн
city-brussels = Брюссель
city-stockholm = Стокгольм
city-helsinki = Хельсинки
city-oslo = Осло
city-copenhagen = Копенгаген
city-dublin = Дублин
city-lisbon = Лиссабон
city-athens = Афины
city-nicosia = Никосия
city-doha = Доха
city-riyadh = Эр-Рияд
city-cairo = Каир
city-new-delhi = Нью-Дели
city-singapore = Сингапур
city-bangkok = Бангкок
city-wellington = Веллингтон
city-dushanbe = Душанбе
city-ashgabat = Ашхабад
city-yerevan = Ереван
city-belgrade = Белград
city-podgorica = Подгорица
city-bratislava = Братислава
city-sofia = София
city-bucharest = Бухарест
city-zagreb = Загреб
city-hanoi = Ханой
city-buenos-aires = Буэнос-Айрес
