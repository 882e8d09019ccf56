## Қорғаншы және қамқоршы органдар (көрсетілетін қызметті берушілер): атаулары, мекенжайлары, батырмалар.
## Кодтар flows/data/bodies.json файлынан. body-<code>-short: батырмаға, 20 таңбадан аспайды.

## Өңірлер

region-astana = Астана
region-almaty = Алматы
region-shymkent = Шымкент
region-kostanay = Қостанай облысы

## Астана

body-astana-edu = Астана қаласының білім басқармасы
body-astana-edu-short = Астана
body-astana-edu-address = 010000, Астана қаласы, Бейбітшілік көшесі, 11

## Алматы

body-almaty-edu = Алматы қаласының білім басқармасы
body-almaty-edu-short = Алматы
body-almaty-edu-address = 050000, Алматы қаласы

## Шымкент

body-shymkent-edu = Шымкент қаласының білім басқармасы
body-shymkent-edu-short = Шымкент
body-shymkent-edu-address = 160000, Шымкент қаласы

## Қостанай облысы

body-kst-kostanay-city = Қостанай облысы әкімдігі білім басқармасының Қостанай қаласы білім бөлімі
body-kst-kostanay-city-short = Қостанай қ.
body-kst-kostanay-city-address = 110000, Қостанай облысы, Қостанай қаласы

body-kst-rudny = Қостанай облысы әкімдігі білім басқармасының Рудный қаласы білім бөлімі
body-kst-rudny-short = Рудный
body-kst-rudny-address = Қостанай облысы, Рудный қаласы

body-kst-lisakovsk = Қостанай облысы әкімдігі білім басқармасының Лисаков қаласы білім бөлімі
body-kst-lisakovsk-short = Лисаков
body-kst-lisakovsk-address = Қостанай облысы, Лисаков қаласы

body-kst-arkalyk = Қостанай облысы әкімдігі білім басқармасының Арқалық қаласы білім бөлімі
body-kst-arkalyk-short = Арқалық
body-kst-arkalyk-address = Қостанай облысы, Арқалық қаласы

body-kst-altynsarin = Қостанай облысы әкімдігі білім басқармасының Алтынсарин ауданы білім бөлімі
body-kst-altynsarin-short = Алтынсарин ауданы
body-kst-altynsarin-address = Қостанай облысы, Алтынсарин ауданы, Обаған ауылы

body-kst-amangeldy = Қостанай облысы әкімдігі білім басқармасының Амангелді ауданы білім бөлімі
body-kst-amangeldy-short = Амангелді ауданы
body-kst-amangeldy-address = Қостанай облысы, Амангелді ауданы, Амангелді ауылы

body-kst-auliekol = Қостанай облысы әкімдігі білім басқармасының Әулиекөл ауданы білім бөлімі
body-kst-auliekol-short = Әулиекөл ауданы
body-kst-auliekol-address = Қостанай облысы, Әулиекөл ауданы, Әулиекөл ауылы

body-kst-beimbet-mailin = Қостанай облысы әкімдігі білім басқармасының Бейімбет Майлин ауданы білім бөлімі
body-kst-beimbet-mailin-short = Б. Майлин ауданы
body-kst-beimbet-mailin-address = Қостанай облысы, Бейімбет Майлин ауданы, Әйет ауылы

body-kst-denisov = Қостанай облысы әкімдігі білім басқармасының Денисов ауданы білім бөлімі
body-kst-denisov-short = Денисов ауданы
body-kst-denisov-address = Қостанай облысы, Денисов ауданы, Денисов ауылы

body-kst-zhangeldi = Қостанай облысы әкімдігі білім басқармасының Жангелдин ауданы білім бөлімі
body-kst-zhangeldi-short = Жангелдин ауданы
body-kst-zhangeldi-address = Қостанай облысы, Жангелдин ауданы, Торғай ауылы

body-kst-zhitikara = Қостанай облысы әкімдігі білім басқармасының Жітіқара ауданы білім бөлімі
body-kst-zhitikara-short = Жітіқара ауданы
body-kst-zhitikara-address = Қостанай облысы, Жітіқара ауданы, Жітіқара қаласы

body-kst-kamysty = Қостанай облысы әкімдігі білім басқармасының Қамысты ауданы білім бөлімі
body-kst-kamysty-short = Қамысты ауданы
body-kst-kamysty-address = Қостанай облысы, Қамысты ауданы, Қамысты ауылы

body-kst-karabalyk = Қостанай облысы әкімдігі білім басқармасының Қарабалық ауданы білім бөлімі
body-kst-karabalyk-short = Қарабалық ауданы
body-kst-karabalyk-address = Қостанай облысы, Қарабалық ауданы, Қарабалық кенті

body-kst-karasu = Қостанай облысы әкімдігі білім басқармасының Қарасу ауданы білім бөлімі
body-kst-karasu-short = Қарасу ауданы
body-kst-karasu-address = Қостанай облысы, Қарасу ауданы, Қарасу ауылы

body-kst-kostanay-dist = Қостанай облысы әкімдігі білім басқармасының Қостанай ауданы білім бөлімі
body-kst-kostanay-dist-short = Қостанай ауданы
body-kst-kostanay-dist-address = 111100, Қостанай облысы, Қостанай ауданы, Тобыл қаласы

body-kst-mendykara = Қостанай облысы әкімдігі білім басқармасының Меңдіқара ауданы білім бөлімі
body-kst-mendykara-short = Меңдіқара ауданы
body-kst-mendykara-address = Қостанай облысы, Меңдіқара ауданы, Боровской ауылы

body-kst-naurzum = Қостанай облысы әкімдігі білім басқармасының Наурызым ауданы білім бөлімі
body-kst-naurzum-short = Наурызым ауданы
body-kst-naurzum-address = Қостанай облысы, Наурызым ауданы, Қараменді ауылы

body-kst-sarykol = Қостанай облысы әкімдігі білім басқармасының Сарыкөл ауданы білім бөлімі
body-kst-sarykol-short = Сарыкөл ауданы
body-kst-sarykol-address = Қостанай облысы, Сарыкөл ауданы, Сарыкөл кенті

body-kst-uzunkol = Қостанай облысы әкімдігі білім басқармасының Ұзынкөл ауданы білім бөлімі
body-kst-uzunkol-short = Ұзынкөл ауданы
body-kst-uzunkol-address = Қостанай облысы, Ұзынкөл ауданы, Ұзынкөл ауылы

body-kst-fyodorov = Қостанай облысы әкімдігі білім басқармасының Федоров ауданы білім бөлімі
body-kst-fyodorov-short = Федоров ауданы
body-kst-fyodorov-address = Қостанай облысы, Федоров ауданы, Федоров ауылы
