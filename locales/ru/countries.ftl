## Страны, где ребёнок живёт или учится (дистанционное выслушивание мнения ребёнка): названия стран и городов.
## Коды из flows/data/countries.json. country-<code>-short: для маленькой кнопки, если название длиннее 24 символов.
## city-<zone code>: город, по которому показывается часовой пояс (не длиннее 24 символов).

## Страны

country-ru = Россия
country-tr = Турция
country-de = Германия
country-gb = Великобритания
country-us = США
country-kr = Южная Корея
country-cn = Китай
country-ae = Объединённые Арабские Эмираты
country-ae-short = ОАЭ
country-kg = Кыргызстан
country-uz = Узбекистан
country-cz = Чехия
country-pl = Польша
country-it = Италия
country-fr = Франция
country-es = Испания
country-nl = Нидерланды
country-ca = Канада
country-jp = Япония
country-my = Малайзия
country-ge = Грузия
country-az = Азербайджан
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
country-gr = Греция
country-cy = Кипр
country-qa = Катар
country-sa = Саудовская Аравия
country-eg = Египет
country-in = Индия
country-sg = Сингапур
country-th = Таиланд
country-au = Австралия
country-nz = Новая Зеландия
country-mn = Монголия
country-br = Бразилия
country-tj = Таджикистан
country-tm = Туркменистан
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

## Города

# Россия
city-ru-kaliningrad = Калининград
city-ru-moscow = Москва
city-ru-st-petersburg = Санкт-Петербург
city-ru-samara = Самара
city-ru-yekaterinburg = Екатеринбург
city-ru-omsk = Омск
city-ru-novosibirsk = Новосибирск
city-ru-krasnoyarsk = Красноярск
city-ru-irkutsk = Иркутск
city-ru-yakutsk = Якутск
city-ru-vladivostok = Владивосток
city-ru-magadan = Магадан
city-ru-kamchatka = Петропавловск-Камчатский

# США
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

# Монголия
city-mn-ulaanbaatar = Улан-Батор
city-mn-khovd = Ховд

# Бразилия
city-br-sao-paulo = Сан-Паулу
city-br-manaus = Манаус

# Индонезия
city-id-jakarta = Джакарта
city-id-bali = Денпасар (Бали)
city-id-jayapura = Джаяпура

# Страны с одним часовым поясом: столица или главный город
city-istanbul = Стамбул
city-berlin = Берлин
city-london = Лондон
city-seoul = Сеул
city-beijing = Пекин
city-dubai = Дубай
city-bishkek = Бишкек
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
