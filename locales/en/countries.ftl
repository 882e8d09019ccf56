## Countries where a child lives or studies (remote child-opinion interview): country and city names.
## Codes from flows/data/countries.json. country-<code>-short: for small buttons when the name is longer than 24 characters.
## city-<zone code>: the city the time zone is shown by (at most 24 characters).

## Countries

country-ru = Russia
country-tr = Türkiye
country-de = Germany
country-gb = United Kingdom
country-us = United States
country-kr = South Korea
country-cn = China
country-ae = United Arab Emirates
country-ae-short = UAE
country-kg = Kyrgyzstan
country-uz = Uzbekistan
country-cz = Czechia
country-pl = Poland
country-it = Italy
country-fr = France
country-es = Spain
country-nl = Netherlands
country-ca = Canada
country-jp = Japan
country-my = Malaysia
country-ge = Georgia
country-az = Azerbaijan
country-by = Belarus
country-ua = Ukraine
country-il = Israel
country-lt = Lithuania
country-lv = Latvia
country-ee = Estonia
country-hu = Hungary
country-at = Austria
country-ch = Switzerland
country-be = Belgium
country-se = Sweden
country-fi = Finland
country-no = Norway
country-dk = Denmark
country-ie = Ireland
country-pt = Portugal
country-gr = Greece
country-cy = Cyprus
country-qa = Qatar
country-sa = Saudi Arabia
country-eg = Egypt
country-in = India
country-sg = Singapore
country-th = Thailand
country-au = Australia
country-nz = New Zealand
country-mn = Mongolia
country-br = Brazil
country-tj = Tajikistan
country-tm = Turkmenistan
country-am = Armenia
country-rs = Serbia
country-me = Montenegro
country-sk = Slovakia
country-bg = Bulgaria
country-ro = Romania
country-hr = Croatia
country-vn = Vietnam
country-id = Indonesia
country-ar = Argentina

## Cities

# Russia
city-ru-kaliningrad = Kaliningrad
city-ru-moscow = Moscow
city-ru-st-petersburg = Saint Petersburg
city-ru-samara = Samara
city-ru-yekaterinburg = Yekaterinburg
city-ru-omsk = Omsk
city-ru-novosibirsk = Novosibirsk
city-ru-krasnoyarsk = Krasnoyarsk
city-ru-irkutsk = Irkutsk
city-ru-yakutsk = Yakutsk
city-ru-vladivostok = Vladivostok
city-ru-magadan = Magadan
city-ru-kamchatka = Petropavlovsk-Kamchatsky

# United States
city-us-new-york = New York
city-us-chicago = Chicago
city-us-denver = Denver
city-us-phoenix = Phoenix
city-us-los-angeles = Los Angeles
city-us-anchorage = Anchorage
city-us-honolulu = Honolulu

# Canada
city-ca-st-johns = St. John's
city-ca-halifax = Halifax
city-ca-toronto = Toronto
city-ca-winnipeg = Winnipeg
city-ca-edmonton = Edmonton
city-ca-vancouver = Vancouver

# Australia
city-au-perth = Perth
city-au-darwin = Darwin
city-au-adelaide = Adelaide
city-au-brisbane = Brisbane
city-au-sydney = Sydney

# Mongolia
city-mn-ulaanbaatar = Ulaanbaatar
city-mn-khovd = Khovd

# Brazil
city-br-sao-paulo = São Paulo
city-br-manaus = Manaus

# Indonesia
city-id-jakarta = Jakarta
city-id-bali = Denpasar (Bali)
city-id-jayapura = Jayapura

# Single-zone countries: the capital or the main city
city-istanbul = Istanbul
city-berlin = Berlin
city-london = London
city-seoul = Seoul
city-beijing = Beijing
city-dubai = Dubai
city-bishkek = Bishkek
city-tashkent = Tashkent
city-prague = Prague
city-warsaw = Warsaw
city-rome = Rome
city-paris = Paris
city-madrid = Madrid
city-amsterdam = Amsterdam
city-tokyo = Tokyo
city-kuala-lumpur = Kuala Lumpur
city-tbilisi = Tbilisi
city-baku = Baku
city-minsk = Minsk
city-kyiv = Kyiv
city-tel-aviv = Tel Aviv
city-vilnius = Vilnius
city-riga = Riga
city-tallinn = Tallinn
city-budapest = Budapest
city-vienna = Vienna
city-bern = Bern
city-brussels = Brussels
city-stockholm = Stockholm
city-helsinki = Helsinki
city-oslo = Oslo
city-copenhagen = Copenhagen
city-dublin = Dublin
city-lisbon = Lisbon
city-athens = Athens
city-nicosia = Nicosia
city-doha = Doha
city-riyadh = Riyadh
city-cairo = Cairo
city-new-delhi = New Delhi
city-singapore = Singapore
city-bangkok = Bangkok
city-wellington = Wellington
city-dushanbe = Dushanbe
city-ashgabat = Ashgabat
city-yerevan = Yerevan
city-belgrade = Belgrade
city-podgorica = Podgorica
city-bratislava = Bratislava
city-sofia = Sofia
city-bucharest = Bucharest
city-zagreb = Zagreb
city-hanoi = Hanoi
city-buenos-aires = Buenos Aires
